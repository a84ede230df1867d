package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// BatchInsert inserts rows with multi-row VALUES statements (PostgreSQL
// round trips dominate row-at-a-time inserts). cols names the columns;
// every row has len(cols) values.
func BatchInsert(ctx context.Context, q Q, table string, cols []string, rows [][]any) error {
	per := 500
	if max := 30000 / len(cols); per > max {
		per = max
	}
	for len(rows) > 0 {
		n := min(per, len(rows))
		args := make([]any, 0, n*len(cols))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := q.Exec(ctx, insertSQL(table, cols, n), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// InsertRows inserts rows into table: on PostgreSQL with multi-row
// statements of up to 500 rows (batchInsert); on SQLite with multi-row
// statements of 256, 64, 16, 4 or 1 rows, so that the intake writer's
// connection (WriterConn) keeps the few statements it needs prepared
// instead of parsing one of a new length for every batch.
func InsertRows(ctx context.Context, q Q, table string, cols []string, rows [][]any) error {
	if q.Dialect() != SQLite || len(rows) == 0 {
		return BatchInsert(ctx, q, table, cols, rows)
	}
	args := make([]any, 0, min(len(rows), 256)*len(cols))
	for len(rows) > 0 {
		n := 1
		for _, size := range [...]int{256, 64, 16, 4} {
			if len(rows) >= size {
				n = size
				break
			}
		}
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := q.Exec(ctx, insertSQLFor(table, cols, n), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

var insertSQLs sync.Map // "table|cols|n" → statement

func insertSQLFor(table string, cols []string, n int) string {
	key := table + "|" + strings.Join(cols, ",") + "|" + strconv.Itoa(n)
	if s, ok := insertSQLs.Load(key); ok {
		return s.(string)
	}
	s := insertSQL(table, cols, n)
	insertSQLs.Store(key, s)
	return s
}

// Placeholders is n comma-separated "?" (an IN list or a VALUES row).
func Placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// preparer is what *sql.Tx and *sql.DB offer to prepare statements.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// EachPrepared runs one statement n times with args(i), prepared once when
// q can prepare (a transaction or the database) and n > 1.
func EachPrepared(ctx context.Context, q Q, query string, n int, args func(i int) []any) error {
	p, ok := q.q.(preparer)
	if _, keeps := q.q.(*WriterConn); keeps || !ok || n == 1 { // a WriterConn keeps its statements prepared
		for i := 0; i < n; i++ {
			if _, err := q.Exec(ctx, query, args(i)...); err != nil {
				return err
			}
		}
		return nil
	}
	st, err := p.PrepareContext(ctx, q.s.Rebind(query))
	if err != nil {
		return err
	}
	defer st.Close()
	for i := 0; i < n; i++ {
		if _, err := st.ExecContext(ctx, args(i)...); err != nil {
			return err
		}
	}
	return nil
}

// pathPrefix returns a condition that holds for the rows whose
// materialized path column col (e.g. "o.path") starts with prefix, and its
// arguments: the one place that says how a subtree is selected.
//
// On SQLite it is a range, col >= prefix AND col < prefix with its last
// byte incremented, which the path index serves (measured at city scale:
// 0.3 ms instead of 5 ms for a district's member counts); SQLite's LIKE is
// case-insensitive and never uses the index. Paths are "/"-separated
// decimal IDs, and under SQLite's BINARY collation exactly the strings
// starting with prefix lie in that range.
//
// On PostgreSQL it stays LIKE: a range is only right under a bytewise
// collation ("C"), and a database in a locale such as en_US ignores "/"
// when comparing. An index serves LIKE there only with text_pattern_ops or
// COLLATE "C" (dialect-specific DDL, see docs/PERFORMANCE.md).
func (s *Store) PathPrefix(col, prefix string) (string, []any) {
	if s.Dialect == SQLite && prefix != "" && prefix[len(prefix)-1] < 0x7f {
		upper := prefix[:len(prefix)-1] + string(prefix[len(prefix)-1]+1)
		return col + ` >= ? AND ` + col + ` < ?`, []any{prefix, upper}
	}
	return col + ` LIKE ? ESCAPE '\'`, []any{escapeLike(prefix) + "%"}
}
