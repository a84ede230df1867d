package stars

import "context"

// Tasks count what waits for the staff of a subtree in star management
// (the dashboard's tasks).
type Tasks struct {
	Comments   int // door-plate comments waiting for review
	Objections int // objections to the year's results not answered
}

// PendingTasks counts the tasks of the subtree under path ("" for all).
func (s *Store) PendingTasks(ctx context.Context, path string) (Tasks, error) {
	var t Tasks
	in, args := s.PathPrefix("o.path", path)
	if err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM star_comments c JOIN members m ON m.id = c.member_id
		JOIN orgs o ON o.id = m.org_id WHERE c.status = 'pending' AND `+in, args...).Scan(&t.Comments); err != nil {
		return t, err
	}
	err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM star_objections x JOIN orgs o ON o.id = x.org_id
		WHERE x.answer = '' AND `+in, args...).Scan(&t.Objections)
	return t, err
}

// HasGoal reports whether the member has a goal for the year.
func (s *Store) HasGoal(ctx context.Context, year int, memberID int64) (bool, error) {
	var n int
	err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM star_goals WHERE year = ? AND member_id = ?`, year, memberID).Scan(&n)
	return n > 0, err
}
