package store

import "context"

// Change is one change of a batch for AuditBatch.
type Change struct {
	Action, Entity, EntityID string
	Before, After            any
}

// AuditBatch records many changes by one actor at one time (an import)
// with multi-row inserts, as Audit records one.
func AuditBatch(ctx context.Context, q Q, a Actor, changes []Change) error {
	at := Now()
	rows := make([][]any, len(changes))
	for i, c := range changes {
		rows[i] = []any{NewID(), at, a.UserID, a.Username, c.Action, c.Entity, c.EntityID, toJSON(c.Before), toJSON(c.After)}
	}
	return BatchInsert(ctx, q, "audit_log", auditCols, rows)
}

var auditCols = []string{"id", "at", "user_id", "username", "action", "entity", "entity_id", "before_json", "after_json"}
