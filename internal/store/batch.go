package store

import (
	"context"
	"strings"
)

// batchInsert inserts rows with multi-row VALUES statements (PostgreSQL
// round trips dominate row-at-a-time inserts). cols names the columns;
// every row has len(cols) values.
func batchInsert(ctx context.Context, q Q, table string, cols []string, rows [][]any) error {
	per := 500
	if max := 30000 / len(cols); per > max {
		per = max
	}
	head := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `
	one := `(` + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + `)`
	for len(rows) > 0 {
		n := min(per, len(rows))
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, n*len(cols))
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = append(args, rows[i]...)
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}
