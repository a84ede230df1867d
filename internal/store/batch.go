package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pingyi/pingyi/internal/rules"
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

// UnitTallyKey names one row of unit_tallies.
type UnitTallyKey struct {
	Campaign, Unit int64
	Category       string
}

// tallyCols are the tally columns of targets, in rules.Slot order.
var tallyCols = [5]string{"satisfied", "fairly_satisfied", "basically_satisfied", "dissatisfied", "abstain"}

// AddTallies adds counts to the tallies of targets, in ID order.
//
// On PostgreSQL it sends one UPDATE … FROM a VALUES list per few hundred
// targets (round trips dominate there), having first locked the rows in ID
// order so that concurrent writers of tallies (folds in two processes, a
// recount, the window units) touching the same targets queue instead of
// deadlocking. The lock is FOR NO KEY UPDATE, what an UPDATE takes
// anyway: it does not conflict with KEY SHARE locks taken by foreign-key
// checks on targets (FOR UPDATE would).
//
// On SQLite it runs one prepared single-row UPDATE per target: there is
// no round trip to save, and SQLite's planner turns the UPDATE … FROM
// VALUES form into a scan of the whole targets table (measured: 26 ms for
// 700 targets at district scale, growing with the table).
func AddTallies(ctx context.Context, q Q, tallies map[int64]*rules.Tally) error {
	if len(tallies) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(tallies))
	for id := range tallies {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if q.Dialect() == SQLite {
		return EachPrepared(ctx, q, `UPDATE targets SET satisfied = satisfied + ?, fairly_satisfied = fairly_satisfied + ?,
			basically_satisfied = basically_satisfied + ?, dissatisfied = dissatisfied + ?, abstain = abstain + ? WHERE id = ?`,
			len(ids), func(i int) []any {
				t := tallies[ids[i]]
				return []any{t.Satisfied, t.FairlySatisfied, t.BasicallySatisfied, t.Dissatisfied, t.Abstain, ids[i]}
			})
	}
	const per = 500
	args := make([]any, 0, min(per, len(ids))*6)
	for len(ids) > 0 {
		n := min(per, len(ids))
		args = args[:0]
		for _, id := range ids[:n] {
			t := tallies[id]
			args = append(args, id, t.Satisfied, t.FairlySatisfied, t.BasicallySatisfied, t.Dissatisfied, t.Abstain)
		}
		if _, err := q.q.ExecContext(ctx, tallySQL(n), args...); err != nil { // already rebound
			return err
		}
		ids = ids[n:]
	}
	return nil
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

var tallySQLs sync.Map // n → PostgreSQL statement

func tallySQL(n int) string {
	if s, ok := tallySQLs.Load(n); ok {
		return s.(string)
	}
	var b strings.Builder
	b.WriteString(`WITH v (id, s0, s1, s2, s3, s4) AS (VALUES `)
	const row = `(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))`
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(`), l AS (SELECT id FROM targets WHERE id IN (SELECT id FROM v) ORDER BY id FOR NO KEY UPDATE)`)
	b.WriteString(` UPDATE targets SET `)
	for i, c := range tallyCols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = %s + v.s%d", c, c, i)
	}
	b.WriteString(` FROM v JOIN l ON l.id = v.id WHERE targets.id = v.id`)
	s := Rebind(b.String())
	tallySQLs.Store(n, s)
	return s
}

// AddUnitTallies adds ballot counts to unit_tallies (one multi-row upsert
// per few hundred units, in key order).
func AddUnitTallies(ctx context.Context, q Q, units map[UnitTallyKey]int64) error {
	if len(units) == 0 {
		return nil
	}
	keys := make([]UnitTallyKey, 0, len(units))
	for k := range units {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b UnitTallyKey) int {
		if c := cmp.Compare(a.Campaign, b.Campaign); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Unit, b.Unit); c != 0 {
			return c
		}
		return strings.Compare(a.Category, b.Category)
	})
	const per = 500
	for len(keys) > 0 {
		n := min(per, len(keys))
		var b strings.Builder
		b.WriteString(`INSERT INTO unit_tallies (campaign_id, unit_org_id, category, ballots) VALUES `)
		args := make([]any, 0, n*4)
		for i, k := range keys[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(`(?, ?, ?, ?)`)
			args = append(args, k.Campaign, k.Unit, k.Category, units[k])
		}
		b.WriteString(` ON CONFLICT (campaign_id, unit_org_id, category) DO UPDATE SET ballots = unit_tallies.ballots + excluded.ballots`)
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
		keys = keys[n:]
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
