package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// BulkLoader fills a database with generated scale data (pingyi demo
// --scale): orgs streamed parents first, then members, then the rows of
// features' tables (Row; the appraisal's ballots: appraisal.BulkBallots), all
// in one transaction on one connection, with prepared multi-row inserts and
// a single audit entry for the whole load instead of one per row. It does
// not validate like the imports do: its input is the demo generator's.
//
// Memory is bounded by the number of orgs (code → id, path), never by the
// number of members or of the features' rows.
type BulkLoader struct {
	s    *Store
	ctx  context.Context
	conn *sql.Conn
	tx   *sql.Tx
	orgs map[string]bulkOrg
	now  string
	ins  map[string]*bulkTable
	done bool

	order []string // the tables in the order of their first row (Flush's order)
	// A feature's work at each flush and before the commit (e.g. the
	// appraisal's tallies of its bulk ballots: appraisal.BulkBallots).
	onFlush, beforeCommit []func(Q) error

	Stats BulkStats
}

// BulkStats counts what a bulk load wrote: orgs and members, and what the
// features' loaders count (Count), by name.
type BulkStats struct {
	Orgs, Members int64
	Counts        map[string]int64 `json:",omitempty"`
}

type bulkOrg struct {
	id    int64
	path  string
	depth int
}

// bulkTable buffers the rows of one table and writes them with a
// prepared statement of per rows (the last, shorter chunk gets its own).
type bulkTable struct {
	name string
	cols []string
	per  int
	stmt *sql.Stmt
	args []any
	n    int
}

