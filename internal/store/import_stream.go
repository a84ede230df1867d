package store

import (
	"context"
	"database/sql"
	"errors"
	"hash/maphash"
	"strconv"
	"strings"
	"time"
)

// Helpers of the streaming imports (import_members.go, import_orgs.go) and
// of the campaign snapshot (campaigns.go): a compact set of the codes of a
// file, a fingerprint that tells whether a file read twice gave the same
// rows, multi-row updates, and blocks of IDs reserved for INSERT … SELECT.

// importChunk is how many rows the second pass of an import writes at a
// time (the existing rows of a chunk are read with one query).
const importChunk = 500

// errFileChanged: the second reading of an import file did not give the
// rows of the first.
var errFileChanged = errors.New("the file changed while it was being imported; nothing was changed, import it again")

// codeSet is a set of codes with the line where each was first seen, kept
// compact: the codes one after the other in one byte slice, a 64-bit hash
// of each in a map (codes whose hash another code already has, which is
// practically never, in a second map). About 30 bytes a code instead of the
// 80 or so of a map[string]int.
type codeSet struct {
	arena []byte
	ends  []uint32 // code i is arena[ends[i-1]:ends[i]]
	lines []int32
	index map[uint64]int32
	more  map[string]int32
	seed  maphash.Seed
}

func newCodeSet() *codeSet {
	return &codeSet{index: map[uint64]int32{}, more: map[string]int32{}, seed: maphash.MakeSeed()}
}

func (c *codeSet) len() int { return len(c.ends) }

func (c *codeSet) code(i int32) string {
	start := uint32(0)
	if i > 0 {
		start = c.ends[i-1]
	}
	return string(c.arena[start:c.ends[i]])
}

func (c *codeSet) equal(i int32, code string) bool {
	start := uint32(0)
	if i > 0 {
		start = c.ends[i-1]
	}
	return string(c.arena[start:c.ends[i]]) == code // no allocation
}

func (c *codeSet) line(i int32) int { return int(c.lines[i]) }

// find returns the index of code, if the set has it.
func (c *codeSet) find(code string) (int32, bool) {
	if i, ok := c.index[maphash.String(c.seed, code)]; ok {
		if c.equal(i, code) {
			return i, true
		}
		i, ok := c.more[code]
		return i, ok
	}
	return 0, false
}

// add adds code (not in the set) first seen on line and returns its index.
func (c *codeSet) add(code string, line int) int32 {
	i := int32(len(c.ends))
	c.arena = append(c.arena, code...)
	c.ends = append(c.ends, uint32(len(c.arena)))
	c.lines = append(c.lines, int32(line))
	h := maphash.String(c.seed, code)
	if _, taken := c.index[h]; taken {
		c.more[code] = i
	} else {
		c.index[h] = i
	}
	return i
}

// fileFingerprint sums up the rows of one reading of a file, so that the
// writing pass can tell whether it read what the checking pass checked.
type fileFingerprint struct {
	h maphash.Hash
	n int
}

func newFingerprint(seed maphash.Seed) *fileFingerprint {
	f := &fileFingerprint{}
	f.h.SetSeed(seed)
	return f
}

func (f *fileFingerprint) add(line int, cells ...string) {
	f.n++
	var b [20]byte
	f.h.Write(strconv.AppendInt(b[:0], int64(line), 10))
	for _, c := range cells {
		f.h.WriteByte(0)
		f.h.WriteString(c)
	}
	f.h.WriteByte(1)
}

func (f *fileFingerprint) same(g *fileFingerprint) bool {
	return f.n == g.n && f.h.Sum64() == g.h.Sum64()
}

