package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// The schema as the database itself describes it (backup.go, restore.go):
// its tables (every table but goose's), their columns with the kind of
// value each carries, and the foreign keys between them. Nothing here is a
// hand-kept list: a table added by a migration is backed up by the next
// backup.

// colKind is the kind of value a column carries in a backup.
type colKind string

const (
	kindInt   colKind = "int"   // BIGINT, INTEGER: a JSON number
	kindText  colKind = "text"  // TEXT: a JSON string (valid UTF-8)
	kindBytes colKind = "bytes" // BLOB, BYTEA: base64 in a JSON string
)

type column struct {
	Name string  `json:"name"`
	Kind colKind `json:"kind"`
}

type fkey struct {
	table, col       string // the referencing column
	refTable, refCol string // the referenced one
}

type tableSchema struct {
	name string
	cols []column
}

// gooseTable is goose's own table: its content is the schema version, in
// the backup's header.
const gooseTable = "goose_db_version"

// sqlKind maps a declared column type to what a backup carries, or fails
// for a type a backup cannot carry.
func sqlKind(table, col, typ string) (colKind, error) {
	t := strings.ToUpper(strings.TrimSpace(typ))
	switch t {
	case "BIGINT", "INTEGER", "INT", "SMALLINT", "INT8", "INT4", "INT2":
		return kindInt, nil
	case "TEXT", "CHARACTER VARYING", "VARCHAR":
		return kindText, nil
	case "BLOB", "BYTEA":
		return kindBytes, nil
	}
	return "", fmt.Errorf("backup: column %s.%s has type %q, which a backup cannot carry (only integers, text and bytes)", table, col, typ)
}

// schema lists the tables, by name, with their columns in order.
func (s *Store) schema(ctx context.Context, q Q) ([]tableSchema, error) {
	var names []string
	var query string
	if s.Dialect == Postgres {
		query = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	} else {
		query = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	}
	rows, err := q.Query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("backup: list tables: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		if n != gooseTable {
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []tableSchema
	for _, n := range names {
		if !safeIdent(n) {
			return nil, fmt.Errorf("backup: table name %q is not a plain identifier", n)
		}
		t := tableSchema{name: n}
		if s.Dialect == Postgres {
			rows, err = q.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`, n)
		} else {
			rows, err = q.Query(ctx, `SELECT name, type FROM pragma_table_info(?) ORDER BY cid`, n)
		}
		if err != nil {
			return nil, fmt.Errorf("backup: columns of %s: %w", n, err)
		}
		for rows.Next() {
			var c, typ string
			if err := rows.Scan(&c, &typ); err != nil {
				rows.Close()
				return nil, err
			}
			if !safeIdent(c) {
				rows.Close()
				return nil, fmt.Errorf("backup: column name %s.%q is not a plain identifier", n, c)
			}
			k, err := sqlKind(n, c, typ)
			if err != nil {
				rows.Close()
				return nil, err
			}
			t.cols = append(t.cols, column{Name: c, Kind: k})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(t.cols) == 0 {
			return nil, fmt.Errorf("backup: table %s has no columns", n)
		}
		out = append(out, t)
	}
	return out, nil
}

// foreignKeys lists every foreign key between the tables.
func (s *Store) foreignKeys(ctx context.Context, q Q, tables []tableSchema) ([]fkey, error) {
	var out []fkey
	if s.Dialect == Postgres {
		rows, err := q.Query(ctx, `SELECT cl.relname, a.attname, rf.relname, af.attname
			FROM pg_constraint c
			JOIN pg_class cl ON cl.oid = c.conrelid
			JOIN pg_class rf ON rf.oid = c.confrelid
			JOIN pg_namespace n ON n.oid = c.connamespace
			CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(a, af)
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.a
			JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = k.af
			WHERE c.contype = 'f' AND n.nspname = current_schema()`)
		if err != nil {
			return nil, fmt.Errorf("backup: foreign keys: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k fkey
			if err := rows.Scan(&k.table, &k.col, &k.refTable, &k.refCol); err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		return out, rows.Err()
	}
	for _, t := range tables {
		rows, err := q.Query(ctx, `SELECT "table", "from", COALESCE("to", '') FROM pragma_foreign_key_list(?)`, t.name)
		if err != nil {
			return nil, fmt.Errorf("backup: foreign keys of %s: %w", t.name, err)
		}
		for rows.Next() {
			k := fkey{table: t.name}
			if err := rows.Scan(&k.refTable, &k.col, &k.refCol); err != nil {
				rows.Close()
				return nil, err
			}
			if k.refCol == "" {
				k.refCol = "id"
			}
			out = append(out, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// insertOrder sorts the tables so that every table comes after the tables
// it references (a table referencing itself is ordered row by row at
// restore). A cycle between tables is refused.
func insertOrder(names []string, fks []fkey) ([]string, error) {
	known := map[string]bool{}
	for _, n := range names {
		known[n] = true
	}
	deps := map[string]map[string]bool{}
	for _, k := range fks {
		if k.table == k.refTable || !known[k.table] || !known[k.refTable] {
			continue
		}
		if deps[k.table] == nil {
			deps[k.table] = map[string]bool{}
		}
		deps[k.table][k.refTable] = true
	}
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	state := map[string]int{} // 1 visiting, 2 done
	var out []string
	var visit func(n string, path []string) error
	visit = func(n string, path []string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("backup: foreign keys form a cycle: %s", strings.Join(append(path, n), " → "))
		case 2:
			return nil
		}
		state[n] = 1
		var ds []string
		for d := range deps[n] {
			ds = append(ds, d)
		}
		sort.Strings(ds)
		for _, d := range ds {
			if err := visit(d, append(path, n)); err != nil {
				return err
			}
		}
		state[n] = 2
		out = append(out, n)
		return nil
	}
	for _, n := range sorted {
		if err := visit(n, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func safeIdent(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// schemaVersion is the goose version of the database.
func (s *Store) schemaVersion(ctx context.Context) (int64, error) {
	p, err := s.migrations()
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}
