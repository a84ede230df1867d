package voice

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// Detail is one opinion with its ledger, for those handling it.
type Detail struct {
	Ref, Content      string
	OrgCode, OrgName  string
	OrgPath           string
	Name, Phone       string // personal data: pages show them only to those handling it
	Email             string
	PublicOK, DayOnly bool
	ReceivedOn        string
	Fold              rules.Opinion
	Events            []Event
}

// Anonymous reports whether the person gave no contact.
func (d *Detail) Anonymous() bool { return d.Name == "" && d.Phone == "" && d.Email == "" }

const detailCols = `op.ref, op.content, o.code, o.name, o.path, op.contact_name, op.contact_phone, op.contact_email, op.public_ok, op.day_only,
	op.received_on, op.channel, op.category, op.urgency, op.state, op.received_at, op.accept_by, op.reply_by, op.first_reply_by,
	op.first_reply_at, op.accepted_at, op.extended, op.reopened, op.outcome, op.rating, op.ratings, op.failed_callbacks, op.last_at, op.events`

func scanDetail(sc interface{ Scan(...any) error }, d *Detail, extra ...any) error {
	var pub, dayOnly, ext, reo int
	var ch, cat, urg, state, recv, acc, rep, frb, fra, acd, outcome, rating, last string
	dst := append([]any{&d.Ref, &d.Content, &d.OrgCode, &d.OrgName, &d.OrgPath, &d.Name, &d.Phone, &d.Email, &pub, &dayOnly,
		&d.ReceivedOn, &ch, &cat, &urg, &state, &recv, &acc, &rep, &frb, &fra, &acd, &ext, &reo, &outcome, &rating,
		&d.Fold.Ratings, &d.Fold.FailedCallbacks, &last, &d.Fold.Events}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return err
	}
	d.PublicOK, d.DayOnly = pub != 0, dayOnly != 0
	f := &d.Fold
	f.Channel, f.Category, f.Urgency, f.State = rules.Channel(ch), rules.OpinionCategory(cat), rules.Urgency(urg), rules.OpinionState(state)
	f.DayOnly, f.Extended, f.Reopened, f.Org = d.DayOnly, ext != 0, reo != 0, d.OrgCode
	f.Outcome, f.Rating = rules.Outcome(outcome), pingyi.Rating(rating)
	for _, p := range []struct {
		s string
		t *time.Time
	}{{recv, &f.ReceivedAt}, {acc, &f.AcceptBy}, {rep, &f.ReplyBy}, {frb, &f.FirstReplyBy}, {fra, &f.FirstReplyAt}, {acd, &f.AcceptedAt}, {last, &f.Last}} {
		t, err := parseDB(p.s)
		if err != nil {
			return err
		}
		*p.t = t
	}
	return nil
}

// Opinion returns the opinion ref with its ledger.
func (v *Voice) Opinion(ctx context.Context, ref string) (*Detail, error) {
	var d Detail
	err := scanDetail(v.S.R().QueryRow(ctx, `SELECT `+detailCols+` FROM opinions op JOIN orgs o ON o.id = op.org_id WHERE op.ref = ?`, ref), &d)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := v.S.R().Query(ctx, `SELECT e.seq, COALESCE(e.event_no, ''), e.event, e.at, COALESCE(o.code, ''), e.outcome, e.rating, e.note, e.user_id
		FROM opinion_events e JOIN opinions op ON op.id = e.opinion_id LEFT JOIN orgs o ON o.id = e.org_id
		WHERE op.ref = ? ORDER BY e.seq`, ref)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		var kind, at, outcome, rating string
		if err := rows.Scan(&e.Seq, &e.EventNo, &kind, &at, &e.OrgCode, &outcome, &rating, &e.Note, &e.UserID); err != nil {
			return nil, err
		}
		e.Kind, e.Outcome, e.Rating = rules.OpinionEventKind(kind), rules.Outcome(outcome), pingyi.Rating(rating)
		if e.At, err = parseDB(at); err != nil {
			return nil, err
		}
		d.Events = append(d.Events, e)
	}
	return &d, rows.Err()
}

