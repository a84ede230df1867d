package appraisal

import (
	"context"
	"time"

	"github.com/pingyi/pingyi/internal/store"
)

// AppraisalTasks count what waits in a subtree for its staff (the
// dashboard's tasks).
type AppraisalTasks struct {
	Objections  int // objections to results not answered yet
	RectOverdue int // rectification items past their deadline, not done
	RectDue     int // due within a week
	OpenNoClose int // campaigns open without a closing time
}

// AppraisalTasks counts the tasks of the subtree under path ("" for all)
// on day today (YYYY-MM-DD).
func (s *Store) AppraisalTasks(ctx context.Context, path, today string) (AppraisalTasks, error) {
	var t AppraisalTasks
	week := dayPlus(today, 7)
	in, inArgs := s.PathPrefix("so.path", path)
	if err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM objections o JOIN campaigns c ON c.id = o.campaign_id
		JOIN orgs so ON so.id = c.scope_org_id WHERE o.answer = '' AND `+in, inArgs...).Scan(&t.Objections); err != nil {
		return t, err
	}
	rin, rArgs := s.PathPrefix("ro.path", path)
	if err := s.R().QueryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN r.deadline < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.deadline >= ? AND r.deadline < ? THEN 1 ELSE 0 END), 0)
		FROM rectifications r JOIN orgs ro ON ro.id = r.org_id
		WHERE r.status IN ('open', 'in_progress') AND r.deadline <> '' AND `+rin,
		append([]any{today, today, week}, rArgs...)...).Scan(&t.RectOverdue, &t.RectDue); err != nil {
		return t, err
	}
	// open (State) and with no closing time: opens empty or passed
	err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM campaigns c JOIN orgs so ON so.id = c.scope_org_id
		WHERE c.closes = '' AND (c.opens = '' OR c.opens <= ?) AND `+in, append([]any{store.Now()}, inArgs...)...).Scan(&t.OpenNoClose)
	return t, err
}

// dayPlus is day (YYYY-MM-DD) plus n days ("" if day is not a day).
func dayPlus(day string, n int) string {
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, n).Format("2006-01-02")
}