// updateRows updates rows of table by id: cols are the columns set, types
// their SQL types (for PostgreSQL's VALUES list), each row holds the values
// of cols followed by the id. On SQLite one prepared single-row UPDATE per
// row (no round trips to save; see AddTallies); on PostgreSQL one UPDATE …
// FROM (VALUES …) per importChunk rows.
func updateRows(ctx context.Context, q Q, table string, cols, types []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if q.Dialect() == SQLite {
		var b strings.Builder
		b.WriteString(`UPDATE ` + table + ` SET `)
		for i, c := range cols {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c + ` = ?`)
		}
		b.WriteString(` WHERE id = ?`)
		return EachPrepared(ctx, q, b.String(), len(rows), func(i int) []any { return rows[i] })
	}
	for len(rows) > 0 {
		n := min(importChunk, len(rows))
		var b strings.Builder
		b.WriteString(`UPDATE ` + table + ` SET `)
		for i, c := range cols {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c + ` = v.` + c)
		}
		b.WriteString(` FROM (VALUES `)
		args := make([]any, 0, n*(len(cols)+1))
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for _, t := range types {
				b.WriteString(`CAST(? AS ` + t + `), `)
			}
			b.WriteString(`CAST(? AS BIGINT))`)
			args = append(args, r...)
		}
		b.WriteString(`) AS v (` + strings.Join(cols, ", ") + `, id) WHERE ` + table + `.id = v.id`)
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// ReserveIDs sets aside n consecutive IDs of the kind NewID makes and
// returns the millisecond and node parts of the first: the i-th ID
// (counting from 0) is (ms + i/8192) << 21 | node << 13 | i % 8192, which
// SQL can compute (IDExpr) for an INSERT … SELECT. NewID continues after
// the block.
func ReserveIDs(n int64) (ms, node int64) {
	idGen.Lock()
	defer idGen.Unlock()
	now := time.Now().UnixMilli() - idEpoch
	ms = max(now, idGen.lastMS+1)
	blocks := (n + 8191) / 8192
	if blocks == 0 {
		blocks = 1
	}
	idGen.lastMS = ms + blocks - 1
	idGen.seq = 1<<13 - 1 // the next NewID takes a new millisecond
	return ms, idGen.node
}

// IDExpr is the SQL expression of the reserved ID number rn (1-based, a
// BIGINT expression such as ROW_NUMBER() OVER ()): its two parameters are
// the ms and node<<13 that ReserveIDs returned.
func IDExpr(rn string) string {
	return `(((CAST(? AS BIGINT) + (` + rn + ` - 1) / 8192) * 2097152) + CAST(? AS BIGINT) + ((` + rn + ` - 1) % 8192))`
}

// importStmts keeps the statements of one import prepared: within a
// *sql.Tx SQLite parses every statement it is given again (≈ 0.7 ms for an
// INSERT of 256 member rows, 1.6 s of a 600,000-member import). PostgreSQL
// (pgx) keeps its own cache of prepared statements.
type importStmts struct {
	q Q
	m map[string]*sql.Stmt
}

func newImportStmts(q Q) *importStmts { return &importStmts{q: q, m: map[string]*sql.Stmt{}} }

func (c *importStmts) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := c.m[query]; st != nil {
		return st, nil
	}
	p, ok := c.q.q.(preparer)
	if !ok || c.q.Dialect() != SQLite {
		return nil, nil
	}
	st, err := p.PrepareContext(ctx, c.q.s.Rebind(query))
	if err != nil {
		return nil, err
	}
	c.m[query] = st
	return st, nil
}

func (c *importStmts) exec(ctx context.Context, query string, args ...any) error {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return err
	}
	if st == nil {
		_, err = c.q.Exec(ctx, query, args...)
	} else {
		_, err = st.ExecContext(ctx, args...)
	}
	return err
}

func (c *importStmts) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.q.Query(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (c *importStmts) close() {
	for _, st := range c.m {
		st.Close()
	}
}

// insert inserts rows: on PostgreSQL as InsertRows does (multi-row
// statements), on SQLite with one prepared single-row INSERT per row. There
// a multi-row INSERT into a table with foreign keys needs a statement
// journal (SQLite copies every page the statement changes to a temporary
// file first, in case it has to undo the statement alone), and that cost
// more than the statements saved (measured on 600,000 members: 2.4 s of
// journal writes in 16 s).
func (c *importStmts) insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	if c.q.Dialect() != SQLite || len(rows) == 0 {
		return InsertRows(ctx, c.q, table, cols, rows)
	}
	query := insertSQLFor(table, cols, 1)
	for _, r := range rows {
		if err := c.exec(ctx, query, r...); err != nil {
			return err
		}
	}
	return nil
}

// sqliteImportPragmas gives an SQLite import's connection a page cache
// of cacheMB (with the default 2 MB a large transaction spills its dirty
// pages to the WAL again and again) and returns what puts it back. Best
// effort: a setting refused leaves the import as it would be.
func sqliteImportPragmas(ctx context.Context, q Q, cacheMB int) func() {
	if q.Dialect() != SQLite {
		return func() {}
	}
	var cache int64
	if q.QueryRow(ctx, `PRAGMA cache_size`).Scan(&cache) != nil {
		return func() {}
	}
	q.Exec(ctx, `PRAGMA cache_size = `+strconv.Itoa(-cacheMB*1024))
	return func() {
		q.Exec(context.WithoutCancel(ctx), `PRAGMA cache_size = `+strconv.FormatInt(cache, 10))
	}
}
