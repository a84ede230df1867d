package appraisal

import (
	"context"
	"slices"
	"strings"
)

// FindTargets returns the indexes in sm.Targets (in its order: type, then
// code) of at most limit targets whose name or code contains q, case
// aside: one query over the campaign's targets (LIKE, its wildcards in q
// escaped), not a read of every name (the public page's search for an
// objection's target).
func (s *Store) FindTargets(ctx context.Context, sm *Summary, q string, limit int) ([]int32, error) {
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q))
	rows, err := s.R().Query(ctx, `SELECT id FROM targets WHERE campaign_id = ?
		AND (LOWER(name) LIKE ? ESCAPE '\' OR LOWER(code) LIKE ? ESCAPE '\') ORDER BY type, code LIMIT ?`,
		sm.CampaignID, "%"+esc+"%", "%"+esc+"%", limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int32
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if i, ok := sm.TargetByID(id); ok {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out, rows.Err()
}
