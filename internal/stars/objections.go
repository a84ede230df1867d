package stars

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// The year-end publicity of star results (三评两公开, SPEC §3, seed 003):
// anyone may object to a branch's publicized results, optionally naming a
// member; staff who manage the branch answer, and the answer shows on the
// branch's public page (the contact never does). And the half-year
// pre-assessment's debrief of the branch secretary to the street or park
// committee (半年预评), with the committee's comment.

// Objection is an objection (异议) to a branch's star results.
type Objection struct {
	ID                             int64
	Year                           int
	OrgCode, OrgPath               string
	MemberCode, MemberName         string // empty: the branch's results as a whole
	Text, Contact, FiledDay        string
	Answer, AnsweredAt, AnsweredBy string
}

// FileObjection records an objection of anyone (no account) to the
// results of year of the branch orgCode; memberCode (optional) must be a
// member of that branch, contact is optional. pingyi.ErrNotFound for an
// unknown branch.
func (s *Store) FileObjection(ctx context.Context, year int, orgCode, memberCode, text, contact string) (int64, error) {
	if err := checkYear(year); err != nil {
		return 0, err
	}
	text, contact, memberCode = strings.TrimSpace(text), strings.TrimSpace(contact), strings.TrimSpace(memberCode)
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
	id := store.RandomID() // says nothing of when it was filed: only the day is kept
	err := s.Tx(ctx, func(q store.Q) error {
		var orgID int64
		err := q.QueryRow(ctx, `SELECT id FROM orgs WHERE code = ?`, orgCode).Scan(&orgID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("org %q: %w", orgCode, pingyi.ErrNotFound)
		}
		if err != nil {
			return err
		}
		var member any
		if memberCode != "" {
			m, err := starMemberQ(ctx, q, memberCode)
			switch {
			case errors.Is(err, pingyi.ErrNotFound):
				bad.Add(0, "member", "member %q does not exist", memberCode)
			case err != nil:
				return err
			case m.orgID != orgID:
				bad.Add(0, "member", "member %q is not in %s", memberCode, orgCode)
			default:
				member = m.id
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `INSERT INTO star_objections (id, year, org_id, member_id, text, contact, filed_day) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, year, orgID, member, text, contact, store.Today()); err != nil {
			return err
		}
		// The log's time of day would date the objection: it says only
		// that one was filed for the org's year, not which nor what.
		return store.Audit(ctx, q, store.Actor{Username: "public"}, "create", "star_objection", orgCode, nil, map[string]int{"year": year})
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

const starObjectionCols = `b.id, b.year, o.code, o.path, COALESCE(m.code, ''), COALESCE(m.name, ''),
	b.text, b.contact, b.filed_day, b.answer, b.answered_at, b.answered_by
	FROM star_objections b JOIN orgs o ON o.id = b.org_id LEFT JOIN members m ON m.id = b.member_id`

func scanStarObjections(rows *sql.Rows) ([]Objection, error) {
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		var o Objection
		if err := rows.Scan(&o.ID, &o.Year, &o.OrgCode, &o.OrgPath, &o.MemberCode, &o.MemberName,
			&o.Text, &o.Contact, &o.FiledDay, &o.Answer, &o.AnsweredAt, &o.AnsweredBy); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Objections lists the objections to the results of year of the
// branch orgID, newest first.
func (s *Store) Objections(ctx context.Context, year int, orgID int64) ([]Objection, error) {
	rows, err := s.R().Query(ctx, `SELECT `+starObjectionCols+` WHERE b.year = ? AND b.org_id = ? ORDER BY b.filed_day DESC, b.id`, year, orgID)
	if err != nil {
		return nil, err
	}
	return scanStarObjections(rows)
}

// ObjectionByID returns one objection (pingyi.ErrNotFound if none);
// callers check its OrgPath against the viewer's scope.
func (s *Store) ObjectionByID(ctx context.Context, id int64) (*Objection, error) {
	rows, err := s.R().Query(ctx, `SELECT `+starObjectionCols+` WHERE b.id = ?`, id)
	if err != nil {
		return nil, err
	}
	list, err := scanStarObjections(rows)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("star objection %d: %w", id, pingyi.ErrNotFound)
	}
	return &list[0], nil
}

// AnswerObjection records staff's answer (replacing an earlier one); it
// shows on the branch's public page.
func (s *Store) AnswerObjection(ctx context.Context, id int64, answer string, a store.Actor) error {
	answer = strings.TrimSpace(answer)
	bad := &pingyi.InputError{}
	if answer == "" {
		bad.Add(0, "answer", "empty answer")
	}
	if len([]rune(answer)) > 2000 {
		bad.Add(0, "answer", "longer than 2000 characters")
	}
	if err := bad.Err(); err != nil {
		return err
	}
	return s.Tx(ctx, func(q store.Q) error {
		var old, org string
		err := q.QueryRow(ctx, `SELECT b.answer, o.code FROM star_objections b JOIN orgs o ON o.id = b.org_id WHERE b.id = ?`, id).Scan(&old, &org)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("star objection %d: %w", id, pingyi.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE star_objections SET answer = ?, answered_at = ?, answered_by = ? WHERE id = ?`, answer, store.Today(), a.Username, id); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "answer", "star_objection", org, map[string]any{"id": id, "answer": old}, map[string]any{"id": id, "answer": answer})
	})
}

