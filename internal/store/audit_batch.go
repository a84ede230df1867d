package store

import "context"

// Change is one change of a batch for AuditBatch.
type Change struct {
	Action, Entity, EntityID string
	Before, After            any
}

// AuditBatch records many changes by one actor at one time (an import)
// with multi-row inserts, as Audit records one, chained in order
// (audit_chain.go).
func AuditBatch(ctx context.Context, q Q, a Actor, changes []Change) error {
	if len(changes) == 0 {
		return nil
	}
	at := Now()
	recs := make([]*auditRec, len(changes))
	for i, c := range changes {
		recs[i] = &auditRec{id: NewID(), at: at, userID: a.UserID, username: a.Username, action: c.Action, entity: c.Entity,
			entityID: c.EntityID, before: toJSON(c.Before), after: toJSON(c.After)}
	}
	return appendAudit(ctx, q, recs...)
}
