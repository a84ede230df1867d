package doublereport

import (
	"context"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// LevelColumns is the header of service import levels: the optional
// `level` of orgs (§4) for trees imported without it.
var LevelColumns = []string{"org_code", "level"}

// ImportLevels sets orgs' levels, all or nothing.
func (d *DR) ImportLevels(ctx context.Context, file string, rows []tabular.Row, a store.Actor) (int, error) {
	n := 0
	defer d.changed()
	err := d.S.Tx(ctx, func(q store.Q) error {
		var codes []string
		for _, r := range rows {
			codes = append(codes, tabular.Trim(r.Get("org_code")))
		}
		orgs, err := orgsByCode(ctx, q, codes)
		if err != nil {
			return err
		}
		bad := &pingyi.InputError{}
		first := make(map[string]int)
		type set struct {
			id    int64
			level string
		}
		var sets []set
		for _, r := range rows {
			code, level := tabular.Trim(r.Get("org_code")), tabular.Trim(r.Get("level"))
			o, ok := orgs[code]
			if !ok {
				bad.Add(r.Line, "org_code", "org %q does not exist", code)
			}
			if l, dup := first[code]; dup {
				bad.Add(r.Line, "org_code", "duplicate code %q (first on line %d)", code, l)
			}
			first[code] = r.Line
			if !rules.ValidLevel(level) {
				bad.Add(r.Line, "level", "unknown level %q (district, street, community or empty)", level)
			}
			if ok && o.Level != level {
				sets = append(sets, set{o.ID, level})
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		now := store.Now()
		for _, s := range sets {
			if _, err := q.Exec(ctx, `UPDATE orgs SET level = ?, updated_at = ? WHERE id = ?`, s.level, now, s.id); err != nil {
				return err
			}
		}
		n = len(sets)
		return store.Audit(ctx, q, a, "import", "org_level", file, nil, map[string]int{"changed": n})
	})
	return n, err
}