// Debrief is the branch secretary's half-year debrief to the street or
// park committee (半年预评) for a year, with the committee's comment.
type Debrief struct {
	Year                 int
	OrgCode              string
	Debrief, HeldDay     string
	Comment              string
	UpdatedAt, UpdatedBy string
}

type starDebriefRecord struct {
	Year    int    `json:"year"`
	Org     string `json:"org"`
	Debrief string `json:"debrief"`
	HeldDay string `json:"held_day"`
	Comment string `json:"comment"`
}

// SaveDebrief stores the debrief of year of the branch orgCode: the
// secretary's text (required) and the day it was held; comment, when not nil, is the
// committee's comment (nil keeps the stored one — the caller decides who
// may write it). Columns debrief, held_day, comment.
func (s *Store) SaveDebrief(ctx context.Context, year int, orgCode, debrief, heldDay string, comment *string, a store.Actor) (*Debrief, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	debrief, heldDay = strings.TrimSpace(debrief), strings.TrimSpace(heldDay)
	bad := &pingyi.InputError{}
	checkText(bad, "debrief", debrief, true, 8000)
	checkDay(bad, "held_day", heldDay, false)
	if comment != nil {
		c := strings.TrimSpace(*comment)
		comment = &c
		checkText(bad, "comment", c, false, 4000)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var out *Debrief
	err := s.Tx(ctx, func(q store.Q) error {
		var orgID int64
		err := q.QueryRow(ctx, `SELECT id FROM orgs WHERE code = ?`, orgCode).Scan(&orgID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("org %q: %w", orgCode, pingyi.ErrNotFound)
		}
		if err != nil {
			return err
		}
		old, err := starDebriefQ(ctx, q, year, orgID)
		if err != nil && !errors.Is(err, pingyi.ErrNotFound) {
			return err
		}
		d := &Debrief{Year: year, OrgCode: orgCode, Debrief: debrief, HeldDay: heldDay, UpdatedAt: store.Now(), UpdatedBy: a.Username}
		switch {
		case comment != nil:
			d.Comment = *comment
		case old != nil:
			d.Comment = old.Comment
		}
		var before any
		if old != nil {
			before = starDebriefRecord{year, orgCode, old.Debrief, old.HeldDay, old.Comment}
			_, err = q.Exec(ctx, `UPDATE star_debriefs SET debrief = ?, held_day = ?, comment = ?, updated_at = ?, updated_by = ? WHERE year = ? AND org_id = ?`,
				d.Debrief, d.HeldDay, d.Comment, d.UpdatedAt, d.UpdatedBy, year, orgID)
		} else {
			_, err = q.Exec(ctx, `INSERT INTO star_debriefs (year, org_id, debrief, held_day, comment, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				year, orgID, d.Debrief, d.HeldDay, d.Comment, d.UpdatedAt, d.UpdatedBy)
		}
		if err != nil {
			return err
		}
		action := "create"
		if before != nil {
			action = "update"
		}
		out = d
		return store.Audit(ctx, q, a, action, "star_debrief", starKey(year, orgCode), before, starDebriefRecord{year, orgCode, d.Debrief, d.HeldDay, d.Comment})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Debrief returns the debrief of year of the branch orgCode
// (pingyi.ErrNotFound when none was saved).
func (s *Store) Debrief(ctx context.Context, year int, orgCode string) (*Debrief, error) {
	var orgID int64
	err := s.R().QueryRow(ctx, `SELECT id FROM orgs WHERE code = ?`, orgCode).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("org %q: %w", orgCode, pingyi.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	d, err := starDebriefQ(ctx, s.R(), year, orgID)
	if err != nil {
		return nil, err
	}
	d.OrgCode = orgCode
	return d, nil
}

func starDebriefQ(ctx context.Context, q store.Q, year int, orgID int64) (*Debrief, error) {
	d := &Debrief{Year: year}
	err := q.QueryRow(ctx, `SELECT debrief, held_day, comment, updated_at, updated_by FROM star_debriefs WHERE year = ? AND org_id = ?`, year, orgID).
		Scan(&d.Debrief, &d.HeldDay, &d.Comment, &d.UpdatedAt, &d.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("star debrief %d: %w", year, pingyi.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}
