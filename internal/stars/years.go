package stars

import "context"

// ResultYears are the years whose results of the org's members are
// finalized, newest first (the public page's year switch).
func (s *Store) ResultYears(ctx context.Context, orgID int64) ([]int, error) {
	rows, err := s.R().Query(ctx, `SELECT DISTINCT r.year FROM star_results r JOIN members m ON m.id = r.member_id
		WHERE m.org_id = ? ORDER BY r.year DESC`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}
