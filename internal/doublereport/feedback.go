package doublereport

import (
	"context"
	"strconv"

	"github.com/pingyi/pingyi/internal/rules"
)

// FeedbackHeader is the header of service feedback --format csv.
var FeedbackHeader = []string{"member_code", "name", "org_code", "community_code", "registered_on", "left_on", "claims", "cancels", "completed", "hours", "confirmed", "satisfied", "dissatisfied"}

// FeedbackHeaderZH is the same header in Chinese (the PDF letter).
var FeedbackHeaderZH = []string{"党员编号", "姓名", "所在支部", "报到社区", "报到日期", "离开日期", "认领", "取消", "完成", "服务时长", "评价", "满意", "不满意"}

// FeedbackRow is one member's record of the year for their home unit.
type FeedbackRow struct {
	MemberCode, Name, OrgCode        string
	CommunityCode, RegisteredOn      string // their last registration active in the year
	LeftOn                           string
	Claims, Cancels, Completed       int64
	Hours                            int64 // hundredths
	Confirmed, Satisfied, Dissatisfy int64
}

// Cells are the row as the CSV shows it.
func (r FeedbackRow) Cells() []string {
	return []string{r.MemberCode, r.Name, r.OrgCode, r.CommunityCode, r.RegisteredOn, r.LeftOn, itoa(r.Claims), itoa(r.Cancels),
		itoa(r.Completed), rules.FormatCents(r.Hours), itoa(r.Confirmed), itoa(r.Satisfied), itoa(r.Dissatisfy)}
}

// Feedback lists the record of the year of every in-service member of the
// unit's subtree, sorted by member code.
func (d *DR) Feedback(ctx context.Context, unitCode string, year int) ([]FeedbackRow, error) {
	unit, err := d.Scope(ctx, unitCode)
	if err != nil {
		return nil, err
	}
	like := subtreeLike(unit.Path)
	from, to := strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"
	rows, err := d.S.R().Query(ctx, `SELECT m.id, m.code, m.name, o.code FROM members m JOIN orgs o ON o.id = m.org_id
		WHERE o.path LIKE ? AND m.category = 'in_service' ORDER BY m.code`, like)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*FeedbackRow)
	var order []int64
	for rows.Next() {
		var id int64
		r := &FeedbackRow{}
		if err := rows.Scan(&id, &r.MemberCode, &r.Name, &r.OrgCode); err != nil {
			rows.Close()
			return nil, err
		}
		byID[id] = r
		order = append(order, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	regs, err := d.S.R().Query(ctx, `SELECT r.member_id, c.code, r.registered_on, r.left_on FROM dr_registrations r
		JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = m.org_id JOIN orgs c ON c.id = r.community_id
		WHERE o.path LIKE ? AND r.org_id = 0 AND r.registered_on <= ? AND (r.left_on = '' OR r.left_on > ?)`, like, to, from)
	if err != nil {
		return nil, err
	}
	for regs.Next() {
		var id int64
		var c, on, left string
		if err := regs.Scan(&id, &c, &on, &left); err != nil {
			regs.Close()
			return nil, err
		}
		if r := byID[id]; r != nil && on > r.RegisteredOn {
			r.CommunityCode, r.RegisteredOn, r.LeftOn = c, on, left
		}
	}
	regs.Close()
	ev, err := d.S.R().Query(ctx, `SELECT e.member_id, e.event, COUNT(*), COALESCE(SUM(e.hours), 0),
		COALESCE(SUM(CASE WHEN e.rating = 'satisfied' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN e.rating = 'dissatisfied' THEN 1 ELSE 0 END), 0)
		FROM dr_events e JOIN members m ON m.id = e.member_id JOIN orgs o ON o.id = m.org_id
		WHERE o.path LIKE ? AND e.on_date >= ? AND e.on_date <= ? GROUP BY e.member_id, e.event`, like, from, to)
	if err != nil {
		return nil, err
	}
	defer ev.Close()
	for ev.Next() {
		var id, n, hours, sat, dis int64
		var e string
		if err := ev.Scan(&id, &e, &n, &hours, &sat, &dis); err != nil {
			return nil, err
		}
		r := byID[id]
		if r == nil {
			continue
		}
		switch rules.NeedEvent(e) {
		case rules.EventClaim:
			r.Claims = n
		case rules.EventCancel:
			r.Cancels = n
		case rules.EventComplete:
			r.Completed, r.Hours = n, hours
		case rules.EventConfirm:
			r.Confirmed, r.Satisfied, r.Dissatisfy = n, sat, dis
		}
	}
	if err := ev.Err(); err != nil {
		return nil, err
	}
	out := make([]FeedbackRow, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	return out, nil
}

// MemberRecord is one member's counts of the year (their phone page).
func (d *DR) MemberRecord(ctx context.Context, memberID int64, year int) (FeedbackRow, error) {
	var r FeedbackRow
	from, to := strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"
	rows, err := d.S.R().Query(ctx, `SELECT e.event, COUNT(*), COALESCE(SUM(e.hours), 0),
		COALESCE(SUM(CASE WHEN e.rating = 'satisfied' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN e.rating = 'dissatisfied' THEN 1 ELSE 0 END), 0)
		FROM dr_events e WHERE e.member_id = ? AND e.on_date >= ? AND e.on_date <= ? GROUP BY e.event`, memberID, from, to)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		var n, hours, sat, dis int64
		if err := rows.Scan(&e, &n, &hours, &sat, &dis); err != nil {
			return r, err
		}
		switch rules.NeedEvent(e) {
		case rules.EventClaim:
			r.Claims = n
		case rules.EventCancel:
			r.Cancels = n
		case rules.EventComplete:
			r.Completed, r.Hours = n, hours
		case rules.EventConfirm:
			r.Confirmed, r.Satisfied, r.Dissatisfy = n, sat, dis
		}
	}
	return r, rows.Err()
}

// HoursText shows hundredths of hours with two decimals.
func HoursText(h int64) string { return rules.FormatCents(h) }
