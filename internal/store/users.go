package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pingyi/pingyi/internal/pingyi"
)

const userCols = `u.id, u.username, u.display_name, u.password_hash, u.role, COALESCE(u.org_id, 0), COALESCE(o.path, ''), COALESCE(o.name, ''), COALESCE(u.member_id, 0), u.locale, u.disabled, u.created_at`

func scanUser(sc interface{ Scan(...any) error }, u *pingyi.User) error {
	var dis int
	if err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.Role, &u.OrgID, &u.OrgPath, &u.OrgName, &u.MemberID, &u.Locale, &dis, &u.CreatedAt); err != nil {
		return err
	}
	u.Disabled = dis != 0
	return nil
}

// User returns the account with the given username.
func (s *Store) User(ctx context.Context, username string) (*pingyi.User, error) {
	return s.userWhere(ctx, `u.username = ?`, username)
}

// UserByID returns the account with the given id.
func (s *Store) UserByID(ctx context.Context, id int64) (*pingyi.User, error) {
	return s.userWhere(ctx, `u.id = ?`, id)
}

func (s *Store) userWhere(ctx context.Context, where string, arg any) (*pingyi.User, error) {
	var u pingyi.User
	err := scanUser(s.P().QueryRow(ctx, `SELECT `+userCols+` FROM users u LEFT JOIN orgs o ON o.id = u.org_id WHERE `+where, arg), &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingyi.ErrNotFound
	}
	return &u, err
}

// Users lists the accounts whose scope lies within scope (the admin sees
// all).
func (s *Store) Users(ctx context.Context, scope pingyi.Scope) ([]pingyi.User, error) {
	q := `SELECT ` + userCols + ` FROM users u LEFT JOIN orgs o ON o.id = u.org_id`
	var args []any
	if !scope.All() {
		pred, pargs := s.PathPrefix("o.path", scope.Path)
		q += ` WHERE ` + pred
		args = append(args, pargs...)
	}
	q += ` ORDER BY u.username`
	rows, err := s.R().Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingyi.User
	for rows.Next() {
		var u pingyi.User
		if err := scanUser(rows, &u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers counts all accounts.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateUser stores a new account (PasswordHash already set).
func (s *Store) CreateUser(ctx context.Context, u *pingyi.User, a Actor) error {
	if u.ID == 0 {
		u.ID = NewID()
	}
	if u.CreatedAt == "" {
		u.CreatedAt = Now()
	}
	return s.Tx(ctx, func(q Q) error {
		_, err := q.Exec(ctx, `INSERT INTO users (id, username, display_name, password_hash, role, org_id, member_id, locale, disabled, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Username, u.DisplayName, u.PasswordHash, string(u.Role), NullID(u.OrgID), NullID(u.MemberID), u.Locale, BoolInt(u.Disabled), u.CreatedAt)
		if IsUniqueViolation(err) {
			return pingyi.ErrConflict
		}
		if err != nil {
			return err
		}
		return Audit(ctx, q, a, "create", "user", u.Username, nil, userAudit(u))
	})
}

// UpdateUser changes an account's name, role, scope, member, locale,
// disabled flag and (when non-empty) password hash.
func (s *Store) UpdateUser(ctx context.Context, u *pingyi.User, a Actor) error {
	defer s.invalidateUsers()
	return s.Tx(ctx, func(q Q) error {
		var old pingyi.User
		if err := scanUser(q.QueryRow(ctx, `SELECT `+userCols+` FROM users u LEFT JOIN orgs o ON o.id = u.org_id WHERE u.id = ?`, u.ID), &old); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return pingyi.ErrNotFound
			}
			return err
		}
		hash := u.PasswordHash
		if hash == "" {
			hash = old.PasswordHash
		}
		if _, err := q.Exec(ctx, `UPDATE users SET display_name = ?, password_hash = ?, role = ?, org_id = ?, member_id = ?, locale = ?, disabled = ? WHERE id = ?`,
			u.DisplayName, hash, string(u.Role), NullID(u.OrgID), NullID(u.MemberID), u.Locale, BoolInt(u.Disabled), u.ID); err != nil {
			return err
		}
		after := *u
		after.Username = old.Username
		rec := userAudit(&after)
		if u.PasswordHash != "" {
			rec["password"] = "changed"
		}
		return Audit(ctx, q, a, "update", "user", old.Username, userAudit(&old), rec)
	})
}

func userAudit(u *pingyi.User) map[string]any {
	return map[string]any{"username": u.Username, "display_name": u.DisplayName, "role": u.Role,
		"org_id": u.OrgID, "member_id": u.MemberID, "locale": u.Locale, "disabled": u.Disabled}
}
