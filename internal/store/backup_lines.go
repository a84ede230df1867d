package store

import "context"

// TableLines returns every table's rows (goose's aside) as backup lines,
// sorted, by table name: tests and restore drills compare two databases
// table by table.
func (s *Store) TableLines(ctx context.Context) (map[string][]string, error) {
	tables, err := s.schema(ctx, s.R())
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, t := range tables {
		l, err := tableLines(ctx, s.R(), t)
		if err != nil {
			return nil, err
		}
		out[t.name] = l
	}
	return out, nil
}