// LastReply is the text and outcome of the latest reply ("" when none).
func (d *Detail) LastReply() (Event, bool) {
	for i := len(d.Events) - 1; i >= 0; i-- {
		if d.Events[i].Kind == rules.EvReply {
			return d.Events[i], true
		}
	}
	return Event{}, false
}

// InboxItem is a line of an inbox list.
type InboxItem struct {
	Detail
	Deadline time.Time
	Overdue  bool
	DueSoon  bool // the reminder: the deadline ends by the end of the next working day
}

// InboxFilter selects an inbox list.
type InboxFilter struct {
	OpenOnly bool // only those the org still owes an acceptance or a reply
	Limit    int  // at most this many (0: 200)
}

// Inbox lists the opinions routed to orgs of the subtree at path (the org
// and every org below: superiors see their subordinates' opinions), the
// open ones first by deadline, each with its deadline and whether it is
// overdue at now.
func (v *Voice) Inbox(ctx context.Context, path string, f InboxFilter, now time.Time) ([]InboxItem, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	q := `SELECT ` + detailCols + ` FROM opinions op JOIN orgs o ON o.id = op.org_id WHERE o.path LIKE ? ESCAPE '\'`
	if f.OpenOnly {
		q += ` AND op.state IN ('filed', 'routed', 'accepted')`
	}
	q += ` ORDER BY CASE WHEN op.state IN ('filed', 'routed', 'accepted') THEN 0 ELSE 1 END, op.reply_by, op.ref LIMIT ?`
	cal, err := v.S.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	r := v.rules(cal)
	rows, err := v.S.R().Query(ctx, q, likePrefix(path), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InboxItem
	for rows.Next() {
		var it InboxItem
		if err := scanDetail(rows, &it.Detail); err != nil {
			return nil, err
		}
		it.Deadline, it.Overdue, it.DueSoon = it.Fold.Deadline(), it.Fold.Overdue(now), r.DueSoon(&it.Fold, now)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		oi, oj := out[i].Fold.Open(), out[j].Fold.Open()
		if oi != oj {
			return oi
		}
		if oi && !out[i].Deadline.Equal(out[j].Deadline) {
			return out[i].Deadline.Before(out[j].Deadline)
		}
		return false
	})
	return out, nil
}

// BoardItem is an answered opinion on the public board: no personal data.
type BoardItem struct {
	Ref, Content, OrgName, ReceivedOn string
	Category                          rules.OpinionCategory
	Outcome                           rules.Outcome
	Reply                             string
}

// Board lists the latest answered opinions whose person agreed to the
// public board (public_ok), newest first, with their latest reply.
func (v *Voice) Board(ctx context.Context, limit int) ([]BoardItem, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := v.S.R().Query(ctx, `SELECT op.ref, op.content, o.name, op.received_on, op.category, op.outcome,
		COALESCE((SELECT e.note FROM opinion_events e WHERE e.opinion_id = op.id AND e.event = 'reply' ORDER BY e.seq DESC LIMIT 1), '')
		FROM opinions op JOIN orgs o ON o.id = op.org_id
		WHERE op.public_ok = 1 AND op.first_reply_at <> '' AND op.state IN ('answered', 'seen', 'rated', 'closed')
		ORDER BY op.last_at DESC, op.ref LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BoardItem
	for rows.Next() {
		var b BoardItem
		var cat, outcome string
		if err := rows.Scan(&b.Ref, &b.Content, &b.OrgName, &b.ReceivedOn, &cat, &outcome, &b.Reply); err != nil {
			return nil, err
		}
		b.Category, b.Outcome = rules.OpinionCategory(cat), rules.Outcome(outcome)
		out = append(out, b)
	}
	return out, rows.Err()
}
