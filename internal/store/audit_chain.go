package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The audit log is a hash chain (migration 00030): entry n carries seq n,
// the hash of entry n-1 (prev_hash; "" for the first) and its own hash, the
// SHA-256 of its canonical form (auditCanonical). The one row of audit_head
// holds the last seq, hash and entry id; every entry updates it in the
// entry's own transaction, so writers queue on that row (PostgreSQL's row
// lock, SQLite's single writer) and the chain stays linear. Changing an
// entry breaks its hash, removing one leaves a gap in seq (or a head beyond
// the last entry), inserting one duplicates a seq or leaves an entry out of
// the chain: VerifyAudit names the first. Someone who rewrites the whole
// chain from some entry on, head included, is caught only against a copy of
// an earlier head hash kept outside (the dashboard shows it).
//
// Audit and AuditBatch write every entry chained. Entries written before
// migration 00030 (hash "") are chained, in id order, by the first change
// after it; once the chain has begun, an entry without a hash is one
// inserted behind Pingyi's back, and VerifyAudit names it.

// auditRec is one entry as chained.
type auditRec struct {
	id, userID                                            int64
	seq                                                   int64
	at, username, action, entity, entityID, before, after string
	prevHash, hash                                        string
}

// auditCanonical is the entry's canonical form: each field as its length,
// a colon and its bytes, then a newline, in a fixed order, so that no two
// different entries share one.
func auditCanonical(e *auditRec) []byte {
	var b strings.Builder
	for _, f := range []string{"pingyi-audit-v1", strconv.FormatInt(e.seq, 10), strconv.FormatInt(e.id, 10), e.at,
		strconv.FormatInt(e.userID, 10), e.username, e.action, e.entity, e.entityID, e.before, e.after, e.prevHash} {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

func auditHash(e *auditRec) string {
	sum := sha256.Sum256(auditCanonical(e))
	return hex.EncodeToString(sum[:])
}

// appendAudit adds recs, in order, to the chain in the transaction q (or in
// a transaction of its own when q is the whole database).
func appendAudit(ctx context.Context, q Q, recs ...*auditRec) error {
	if _, ok := q.q.(*sql.DB); ok {
		return q.s.Tx(ctx, func(tx Q) error { return appendAudit(ctx, tx, recs...) })
	}
	// Take the head: the UPDATE locks its row until this transaction ends
	// (a concurrent writer waits, then reads what this one wrote).
	var seq int64
	var prev string
	if err := q.QueryRow(ctx, `UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash`).Scan(&seq, &prev); err != nil {
		return err
	}
	if seq == 0 {
		// The chain begins: the entries from before migration 00030 first.
		legacy, err := unchained(ctx, q)
		if err != nil {
			return err
		}
		for _, p := range legacy {
			seq++
			p.seq, p.prevHash = seq, prev
			p.hash = auditHash(p)
			if _, err := q.Exec(ctx, `UPDATE audit_log SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?`, p.seq, p.prevHash, p.hash, p.id); err != nil {
				return err
			}
			prev = p.hash
		}
	}
	rows := make([][]any, len(recs))
	for i, e := range recs {
		seq++
		e.seq, e.prevHash = seq, prev
		e.hash = auditHash(e)
		prev = e.hash
		rows[i] = []any{e.id, e.at, e.userID, e.username, e.action, e.entity, e.entityID, e.before, e.after, e.seq, e.prevHash, e.hash}
	}
	if len(rows) == 1 {
		if _, err := q.Exec(ctx, `INSERT INTO audit_log (id, at, user_id, username, action, entity, entity_id, before_json, after_json, seq, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, rows[0]...); err != nil {
			return err
		}
	} else if err := BatchInsert(ctx, q, "audit_log", auditChainCols, rows); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, seq, prev)
	return err
}

var auditChainCols = []string{"id", "at", "user_id", "username", "action", "entity", "entity_id", "before_json", "after_json", "seq", "prev_hash", "hash"}

// unchained lists the entries without a hash, in id order.
func unchained(ctx context.Context, q Q) ([]*auditRec, error) {
	rows, err := q.Query(ctx, `SELECT id, at, user_id, username, action, entity, entity_id, before_json, after_json
		FROM audit_log WHERE hash = '' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*auditRec
	for rows.Next() {
		p := &auditRec{}
		if err := rows.Scan(&p.id, &p.at, &p.userID, &p.username, &p.action, &p.entity, &p.entityID, &p.before, &p.after); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AuditHead is the chain's last entry: its seq (the number of entries)
// and hash, the anchor an office copies out.
type AuditHead struct {
	Seq  int64
	Hash string
	// Unchained counts, before the first change after migration 00030,
	// the older entries the first change will chain (VerifyAudit).
	Unchained int64
}

// Anchor is the head as an office keeps it outside ("entries:hash"), as
// exported results files carry it.
func (h AuditHead) Anchor() string { return strconv.FormatInt(h.Seq, 10) + ":" + h.Hash }

// AuditHead reads the chain's head.
func (s *Store) AuditHead(ctx context.Context) (AuditHead, error) {
	var h AuditHead
	err := s.R().QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&h.Seq, &h.Hash)
	return h, err
}

// ErrAuditTampered is wrapped by VerifyAudit's error for a broken chain.
var ErrAuditTampered = errors.New("audit log tampered with")

// VerifyAudit walks the whole chain and returns the number of entries and
// the last hash, or an error wrapping ErrAuditTampered that names the
// first entry changed, removed or inserted.
func (s *Store) VerifyAudit(ctx context.Context) (AuditHead, error) {
	head, err := s.AuditHead(ctx)
	if err != nil {
		return AuditHead{}, err
	}
	bad := func(format string, args ...any) (AuditHead, error) {
		return AuditHead{}, fmt.Errorf("%w: "+format, append([]any{ErrAuditTampered}, args...)...)
	}
	// An entry left out of the chain (inserted without a hash, or older
	// than the chain's last entry).
	var stray int64
	if head.Seq == 0 {
		err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE hash = ''`).Scan(&head.Unchained)
		if err != nil {
			return AuditHead{}, err
		}
		var chained int64
		if err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE hash <> ''`).Scan(&chained); err != nil {
			return AuditHead{}, err
		}
		if chained > 0 {
			return bad("the chain's head is gone: %d entries are chained but the head says none", chained)
		}
		return head, nil
	}
	err = s.R().QueryRow(ctx, `SELECT id FROM audit_log WHERE hash = '' ORDER BY id LIMIT 1`).Scan(&stray)
	switch {
	case err == nil:
		return bad("entry id %d is not in the chain (inserted)", stray)
	case !errors.Is(err, sql.ErrNoRows):
		return AuditHead{}, err
	}
	rows, err := s.R().Query(ctx, `SELECT id, at, user_id, username, action, entity, entity_id, before_json, after_json, seq, prev_hash, hash
		FROM audit_log ORDER BY seq, id`)
	if err != nil {
		return AuditHead{}, err
	}
	defer rows.Close()
	var prev *auditRec
	n := int64(0)
	for rows.Next() {
		e := &auditRec{}
		if err := rows.Scan(&e.id, &e.at, &e.userID, &e.username, &e.action, &e.entity, &e.entityID, &e.before, &e.after,
			&e.seq, &e.prevHash, &e.hash); err != nil {
			return AuditHead{}, err
		}
		want := n + 1
		switch {
		case e.seq < want:
			return bad("entry seq %d (id %d) is inserted: seq %d is already taken", e.seq, e.id, e.seq)
		case e.seq > want:
			return bad("entry seq %d is missing (removed): after seq %d comes seq %d (id %d)", want, n, e.seq, e.id)
		case auditHash(e) != e.hash:
			return bad("entry seq %d (id %d) was changed: its content does not match its hash", e.seq, e.id)
		case prev == nil && e.prevHash != "":
			return bad("entry seq %d (id %d) links to an entry that is not there (entries removed before it)", e.seq, e.id)
		case prev != nil && e.prevHash != prev.hash:
			return bad("entry seq %d (id %d) was changed: entry seq %d links to another hash", prev.seq, prev.id, e.seq)
		}
		prev, n = e, e.seq
	}
	if err := rows.Err(); err != nil {
		return AuditHead{}, err
	}
	switch {
	case n < head.Seq:
		return bad("entry seq %d is missing (removed): the chain ends at seq %d but has %d entries", n+1, n, head.Seq)
	case n > head.Seq:
		return bad("entry seq %d is inserted: the chain has %d entries", head.Seq+1, head.Seq)
	case prev != nil && prev.hash != head.Hash:
		return bad("entry seq %d (id %d) was changed: it is not the chain's last hash", prev.seq, prev.id)
	}
	return head, nil
}
