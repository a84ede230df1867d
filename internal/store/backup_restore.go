package store

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// ErrBackupRefused is wrapped by Restore's error when the database or the
// file is not fit for a restore (not empty, another schema version, a
// damaged file); nothing was changed.
var ErrBackupRefused = errors.New("restore refused")

func refused(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrBackupRefused}, args...)...)
}

// Restore loads a backup (Backup) into this database, which must be empty
// — freshly migrated, nothing written since — and at the backup's schema
// version. All or nothing: the rows go in, table after table in the order
// of their foreign keys, in one transaction that is committed only once
// the file's trailer and checksum are read and match, with an audit entry
// naming the backup. The Store's in-process caches are not told: reopen
// the database after a restore.
func (s *Store) Restore(ctx context.Context, r io.Reader, a Actor) (*BackupStats, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, refused("not a Pingyi backup (not a gzip stream): %v", err)
	}
	defer gz.Close()
	rd := &lineReader{r: bufio.NewReaderSize(gz, 1<<16), h: sha256.New()}
	var hdr backupHeader
	if err := rd.json(&hdr); err != nil {
		return nil, refused("not a Pingyi backup (no header): %v", err)
	}
	if hdr.Format != backupFormat {
		return nil, refused("not a Pingyi backup (format %q)", hdr.Format)
	}
	if hdr.Version != backupFormatVersion {
		return nil, refused("backup format version %d; this pingyi reads version %d", hdr.Version, backupFormatVersion)
	}
	version, err := s.schemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if hdr.SchemaVersion != version {
		return nil, refused("the backup is at schema version %d, this database (and this pingyi) at %d: restore with the pingyi release that took the backup, then upgrade", hdr.SchemaVersion, version)
	}
	tables, err := s.schema(ctx, s.R())
	if err != nil {
		return nil, err
	}
	if err := matchSchema(hdr.Tables, tables); err != nil {
		return nil, err
	}
	fks, err := s.foreignKeys(ctx, s.R(), tables)
	if err != nil {
		return nil, err
	}
	pos := map[string]int{}
	for i, t := range hdr.Tables {
		pos[t.Name] = i
	}
	selfRefs := map[string][]fkey{}
	for _, k := range fks {
		if k.table == k.refTable {
			selfRefs[k.table] = append(selfRefs[k.table], k)
		} else if pos[k.refTable] > pos[k.table] {
			return nil, refused("the backup lists %s before %s, which it references", k.table, k.refTable)
		}
	}
	// A fresh schema to compare with, made before the transaction (a
	// SQLite writer holds the lock from its start).
	dir, err := os.MkdirTemp("", "pingyi-restore-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ref, err := Open(ctx, "sqlite:"+filepath.Join(dir, "fresh.db"))
	if err != nil {
		return nil, fmt.Errorf("restore: a fresh schema to compare with: %w", err)
	}
	defer ref.Close()

	st := &BackupStats{SchemaVersion: hdr.SchemaVersion, Dialect: hdr.Dialect, TakenAt: hdr.TakenAt}
	// Not Tx: a retry could not read the stream again.
	err = s.restoreTx(ctx, func(q Q, cp copyFunc) error {
		seeded, err := checkEmpty(ctx, q, ref.R(), tables)
		if err != nil {
			return err
		}
		for _, n := range seeded {
			if _, err := q.Exec(ctx, `DELETE FROM `+n); err != nil {
				return err
			}
		}
		for _, t := range hdr.Tables {
			var m backupMarker
			if err := rd.json(&m); err != nil {
				return refused("damaged backup: table %s: %v", t.Name, err)
			}
			if m.Table != t.Name || m.Rows != t.Rows {
				return refused("damaged backup: expected table %s (%d rows), found %q (%d rows)", t.Name, t.Rows, m.Table, m.Rows)
			}
			if err := s.restoreTable(ctx, q, cp, rd, t, selfRefs[t.Name]); err != nil {
				return err
			}
			st.Tables = append(st.Tables, TableRows{Name: t.Name, Rows: t.Rows})
			st.Rows += t.Rows
		}
		sum := hex.EncodeToString(rd.h.Sum(nil))
		line, err := rd.line(false)
		if err != nil {
			return refused("damaged backup: no trailer: %v", err)
		}
		var tr backupTrailer
		if err := json.Unmarshal(line, &tr); err != nil || !tr.End {
			return refused("damaged backup: no trailer")
		}
		if tr.SHA256 != sum || tr.Rows != st.Rows {
			return refused("damaged backup: checksum mismatch (the file says %s, its content gives %s)", tr.SHA256, sum)
		}
		// The gzip stream's own CRC is checked at its end.
		if n, err := io.Copy(io.Discard, rd.r); err != nil || n > 0 {
			return refused("damaged backup: data after the trailer or a broken gzip stream: %v", err)
		}
		st.SHA256 = sum
		return Audit(ctx, q, a, "restore", "database", "", nil, map[string]any{
			"taken_at": hdr.TakenAt, "from": hdr.Dialect, "schema_version": hdr.SchemaVersion, "rows": st.Rows, "sha256": sum})
	})
	if err != nil {
		return nil, err
	}
	s.invalidateOrgs() // and with it the features' caches that compare OrgsGen
	s.invalidateUsers()
	if s.Dialect == Postgres {
		// Fresh statistics for the planner (autovacuum would take a while
		// to get to tables filled in one go).
		for _, t := range hdr.Tables {
			if _, err := s.DB.ExecContext(ctx, `ANALYZE `+t.Name); err != nil {
				return nil, fmt.Errorf("restore: analyze %s: %w", t.Name, err)
			}
		}
	}
	return st, nil
}

