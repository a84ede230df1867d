package store

import (
	"context"
	"encoding/json"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Actor is who makes a change, for the audit log.
type Actor struct {
	UserID   int64
	Username string
}

// CLI is the actor of command-line changes.
var CLI = Actor{Username: "cli"}

// Audit records one change, chained to the one before it (audit_chain.go).
// before and after are marshalled to JSON (nil leaves the column empty).
func Audit(ctx context.Context, q Q, a Actor, action, entity, entityID string, before, after any) error {
	return appendAudit(ctx, q, &auditRec{id: NewID(), at: Now(), userID: a.UserID, username: a.Username, action: action,
		entity: entity, entityID: entityID, before: toJSON(before), after: toJSON(after)})
}

func toJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// AuditLog lists the newest entries, optionally for one entity.
func (s *Store) AuditLog(ctx context.Context, entity, entityID string, limit int) ([]pingyi.AuditEntry, error) {
	q := `SELECT id, at, user_id, username, action, entity, entity_id, before_json, after_json FROM audit_log`
	var args []any
	if entity != "" {
		q += ` WHERE entity = ?`
		args = append(args, entity)
		if entityID != "" {
			q += ` AND entity_id = ?`
			args = append(args, entityID)
		}
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.R().Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingyi.AuditEntry
	for rows.Next() {
		var e pingyi.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
