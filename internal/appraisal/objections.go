package appraisal

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/pingyi/pingyi/internal/store"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Objection is an objection (异议) filed during publicity.
type Objection struct {
	ID                                 int64
	TargetID                           int64
	TargetType, TargetCode, TargetName string
	Text, Contact, FiledDay            string
	Answer, AnsweredAt, AnsweredBy     string
}

// FileObjection records an objection from anyone (no account); contact is
// optional.
func (s *Store) FileObjection(ctx context.Context, c *pingyi.Campaign, targetID int64, text, contact string) (int64, error) {
	text, contact = strings.TrimSpace(text), strings.TrimSpace(contact)
	bad := &pingyi.InputError{}
	if text == "" {
		bad.Add(0, "text", "empty objection")
	}
	if len([]rune(text)) > 2000 {
		bad.Add(0, "text", "longer than 2000 characters")
	}
	if len([]rune(contact)) > 100 {
		bad.Add(0, "contact", "longer than 100 characters")
	}
	if err := bad.Err(); err != nil {
		return 0, err
	}
	id := store.RandomID() // says nothing of when it was filed: only the day is kept
	err := s.Tx(ctx, func(q store.Q) error {
		var tid any
		if targetID != 0 {
			var n int
			q.QueryRow(ctx, `SELECT COUNT(*) FROM targets WHERE id = ? AND campaign_id = ?`, targetID, c.ID).Scan(&n)
			if n == 0 {
				bad.Add(0, "target", "not a target of this campaign")
				return bad
			}
			tid = targetID
		}
		if _, err := q.Exec(ctx, `INSERT INTO objections (id, campaign_id, target_id, text, contact, filed_day) VALUES (?, ?, ?, ?, ?, ?)`,
			id, c.ID, tid, text, contact, store.Today()); err != nil {
			return err
		}
		// The log's time of day would date the objection: it says only
		// that one was filed, not which (its ID) nor what.
		return store.Audit(ctx, q, store.Actor{Username: "public"}, "create", "objection", c.Code, nil, nil)
	})
	return id, err
}

// Objections lists a campaign's objections, by day, newest first (in
// random order within a day: the order they were filed in is not kept).
func (s *Store) Objections(ctx context.Context, c *pingyi.Campaign) ([]Objection, error) {
	rows, err := s.R().Query(ctx, `SELECT b.id, COALESCE(b.target_id, 0), COALESCE(t.type, ''), COALESCE(t.code, ''), COALESCE(t.name, ''),
		b.text, b.contact, b.filed_day, b.answer, b.answered_at, b.answered_by
		FROM objections b LEFT JOIN targets t ON t.id = b.target_id WHERE b.campaign_id = ? ORDER BY b.filed_day DESC, b.id`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		var o Objection
		if err := rows.Scan(&o.ID, &o.TargetID, &o.TargetType, &o.TargetCode, &o.TargetName, &o.Text, &o.Contact, &o.FiledDay,
			&o.Answer, &o.AnsweredAt, &o.AnsweredBy); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// AnswerObjection records staff's answer; it shows on the public page.
func (s *Store) AnswerObjection(ctx context.Context, c *pingyi.Campaign, id int64, answer string, a store.Actor) error {
	answer = strings.TrimSpace(answer)
	if answer == "" {
		bad := &pingyi.InputError{}
		bad.Add(0, "answer", "empty answer")
		return bad
	}
	return s.Tx(ctx, func(q store.Q) error {
		var old string
		err := q.QueryRow(ctx, `SELECT answer FROM objections WHERE id = ? AND campaign_id = ?`, id, c.ID).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return pingyi.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE objections SET answer = ?, answered_at = ?, answered_by = ? WHERE id = ?`, answer, store.Today(), a.Username, id); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "answer", "objection", c.Code, map[string]string{"answer": old}, map[string]any{"id": id, "answer": answer})
	})
}