// matchSchema checks that the backup carries the same tables and columns
// (by name and kind) as the database.
func matchSchema(bt []backupTable, tables []tableSchema) error {
	have := map[string]tableSchema{}
	for _, t := range tables {
		have[t.name] = t
	}
	seen := map[string]bool{}
	for _, b := range bt {
		t, ok := have[b.Name]
		if !ok {
			return refused("the backup has a table %s that this database has not", b.Name)
		}
		if seen[b.Name] {
			return refused("damaged backup: table %s twice", b.Name)
		}
		seen[b.Name] = true
		kinds := map[string]colKind{}
		for _, c := range t.cols {
			kinds[c.Name] = c.Kind
		}
		if len(b.Columns) != len(t.cols) {
			return refused("table %s: the backup has %d columns, this database %d", b.Name, len(b.Columns), len(t.cols))
		}
		for _, c := range b.Columns {
			k, ok := kinds[c.Name]
			if !ok {
				return refused("table %s: the backup has a column %s that this database has not", b.Name, c.Name)
			}
			if k != c.Kind {
				return refused("table %s: column %s is %s in the backup, %s here", b.Name, c.Name, c.Kind, k)
			}
		}
		if b.Rows < 0 {
			return refused("damaged backup: table %s: %d rows", b.Name, b.Rows)
		}
	}
	for _, t := range tables {
		if !seen[t.name] {
			return refused("the backup lacks table %s", t.name)
		}
	}
	return nil
}

// checkEmpty refuses a database with any row that a fresh migration does
// not leave there, and returns the tables that hold such seed rows (the
// restore replaces them with the backup's), in the restore's transaction
// q. What a fresh migration leaves is read from one (ref), made in a
// temporary SQLite file.
func checkEmpty(ctx context.Context, q, ref Q, tables []tableSchema) ([]string, error) {
	type filled struct {
		t    tableSchema
		rows int64
	}
	var extra, same []filled
	for _, t := range tables {
		var mine, fresh int64
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+t.name).Scan(&mine); err != nil {
			return nil, err
		}
		if err := ref.QueryRow(ctx, `SELECT COUNT(*) FROM `+t.name).Scan(&fresh); err != nil {
			return nil, err
		}
		switch {
		case mine != fresh:
			extra = append(extra, filled{t, mine})
		case mine > 0:
			same = append(same, filled{t, mine})
		}
	}
	var seeded []string
	for _, f := range same {
		a, err := tableLines(ctx, q, f.t)
		if err != nil {
			return nil, err
		}
		b, err := tableLines(ctx, ref, f.t)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(a, b) {
			extra = append(extra, f)
			continue
		}
		seeded = append(seeded, f.t.name)
	}
	if len(extra) > 0 {
		sort.SliceStable(extra, func(i, j int) bool { return extra[i].rows > extra[j].rows })
		var names []string
		for i, f := range extra {
			if i == 3 {
				names = append(names, "…")
				break
			}
			names = append(names, fmt.Sprintf("%s: %d rows", f.t.name, f.rows))
		}
		return nil, refused("the database is not empty (%s): restore goes into a new database — a new SQLite file, or an empty PostgreSQL database", strings.Join(names, ", "))
	}
	return seeded, nil
}

