// Package doublereport is the double report (双报到, SPEC §4, seed 001)
// over *store.Store: registrations of in-service members and of units with
// their residential community, the communities' needs (projects and
// micro-wishes) and their append-only ledger of dated events (claim,
// cancel, complete, confirm), leaders and their four leads, the streets'
// recommendation lists, and the tables computed from them (Appendix 1 by
// unit, Appendix 2 by community, the board, the leads, feedback records).
//
// The rules (state machine, quotas, dates) are in internal/rules; this
// package loads, checks against the rules, and writes. Every change is in
// the audit log: one entry per import, one per change made on a page.
package doublereport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// DR is the double report on a store.
type DR struct {
	S   *store.Store
	gen atomic.Int64 // bumped by every change made through this DR
}

// New returns the double report over s.
func New(s *store.Store) *DR { return &DR{S: s} }

// Generation changes whenever this DR changes a need, a registration or
// the ledger (caches of pages built from them compare it).
func (d *DR) Generation() int64 { return d.gen.Load() }

func (d *DR) changed() { d.gen.Add(1) }

// Refusals of single changes (pages, API), wrapping pingyi's sentinels.
var (
	ErrTaken         = fmt.Errorf("%w: the need was claimed by someone else a moment ago", pingyi.ErrConflict)
	ErrNotRegistered = fmt.Errorf("%w: %v", pingyi.ErrForbidden, rules.ErrNotRegistered)
)

// orgInfo is what the checks need of an org.
type orgInfo struct {
	ID    int64
	Code  string
	Path  string
	Level string
}

// memberInfo is what the checks need of a member.
type memberInfo struct {
	ID       int64
	Code     string
	OrgID    int64
	Category string
	Path     string // their org's path
}

// chunks calls fn with slices of at most n of codes.
func chunks(codes []string, n int, fn func([]string) error) error {
	for len(codes) > 0 {
		k := min(n, len(codes))
		if err := fn(codes[:k]); err != nil {
			return err
		}
		codes = codes[k:]
	}
	return nil
}

func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func uniq(codes []string) []string {
	seen := make(map[string]bool, len(codes))
	out := codes[:0:0]
	for _, c := range codes {
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// orgsByCode loads the orgs named.
func orgsByCode(ctx context.Context, q store.Q, codes []string) (map[string]orgInfo, error) {
	out := make(map[string]orgInfo)
	err := chunks(uniq(codes), 500, func(cs []string) error {
		rows, err := q.Query(ctx, `SELECT id, code, path, level FROM orgs WHERE code IN (`+marks(len(cs))+`)`, anys(cs)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o orgInfo
			if err := rows.Scan(&o.ID, &o.Code, &o.Path, &o.Level); err != nil {
				return err
			}
			out[o.Code] = o
		}
		return rows.Err()
	})
	return out, err
}

// membersByCode loads the members named.
func membersByCode(ctx context.Context, q store.Q, codes []string) (map[string]memberInfo, error) {
	out := make(map[string]memberInfo)
	err := chunks(uniq(codes), 500, func(cs []string) error {
		rows, err := q.Query(ctx, `SELECT m.id, m.code, m.org_id, m.category, o.path FROM members m JOIN orgs o ON o.id = m.org_id
			WHERE m.code IN (`+marks(len(cs))+`)`, anys(cs)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m memberInfo
			if err := rows.Scan(&m.ID, &m.Code, &m.OrgID, &m.Category, &m.Path); err != nil {
				return err
			}
			out[m.Code] = m
		}
		return rows.Err()
	})
	return out, err
}

// Org returns an org of the tree by code with its level.
func (d *DR) org(ctx context.Context, q store.Q, code string) (orgInfo, error) {
	var o orgInfo
	err := q.QueryRow(ctx, `SELECT id, code, path, level FROM orgs WHERE code = ?`, code).Scan(&o.ID, &o.Code, &o.Path, &o.Level)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("org %q: %w", code, pingyi.ErrNotFound)
	}
	return o, err
}

// SetLevel sets an org's level (district, street, community or empty).
func (d *DR) SetLevel(ctx context.Context, code, level string, a store.Actor) error {
	if !rules.ValidLevel(level) {
		return fmt.Errorf("%w: level %q is not district, street, community or empty", pingyi.ErrInvalid, level)
	}
	return d.S.Tx(ctx, func(q store.Q) error {
		var id int64
		var old string
		err := q.QueryRow(ctx, `SELECT id, level FROM orgs WHERE code = ?`, code).Scan(&id, &old)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("org %q: %w", code, pingyi.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if old == level {
			return nil
		}
		if _, err := q.Exec(ctx, `UPDATE orgs SET level = ?, updated_at = ? WHERE id = ?`, level, store.Now(), id); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "update", "org_level", code, map[string]string{"level": old}, map[string]string{"level": level})
	})
}

// insertBatch inserts rows in multi-row statements of at most 200 rows.
func insertBatch(ctx context.Context, q store.Q, table string, cols []string, rows [][]any) error {
	const per = 200
	row := "(" + marks(len(cols)) + ")"
	for len(rows) > 0 {
		n := min(per, len(rows))
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, n*len(cols))
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(row)
			args = append(args, r...)
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// subtreeArgs is the predicate "col is in the subtree of path" (the scope
// itself included).
func subtreeLike(path string) string { return path + "%" }

// Summary counts what an import did.
type Summary struct {
	Created, Updated, Unchanged int
}

func (s Summary) String() string {
	return strconv.Itoa(s.Created) + " created, " + strconv.Itoa(s.Updated) + " updated, " + strconv.Itoa(s.Unchanged) + " unchanged"
}
