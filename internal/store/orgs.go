package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
)

const orgCols = `o.id, o.code, o.name, o.type, o.domain, COALESCE(o.parent_id, 0), o.window_unit, o.path, o.depth`

func scanOrg(sc interface{ Scan(...any) error }, o *pingyi.Org, extra ...any) error {
	var wu int
	dst := append([]any{&o.ID, &o.Code, &o.Name, &o.Type, &o.Domain, &o.ParentID, &wu, &o.Path, &o.Depth}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return err
	}
	o.WindowUnit = wu != 0
	return nil
}

// Org returns the org with the given code.
func (s *Store) Org(ctx context.Context, code string) (*pingyi.Org, error) {
	return s.orgWhere(ctx, `o.code = ?`, code)
}

// OrgByID returns the org with the given id.
func (s *Store) OrgByID(ctx context.Context, id int64) (*pingyi.Org, error) {
	return s.orgWhere(ctx, `o.id = ?`, id)
}

func (s *Store) orgWhere(ctx context.Context, where string, arg any) (*pingyi.Org, error) {
	var o pingyi.Org
	var pcode, scode, sname sql.NullString
	err := scanOrg(s.P().QueryRow(ctx, `SELECT `+orgCols+`, p.code, sm.code, sm.name,
		(SELECT COUNT(*) FROM members m WHERE m.org_id = o.id),
		(SELECT COUNT(*) FROM orgs c WHERE c.parent_id = o.id)
		FROM orgs o
		LEFT JOIN orgs p ON p.id = o.parent_id
		LEFT JOIN members sm ON sm.org_id = o.id AND sm.is_secretary = 1
		WHERE `+where, arg), &o, &pcode, &scode, &sname, &o.MemberCount, &o.ChildCount)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingyi.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	o.ParentCode, o.SecretaryCode, o.SecretaryName = pcode.String, scode.String, sname.String
	return &o, nil
}

// Children lists the orgs directly under parentID (0: the roots), with
// their member counts (direct) and child counts, restricted to scope.
func (s *Store) Children(ctx context.Context, scope pingyi.Scope, parentID int64) ([]pingyi.Org, error) {
	where := `o.parent_id = ?`
	args := []any{parentID}
	if parentID == 0 {
		where = `o.parent_id IS NULL`
		args = nil
		if !scope.All() {
			// The roots of a scoped account are its scope root.
			where = `o.path = ?`
			args = []any{scope.Path}
		}
	}
	return s.listOrgs(ctx, scope, where, args, `o.code`, 0)
}

// SearchOrgs finds orgs in scope whose name or code contains q.
func (s *Store) SearchOrgs(ctx context.Context, scope pingyi.Scope, q string, limit int) ([]pingyi.Org, error) {
	like := "%" + escapeLike(strings.ToLower(q)) + "%"
	return s.listOrgs(ctx, scope, `(LOWER(o.name) LIKE ? ESCAPE '\' OR LOWER(o.code) LIKE ? ESCAPE '\')`, []any{like, like}, `o.depth, o.code`, limit)
}

// Subtree lists every org in the subtree rooted at path (inclusive), in
// scope, ordered by path.
func (s *Store) Subtree(ctx context.Context, scope pingyi.Scope, path string) ([]pingyi.Org, error) {
	pred, args := s.PathPrefix("o.path", path)
	return s.listOrgs(ctx, scope, pred, args, `o.path`, 0)
}

func (s *Store) listOrgs(ctx context.Context, scope pingyi.Scope, where string, args []any, order string, limit int) ([]pingyi.Org, error) {
	q := `SELECT ` + orgCols + `, COALESCE(p.code, ''),
		(SELECT COUNT(*) FROM members m WHERE m.org_id = o.id),
		(SELECT COUNT(*) FROM orgs c WHERE c.parent_id = o.id),
		COALESCE((SELECT sm.name FROM members sm WHERE sm.org_id = o.id AND sm.is_secretary = 1 LIMIT 1), '')
		FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id WHERE ` + where
	if !scope.All() {
		pred, pargs := s.PathPrefix("o.path", scope.Path)
		q += ` AND ` + pred
		args = append(args, pargs...)
	}
	q += ` ORDER BY ` + order
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := s.P().Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingyi.Org
	for rows.Next() {
		var o pingyi.Org
		if err := scanOrg(rows, &o, &o.ParentCode, &o.MemberCount, &o.ChildCount, &o.SecretaryName); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Ancestors returns the orgs on the path from the root to o (exclusive).
func (s *Store) Ancestors(ctx context.Context, o *pingyi.Org) ([]pingyi.Org, error) {
	var out []pingyi.Org
	for _, part := range strings.Split(strings.Trim(o.Path, "/"), "/") {
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id == o.ID {
			continue
		}
		a, err := s.OrgByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

// CountOrgs and members in scope.
func (s *Store) Counts(ctx context.Context, scope pingyi.Scope) (orgs, members int, err error) {
	pred, args := s.PathPrefix("o.path", scope.Path)
	if err = s.R().QueryRow(ctx, `SELECT COUNT(*) FROM orgs o WHERE `+pred, args...).Scan(&orgs); err != nil {
		return
	}
	err = s.R().QueryRow(ctx, `SELECT COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id WHERE `+pred, args...).Scan(&members)
	return
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
