package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// AuditFilter selects entries of the audit log for its page.
type AuditFilter struct {
	Entity   string // entity type ("" for all)
	Username string // who made the change ("" for all)
	From, To string // at in [From, To): RFC 3339 UTC ("" for no bound)
	Before   int64  // entries older than this one (paging; 0: the newest)
	Limit    int
}

const auditSelect = `SELECT id, at, user_id, username, action, entity, entity_id, before_json, after_json FROM audit_log`

// AuditPage lists the entries of f, newest first, and whether older ones
// follow (keyset paging on the id, which grows with time).
func (s *Store) AuditPage(ctx context.Context, f AuditFilter) ([]pingyi.AuditEntry, bool, error) {
	q, args := auditSelect+` WHERE 1 = 1`, []any{}
	for _, c := range []struct {
		cond string
		val  any
		on   bool
	}{
		{` AND entity = ?`, f.Entity, f.Entity != ""},
		{` AND username = ?`, f.Username, f.Username != ""},
		{` AND at >= ?`, f.From, f.From != ""},
		{` AND at < ?`, f.To, f.To != ""},
		{` AND id < ?`, f.Before, f.Before > 0},
	} {
		if c.on {
			q += c.cond
			args = append(args, c.val)
		}
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit+1)
	out, err := s.auditEntries(ctx, q, args...)
	if err != nil {
		return nil, false, err
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, more, nil
}

// AuditEntryByID is one entry of the audit log.
func (s *Store) AuditEntryByID(ctx context.Context, id int64) (*pingyi.AuditEntry, error) {
	es, err := s.auditEntries(ctx, auditSelect+` WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("audit entry %d: %w", id, pingyi.ErrNotFound)
	}
	return &es[0], nil
}

// AuditEntities are the entity types the audit log holds, sorted.
func (s *Store) AuditEntities(ctx context.Context) ([]string, error) {
	rows, err := s.R().Query(ctx, `SELECT DISTINCT entity FROM audit_log ORDER BY entity`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Store) auditEntries(ctx context.Context, q string, args ...any) ([]pingyi.AuditEntry, error) {
	rows, err := s.R().Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingyi.AuditEntry
	for rows.Next() {
		var e pingyi.AuditEntry
		var before, after sql.NullString
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &before, &after); err != nil {
			return nil, err
		}
		e.Before, e.After = before.String, after.String
		out = append(out, e)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return out, nil
}
