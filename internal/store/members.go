package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
)

const memberCols = `m.id, m.code, m.name, m.org_id, o.code, o.name, m.category, m.is_secretary, m.phone, m.id_number, m.gender, m.birth_year, m.home_unit, m.community_code`

func scanMember(sc interface{ Scan(...any) error }, m *pingyi.Member, extra ...any) error {
	var sec int
	dst := append([]any{&m.ID, &m.Code, &m.Name, &m.OrgID, &m.OrgCode, &m.OrgName, &m.Category, &sec, &m.Phone, &m.IDNumber, &m.Gender, &m.BirthYear, &m.HomeUnit, &m.CommunityCode}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return err
	}
	m.IsSecretary = sec != 0
	return nil
}

// Member returns the member with the given code, and the path of their org
// (for scope checks).
func (s *Store) Member(ctx context.Context, code string) (*pingyi.Member, string, error) {
	return s.memberWhere(ctx, `m.code = ?`, code)
}

// MemberByID returns the member with the given id and their org's path.
func (s *Store) MemberByID(ctx context.Context, id int64) (*pingyi.Member, string, error) {
	return s.memberWhere(ctx, `m.id = ?`, id)
}

func (s *Store) memberWhere(ctx context.Context, where string, arg any) (*pingyi.Member, string, error) {
	var m pingyi.Member
	var path string
	err := scanMember(s.P().QueryRow(ctx, `SELECT `+memberCols+`, o.path FROM members m JOIN orgs o ON o.id = m.org_id WHERE `+where, arg), &m, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", pingyi.ErrNotFound
	}
	if err != nil {
		return nil, "", err
	}
	return &m, path, nil
}

// Members lists the members of one org, secretary first, then by code.
func (s *Store) Members(ctx context.Context, orgID int64) ([]pingyi.Member, error) {
	return s.listMembers(ctx, `m.org_id = ?`, []any{orgID}, `m.is_secretary DESC, m.code`, 0)
}

// SearchMembers finds members in scope whose name or code contains q.
func (s *Store) SearchMembers(ctx context.Context, scope pingyi.Scope, q string, limit int) ([]pingyi.Member, error) {
	like := "%" + escapeLike(strings.ToLower(q)) + "%"
	where := `(LOWER(m.name) LIKE ? ESCAPE '\' OR LOWER(m.code) LIKE ? ESCAPE '\')`
	args := []any{like, like}
	if !scope.All() {
		pred, pargs := s.PathPrefix("o.path", scope.Path)
		where += ` AND ` + pred
		args = append(args, pargs...)
	}
	return s.listMembers(ctx, where, args, `m.code`, limit)
}

func (s *Store) listMembers(ctx context.Context, where string, args []any, order string, limit int) ([]pingyi.Member, error) {
	q := `SELECT ` + memberCols + ` FROM members m JOIN orgs o ON o.id = m.org_id WHERE ` + where + ` ORDER BY ` + order
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.P().Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingyi.Member
	for rows.Next() {
		var m pingyi.Member
		if err := scanMember(rows, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