// tableLines returns a table's rows as backup lines, sorted.
func tableLines(ctx context.Context, q Q, t tableSchema) ([]string, error) {
	cols := make([]string, len(t.cols))
	for i, c := range t.cols {
		cols[i] = c.Name
	}
	rows, err := q.Query(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+t.name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		b, err := appendRow(nil, t.name, t.cols, vals)
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out, rows.Err()
}

// restoreTable inserts a table's rows, many to a statement. A table that
// references itself (orgs' parents) has its rows put in order first:
// referenced rows before the rows referencing them.
func (s *Store) restoreTable(ctx context.Context, q Q, cp copyFunc, rd *lineReader, t backupTable, self []fkey) error {
	ncol := len(t.Columns)
	per := max(1, min(500, 30000/ncol))
	cols := make([]string, ncol)
	for i, c := range t.Columns {
		cols[i] = c.Name
	}
	if cp != nil {
		return copyTable(ctx, cp, rd, t, cols, self)
	}
	prefix := `INSERT INTO ` + t.Name + ` (` + strings.Join(cols, ", ") + `) VALUES `
	one := `(` + strings.TrimSuffix(strings.Repeat("?, ", ncol), ", ") + `)`
	stmts := map[int]string{}
	flush := func(args []any) error {
		n := len(args) / ncol
		if n == 0 {
			return nil
		}
		st, ok := stmts[n]
		if !ok {
			st = prefix + strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
			stmts[n] = st
		}
		if _, err := q.Exec(ctx, st, args...); err != nil {
			return fmt.Errorf("restore %s: %w", t.Name, err)
		}
		return nil
	}
	var buffered [][]any
	args := make([]any, 0, per*ncol)
	for i := int64(0); i < t.Rows; i++ {
		line, err := rd.line(true)
		if err != nil {
			return refused("damaged backup: table %s, row %d of %d: %v", t.Name, i+1, t.Rows, err)
		}
		row, err := decodeRow(line, t)
		if err != nil {
			return refused("damaged backup: table %s, row %d: %v", t.Name, i+1, err)
		}
		if len(self) > 0 {
			buffered = append(buffered, row)
			continue
		}
		args = append(args, row...)
		if len(args) == per*ncol {
			if err := flush(args); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	if len(self) > 0 {
		for _, row := range parentsFirst(buffered, t.Columns, self) {
			args = append(args, row...)
			if len(args) == per*ncol {
				if err := flush(args); err != nil {
					return err
				}
				args = args[:0]
			}
		}
	}
	return flush(args)
}

// copyTable is restoreTable on PostgreSQL: the rows go in by COPY, a
// batch at a time.
func copyTable(ctx context.Context, cp copyFunc, rd *lineReader, t backupTable, cols []string, self []fkey) error {
	const batch = 5000
	var rows [][]any
	for i := int64(0); i < t.Rows; i++ {
		line, err := rd.line(true)
		if err != nil {
			return refused("damaged backup: table %s, row %d of %d: %v", t.Name, i+1, t.Rows, err)
		}
		row, err := decodeRow(line, t)
		if err != nil {
			return refused("damaged backup: table %s, row %d: %v", t.Name, i+1, err)
		}
		rows = append(rows, row)
		if len(self) == 0 && len(rows) == batch {
			if err := cp(ctx, t.Name, cols, rows); err != nil {
				return fmt.Errorf("restore %s: %w", t.Name, err)
			}
			rows = rows[:0]
		}
	}
	if len(self) > 0 {
		rows = parentsFirst(rows, t.Columns, self)
	}
	if len(rows) == 0 {
		return nil
	}
	if err := cp(ctx, t.Name, cols, rows); err != nil {
		return fmt.Errorf("restore %s: %w", t.Name, err)
	}
	return nil
}

// copyFunc copies rows into a table in the restore's transaction
// (PostgreSQL's COPY; nil on SQLite, where the rows are inserted).
type copyFunc func(ctx context.Context, table string, cols []string, rows [][]any) error

// restoreTx runs fn in one transaction. On PostgreSQL it is a transaction
// opened by hand on one connection, so that COPY (pgx's CopyFrom, on the
// same connection) runs inside it.
func (s *Store) restoreTx(ctx context.Context, fn func(Q, copyFunc) error) (err error) {
	if s.Dialect != Postgres {
		return s.tx(ctx, func(q Q) error { return fn(q, nil) })
	}
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`); rerr != nil {
				// A connection that cannot roll back is not given back to the pool.
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}
	}()
	cp := func(ctx context.Context, table string, cols []string, rows [][]any) error {
		return conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("restore: not a pgx connection (%T)", dc)
			}
			_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
			return err
		})
	}
	if err = fn(Q{q: conn, s: s}, cp); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `COMMIT`)
	return err
}

// parentsFirst orders rows so that a row comes after the rows its
// self-references point to.
func parentsFirst(rows [][]any, cols []column, self []fkey) [][]any {
	idx := func(name string) int {
		for i, c := range cols {
			if c.Name == name {
				return i
			}
		}
		return -1
	}
	type ref struct{ from, to int }
	var refs []ref
	for _, k := range self {
		f, t := idx(k.col), idx(k.refCol)
		if f >= 0 && t >= 0 {
			refs = append(refs, ref{f, t})
		}
	}
	key := func(v any) string {
		switch x := v.(type) {
		case int64:
			return "i" + strconv.FormatInt(x, 10)
		case string:
			return "s" + x
		case []byte:
			return "b" + string(x)
		}
		return ""
	}
	// by[r][key] is the row whose column refs[r].to holds key.
	by := make([]map[string]int, len(refs))
	for r, rf := range refs {
		by[r] = map[string]int{}
		for i, row := range rows {
			if v := row[rf.to]; v != nil {
				by[r][key(v)] = i
			}
		}
	}
	out := make([][]any, 0, len(rows))
	state := make([]byte, len(rows)) // 1 visiting, 2 emitted
	var visit func(i int)
	visit = func(i int) {
		if state[i] != 0 {
			return
		}
		state[i] = 1
		for r, rf := range refs {
			if v := rows[i][rf.from]; v != nil {
				if j, ok := by[r][key(v)]; ok && j != i {
					visit(j)
				}
			}
		}
		state[i] = 2
		out = append(out, rows[i])
	}
	for i := range rows {
		visit(i)
	}
	return out
}

// decodeRow turns a JSON array into the row's values.
func decodeRow(line []byte, t backupTable) ([]any, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(line, &raw); err != nil {
		return nil, err
	}
	if len(raw) != len(t.Columns) {
		return nil, fmt.Errorf("%d values for %d columns", len(raw), len(t.Columns))
	}
	row := make([]any, len(raw))
	for i, v := range raw {
		if string(v) == "null" {
			continue
		}
		c := t.Columns[i]
		switch c.Kind {
		case kindInt:
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("column %s: not an integer: %s", c.Name, v)
			}
			row[i] = n
		case kindText, kindBytes:
			var x string
			if err := json.Unmarshal(v, &x); err != nil {
				return nil, fmt.Errorf("column %s: not a string", c.Name)
			}
			if c.Kind == kindText {
				row[i] = x
				break
			}
			b, err := base64.StdEncoding.DecodeString(x)
			if err != nil {
				return nil, fmt.Errorf("column %s: not base64", c.Name)
			}
			row[i] = b
		default:
			return nil, fmt.Errorf("column %s: unknown kind %q", c.Name, c.Kind)
		}
	}
	return row, nil
}

// lineReader reads the backup's lines, hashing those before the trailer.
type lineReader struct {
	r *bufio.Reader
	h hash.Hash
}

func (l *lineReader) line(hashed bool) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := l.r.ReadSlice('\n')
		buf = append(buf, chunk...)
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(buf) > maxBackupLine {
				return nil, fmt.Errorf("a line longer than %d bytes", maxBackupLine)
			}
			continue
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("the file ends early (truncated)")
		}
		return nil, err
	}
	if hashed {
		l.h.Write(buf)
	}
	return bytes.TrimSuffix(buf, []byte("\n")), nil
}

func (l *lineReader) json(v any) error {
	line, err := l.line(true)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(line))
	d.DisallowUnknownFields()
	return d.Decode(v)
}
