package store

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A backup (`pingyi backup`, restored by `pingyi restore`) is one portable
// file, the same from either database: a gzip stream of JSON lines,
//
//	{"format":"pingyi-backup","version":1,"schema_version":30,"dialect":"sqlite",
//	 "taken_at":"…","tables":[{"name":"orgs","columns":[{"name":"id","kind":"int"},…],"rows":425},…]}
//	{"table":"orgs","rows":425}
//	[7310442158373919,"330282","中共慈溪市委",…]        one JSON array per row
//	…                                                   (every table in turn)
//	{"end":true,"rows":123456,"sha256":"…"}
//
// The header names the schema (goose) version, every table with its
// columns and row count; tables come in an order where each follows the
// tables it references. A value is null, a number (integer columns), a
// string (text) or base64 in a string (bytes). The trailer's SHA-256 is
// over every byte before it (uncompressed): a truncated or altered file
// is refused before anything is committed. Tables and columns are read
// from the database's own catalogue; a column of another type fails the
// backup loudly.

const (
	backupFormat        = "pingyi-backup"
	backupFormatVersion = 1
	maxBackupLine       = 256 << 20
)

type backupHeader struct {
	Format        string        `json:"format"`
	Version       int           `json:"version"`
	SchemaVersion int64         `json:"schema_version"`
	Dialect       Dialect       `json:"dialect"`
	TakenAt       string        `json:"taken_at"`
	Tables        []backupTable `json:"tables"`
}

type backupTable struct {
	Name    string   `json:"name"`
	Columns []column `json:"columns"`
	Rows    int64    `json:"rows"`
}

type backupMarker struct {
	Table string `json:"table"`
	Rows  int64  `json:"rows"`
}

type backupTrailer struct {
	End    bool   `json:"end"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// TableRows is one table's row count in a backup.
type TableRows struct {
	Name string
	Rows int64
}

// BackupStats describes a backup written or restored.
type BackupStats struct {
	SchemaVersion int64
	Dialect       Dialect // of the database the backup was taken from
	TakenAt       string
	Tables        []TableRows
	Rows          int64
	SHA256        string
}

// Backup writes a consistent snapshot of the whole database to w, while
// others go on writing: one read transaction (SQLite: a deferred read
// transaction on the WAL, which sees one commit; PostgreSQL: REPEATABLE
// READ, READ ONLY).
func (s *Store) Backup(ctx context.Context, w io.Writer) (*BackupStats, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.Dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	version, err := s.schemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("backup: schema version: %w", err)
	}
	tx, err := s.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("backup: begin: %w", err)
	}
	defer tx.Rollback()
	q := Q{q: tx, s: s}
	tables, err := s.schema(ctx, q)
	if err != nil {
		return nil, err
	}
	fks, err := s.foreignKeys(ctx, q, tables)
	if err != nil {
		return nil, err
	}
	byName := map[string]tableSchema{}
	var names []string
	for _, t := range tables {
		byName[t.name] = t
		names = append(names, t.name)
	}
	order, err := insertOrder(names, fks)
	if err != nil {
		return nil, err
	}
	hdr := backupHeader{Format: backupFormat, Version: backupFormatVersion, SchemaVersion: version, Dialect: s.Dialect,
		TakenAt: time.Now().UTC().Format(time.RFC3339)}
	for _, n := range order {
		var c int64
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+n).Scan(&c); err != nil {
			return nil, fmt.Errorf("backup: count %s: %w", n, err)
		}
		hdr.Tables = append(hdr.Tables, backupTable{Name: n, Columns: byName[n].cols, Rows: c})
	}

	gz, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(gz, h), 1<<16)
	writeJSON := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		bw.Write(b)
		return bw.WriteByte('\n')
	}
	if err := writeJSON(hdr); err != nil {
		return nil, err
	}
	st := &BackupStats{SchemaVersion: version, Dialect: s.Dialect, TakenAt: hdr.TakenAt}
	var line []byte
	for _, t := range hdr.Tables {
		if err := writeJSON(backupMarker{Table: t.Name, Rows: t.Rows}); err != nil {
			return nil, err
		}
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = c.Name
		}
		rows, err := q.Query(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+t.Name)
		if err != nil {
			return nil, fmt.Errorf("backup: read %s: %w", t.Name, err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var n int64
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("backup: read %s: %w", t.Name, err)
			}
			line, err = appendRow(line[:0], t.Name, t.Columns, vals)
			if err != nil {
				rows.Close()
				return nil, err
			}
			line = append(line, '\n')
			if _, err := bw.Write(line); err != nil {
				rows.Close()
				return nil, fmt.Errorf("backup: write: %w", err)
			}
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("backup: read %s: %w", t.Name, err)
		}
		if n != t.Rows {
			return nil, fmt.Errorf("backup: %s: counted %d rows but read %d (not a consistent snapshot)", t.Name, t.Rows, n)
		}
		st.Tables = append(st.Tables, TableRows{Name: t.Name, Rows: n})
		st.Rows += n
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("backup: write: %w", err)
	}
	st.SHA256 = hex.EncodeToString(h.Sum(nil))
	b, _ := json.Marshal(backupTrailer{End: true, Rows: st.Rows, SHA256: st.SHA256})
	if _, err := gz.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("backup: write: %w", err)
	}
	if err := gz.Close(); err != nil {
		return nil, fmt.Errorf("backup: write: %w", err)
	}
	return st, tx.Commit()
}

// appendRow appends a row as a JSON array, checking each value against
// its column's kind.
func appendRow(b []byte, table string, cols []column, vals []any) ([]byte, error) {
	b = append(b, '[')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		c := cols[i]
		bad := func() ([]byte, error) {
			return nil, fmt.Errorf("backup: %s.%s (%s) holds a %T value, which a backup cannot carry", table, c.Name, c.Kind, v)
		}
		if v == nil {
			b = append(b, "null"...)
			continue
		}
		switch c.Kind {
		case kindInt:
			x, ok := v.(int64)
			if !ok {
				return bad()
			}
			b = strconv.AppendInt(b, x, 10)
		case kindText:
			var x string
			switch y := v.(type) {
			case string:
				x = y
			case []byte:
				x = string(y)
			default:
				return bad()
			}
			if !utf8.ValidString(x) {
				return nil, fmt.Errorf("backup: %s.%s holds text that is not valid UTF-8", table, c.Name)
			}
			b = appendJSONString(b, x)
		case kindBytes:
			var x []byte
			switch y := v.(type) {
			case []byte:
				x = y
			case string:
				x = []byte(y)
			default:
				return bad()
			}
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, x)
			b = append(b, '"')
		default:
			return bad()
		}
	}
	return append(b, ']'), nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes valid UTF-8 as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