// NewBulkLoader starts a bulk load. Call Commit or Rollback.
func (s *Store) NewBulkLoader(ctx context.Context) (*BulkLoader, error) {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if s.Dialect == SQLite {
		// A large page cache for the load: the indexes of millions of rows
		// do not fit SQLite's default 2 MB. Reset when the load ends.
		// temp_store: multi-row inserts keep their statement journal in
		// memory rather than in a temporary file.
		for _, p := range []string{`PRAGMA cache_size = -262144`, `PRAGMA temp_store = MEMORY`} {
			if _, err := conn.ExecContext(ctx, p); err != nil {
				conn.Close()
				return nil, err
			}
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	b := &BulkLoader{s: s, ctx: ctx, conn: conn, tx: tx, orgs: map[string]bulkOrg{}, now: Now(), ins: map[string]*bulkTable{}}
	// Orgs already stored can be parents.
	rows, err := tx.QueryContext(ctx, `SELECT code, id, path, depth FROM orgs`)
	if err != nil {
		b.Rollback()
		return nil, err
	}
	for rows.Next() {
		var code string
		var o bulkOrg
		if err := rows.Scan(&code, &o.id, &o.path, &o.depth); err != nil {
			rows.Close()
			b.Rollback()
			return nil, err
		}
		b.orgs[code] = o
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		b.Rollback()
		return nil, err
	}
	return b, nil
}

func (b *BulkLoader) table(name string, cols ...string) *bulkTable {
	t := b.ins[name]
	if t == nil {
		// SQLite takes up to 32766 parameters, PostgreSQL 65535; beyond a
		// few hundred rows a statement gains little.
		per := min(1000, 30000/len(cols))
		t = &bulkTable{name: name, cols: cols, per: per, args: make([]any, 0, per*len(cols))}
		b.ins[name] = t
		b.order = append(b.order, name)
	}
	return t
}

func insertSQL(table string, cols []string, n int) string {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `)
	one := `(` + Placeholders(len(cols)) + `)`
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(one)
	}
	return sb.String()
}

func (b *BulkLoader) add(t *bulkTable, vals ...any) error {
	t.args = append(t.args, vals...)
	t.n++
	if t.n == t.per {
		return b.flushTable(t)
	}
	return nil
}

// bulkDeps names the tables whose rows must be written before a table's
// (foreign keys).
var bulkDeps = map[string]string{"members": "orgs"}

func (b *BulkLoader) flushTable(t *bulkTable) error {
	if t.n == 0 {
		return nil
	}
	if dep := b.ins[bulkDeps[t.name]]; dep != nil {
		if err := b.flushTable(dep); err != nil {
			return err
		}
	}
	var err error
	if t.n == t.per {
		if t.stmt == nil {
			if t.stmt, err = b.tx.PrepareContext(b.ctx, b.s.Rebind(insertSQL(t.name, t.cols, t.per))); err != nil {
				return err
			}
		}
		_, err = t.stmt.ExecContext(b.ctx, t.args...)
	} else {
		_, err = b.tx.ExecContext(b.ctx, b.s.Rebind(insertSQL(t.name, t.cols, t.n)), t.args...)
	}
	if err != nil {
		return fmt.Errorf("bulk insert into %s: %w", t.name, err)
	}
	clear(t.args)
	t.args, t.n = t.args[:0], 0
	return nil
}

// Org adds an org. Its parent (ParentCode) must already be loaded or
// stored; its ID and path are made here.
func (b *BulkLoader) Org(o pingyi.Org) error {
	if _, dup := b.orgs[o.Code]; dup {
		return fmt.Errorf("bulk: org %q twice", o.Code)
	}
	var parentID any
	path, depth := "/", 0
	if o.ParentCode != "" {
		p, ok := b.orgs[o.ParentCode]
		if !ok {
			return fmt.Errorf("bulk: org %q before its parent %q", o.Code, o.ParentCode)
		}
		parentID, path, depth = p.id, p.path, p.depth+1
	}
	id := NewID()
	path += strconv.FormatInt(id, 10) + "/"
	b.orgs[o.Code] = bulkOrg{id: id, path: path, depth: depth}
	b.Stats.Orgs++
	return b.add(b.table("orgs", "id", "code", "name", "type", "domain", "parent_id", "window_unit", "path", "depth", "updated_at"),
		id, o.Code, o.Name, string(o.Type), string(o.Domain), parentID, BoolInt(o.WindowUnit), path, depth, b.now)
}

// Member adds a member of an org already loaded.
func (b *BulkLoader) Member(m pingyi.Member) error {
	o, ok := b.orgs[m.OrgCode]
	if !ok {
		return fmt.Errorf("bulk: member %q of unknown org %q", m.Code, m.OrgCode)
	}
	b.Stats.Members++
	return b.add(b.table("members", "id", "code", "name", "org_id", "category", "is_secretary", "phone", "id_number", "gender",
		"birth_year", "home_unit", "community_code", "updated_at"),
		NewID(), m.Code, m.Name, o.id, string(m.Category), BoolInt(m.IsSecretary), m.Phone, m.IDNumber, m.Gender,
		m.BirthYear, m.HomeUnit, m.CommunityCode, b.now)
}

// OrgID returns the ID of a loaded org.
func (b *BulkLoader) OrgID(code string) (int64, bool) {
	o, ok := b.orgs[code]
	return o.id, ok
}

// Row adds a row of a feature's table (its columns named in the same
// order at every call), written with the others in the load's transaction.
// Orgs and members, which rows of other tables refer to, are written
// first.
func (b *BulkLoader) Row(table string, cols []string, vals ...any) error {
	return b.add(b.table(table, cols...), vals...)
}

// Count adds n to a feature's count of what the load wrote (Stats.Counts,
// recorded in the load's audit entry).
func (b *BulkLoader) Count(name string, n int64) {
	if b.Stats.Counts == nil {
		b.Stats.Counts = map[string]int64{}
	}
	b.Stats.Counts[name] += n
}

// OnFlush runs fn in the load's transaction at each Flush, after the
// buffered rows are written; BeforeCommit runs fn once before the commit.
func (b *BulkLoader) OnFlush(fn func(Q) error)      { b.onFlush = append(b.onFlush, fn) }
func (b *BulkLoader) BeforeCommit(fn func(Q) error) { b.beforeCommit = append(b.beforeCommit, fn) }

// Flush writes what is buffered (in the load's transaction).
func (b *BulkLoader) Flush() error {
	for _, name := range append([]string{"orgs", "members"}, b.order...) {
		if t := b.ins[name]; t != nil {
			if err := b.flushTable(t); err != nil {
				return err
			}
		}
	}
	q := Q{q: b.tx, s: b.s}
	for _, fn := range b.onFlush {
		if err := fn(q); err != nil {
			return err
		}
	}
	return nil
}

// Tx runs fn in the load's transaction (after writing what is buffered).
func (b *BulkLoader) Tx(fn func(Q) error) error {
	if err := b.Flush(); err != nil {
		return err
	}
	return fn(Q{q: b.tx, s: b.s})
}

// Commit writes what is left, records one audit entry for the whole load
// and commits.
func (b *BulkLoader) Commit(a Actor, what string) error {
	if b.done {
		return fmt.Errorf("bulk: already ended")
	}
	err := b.Flush()
	for _, fn := range b.beforeCommit {
		if err == nil {
			err = fn(Q{q: b.tx, s: b.s})
		}
	}
	if err == nil {
		err = Audit(b.ctx, Q{q: b.tx, s: b.s}, a, "bulk_load", "database", what, nil, b.Stats)
	}
	if err != nil {
		b.Rollback()
		return err
	}
	b.closeStmts()
	err = b.tx.Commit()
	b.end()
	b.s.invalidateOrgs()
	return err
}

// Rollback abandons the load.
func (b *BulkLoader) Rollback() {
	if b.done {
		return
	}
	b.closeStmts()
	b.tx.Rollback()
	b.end()
}

func (b *BulkLoader) closeStmts() {
	for _, t := range b.ins {
		if t.stmt != nil {
			t.stmt.Close()
			t.stmt = nil
		}
	}
}

func (b *BulkLoader) end() {
	b.done = true
	if b.s.Dialect == SQLite {
		b.conn.ExecContext(context.Background(), `PRAGMA cache_size = -2000`)
		b.conn.ExecContext(context.Background(), `PRAGMA temp_store = DEFAULT`)
	}
	b.conn.Close()
}

// Context is the load's context (for a feature's statements in it).
func (b *BulkLoader) Context() context.Context { return b.ctx }
