package stars

// Aggregate queries of the star pages (internal/web): counts over a
// subtree in one query each, so that a district view does not load every
// member's records.

import (
	"context"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// LogCounts counts the logbook entries of the members whose org lies
// under path ("" for everything) with a day in [from, to) (YYYY-MM-DD):
// member code → kind → entries.
func (s *Store) LogCounts(ctx context.Context, path, from, to string) (map[string]map[string]int, error) {
	pred, pargs := s.PathPrefix("o.path", path)
	rs, err := s.R().Query(ctx, `SELECT m.code, l.kind, COUNT(*) FROM star_log l JOIN members m ON m.id = l.member_id
		JOIN orgs o ON o.id = m.org_id WHERE `+pred+` AND l.day >= ? AND l.day < ?
		GROUP BY m.code, l.kind`, append(pargs, from, to)...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := map[string]map[string]int{}
	for rs.Next() {
		var code, kind string
		var n int
		if err := rs.Scan(&code, &kind, &n); err != nil {
			return nil, err
		}
		if out[code] == nil {
			out[code] = map[string]int{}
		}
		out[code][kind] = n
	}
	return out, rs.Err()
}

// Tally is a count of members of one org, domain and category: with
// a level (finalized results) or with a total and cap (ratings).
type Tally struct {
	OrgPath  string
	Domain   pingyi.Domain
	Category pingyi.Category
	Level    pingyi.StarLevel // results
	Total    int              // ratings
	Cap      int
	N        int
}

// ResultTallies counts the finalized results of year under path by
// org, category and level.
func (s *Store) ResultTallies(ctx context.Context, path string, year int) ([]Tally, error) {
	pred, pargs := s.PathPrefix("o.path", path)
	return s.starTallies(ctx, `SELECT o.path, o.domain, m.category, r.level, 0, r.cap, COUNT(*)
		FROM star_results r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = m.org_id
		WHERE r.year = ? AND `+pred+` GROUP BY o.path, o.domain, m.category, r.level, r.cap`, append([]any{year}, pargs...)...)
}

// RatingTallies counts the committee's ratings of year under path by
// org, category, total and cap (levels are the caller's: the year's rules).
func (s *Store) RatingTallies(ctx context.Context, path string, year int) ([]Tally, error) {
	pred, pargs := s.PathPrefix("o.path", path)
	return s.starTallies(ctx, `SELECT o.path, o.domain, m.category, '', r.total, r.cap, COUNT(*)
		FROM star_ratings r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = m.org_id
		WHERE r.year = ? AND `+pred+` GROUP BY o.path, o.domain, m.category, r.total, r.cap`, append([]any{year}, pargs...)...)
}

func (s *Store) starTallies(ctx context.Context, q string, args ...any) ([]Tally, error) {
	rs, err := s.R().Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []Tally
	for rs.Next() {
		var t Tally
		if err := rs.Scan(&t.OrgPath, &t.Domain, &t.Category, &t.Level, &t.Total, &t.Cap, &t.N); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rs.Err()
}

// GoalCounts counts the goals of year under path per org path: all,
// and signed by both the member and the secretary.
func (s *Store) GoalCounts(ctx context.Context, path string, year int) (all, signed map[string]int, err error) {
	pred, pargs := s.PathPrefix("o.path", path)
	rs, err := s.R().Query(ctx, `SELECT o.path, COUNT(*), SUM(CASE WHEN g.member_signed <> '' AND g.secretary_signed <> '' THEN 1 ELSE 0 END)
		FROM star_goals g JOIN members m ON m.id = g.member_id JOIN orgs o ON o.id = m.org_id
		WHERE g.year = ? AND `+pred+` GROUP BY o.path`, append([]any{year}, pargs...)...)
	if err != nil {
		return nil, nil, err
	}
	defer rs.Close()
	all, signed = map[string]int{}, map[string]int{}
	for rs.Next() {
		var p string
		var n, sg int
		if err := rs.Scan(&p, &n, &sg); err != nil {
			return nil, nil, err
		}
		all[p], signed[p] = n, sg
	}
	return all, signed, rs.Err()
}
