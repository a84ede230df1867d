package voice

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// Event is one stored event of a ledger.
type Event struct {
	Seq     int
	EventNo string
	Kind    rules.OpinionEventKind
	At      time.Time
	OrgCode string
	Outcome rules.Outcome
	Rating  pingyi.Rating
	Note    string
	UserID  int64
}

// ledger is a stored opinion being replayed or extended.
type ledger struct {
	ID      int64
	Ref     string
	OrgID   int64
	Fold    rules.Opinion
	Seq     int  // the last stored event's seq
	New     bool // not yet stored
	Changed bool
	// receive fields, kept on the opinions row
	Content, Name, Phone, Email, TokenHash string
	PublicOK                               bool
}

// receiveEvent is the receive of a stored opinion, from its row.
type opinionRow struct {
	id         int64
	ref        string
	channel    string
	category   string
	urgency    string
	dayOnly    int
	receivedAt string
}

// loadLedgers replays the stored ledgers of the opinions matching where
// (over opinions op), keeping only events at or before until (zero: all).
// Orgs are named by code.
func loadLedgers(ctx context.Context, q store.Q, r rules.OpinionRules, where string, args []any, until time.Time) (map[int64]*ledger, error) {
	rows, err := q.Query(ctx, `SELECT op.id, op.ref, op.channel, op.category, op.urgency, op.day_only, op.received_at, op.org_id
		FROM opinions op WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	heads := map[int64]opinionRow{}
	out := map[int64]*ledger{}
	var ids []int64
	for rows.Next() {
		var h opinionRow
		var orgID int64
		if err := rows.Scan(&h.id, &h.ref, &h.channel, &h.category, &h.urgency, &h.dayOnly, &h.receivedAt, &orgID); err != nil {
			rows.Close()
			return nil, err
		}
		heads[h.id] = h
		out[h.id] = &ledger{ID: h.id, Ref: h.ref, OrgID: orgID}
		ids = append(ids, h.id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return out, nil
	}
	// The events of the same opinions, in one query.
	evs, err := q.Query(ctx, `SELECT e.opinion_id, e.seq, e.event, e.at, COALESCE(o.code, ''), e.outcome, e.rating
		FROM opinion_events e JOIN opinions op ON op.id = e.opinion_id LEFT JOIN orgs o ON o.id = e.org_id
		WHERE `+where+` ORDER BY e.opinion_id, e.seq`, args...)
	if err != nil {
		return nil, err
	}
	defer evs.Close()
	for evs.Next() {
		var id int64
		var seq int
		var kind, at, org, outcome, rating string
		if err := evs.Scan(&id, &seq, &kind, &at, &org, &outcome, &rating); err != nil {
			return nil, err
		}
		l := out[id]
		if l == nil { // an opinion filed between the two queries
			continue
		}
		l.Seq = seq
		t, err := parseDB(at)
		if err != nil {
			return nil, fmt.Errorf("opinion %s event %d: %w", l.Ref, seq, err)
		}
		if !until.IsZero() && t.After(until) {
			continue
		}
		e := rules.OpinionEvent{Kind: rules.OpinionEventKind(kind), At: t, Org: org,
			Outcome: rules.Outcome(outcome), Rating: pingyi.Rating(rating)}
		if e.Kind == rules.EvReceive {
			h := heads[id]
			e.Channel, e.Category, e.Urgency, e.DayOnly = rules.Channel(h.channel), rules.OpinionCategory(h.category), rules.Urgency(h.urgency), h.dayOnly != 0
		}
		if ce := r.Apply(&l.Fold, e); ce != nil {
			return nil, fmt.Errorf("opinion %s: stored event %d does not replay: %v", l.Ref, seq, ce)
		}
	}
	if err := evs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// foldCols are the opinions columns the fold is written to.
const foldCols = `org_id = ?, state = ?, accept_by = ?, reply_by = ?, first_reply_by = ?, first_reply_at = ?, accepted_at = ?,
	extended = ?, reopened = ?, outcome = ?, rating = ?, ratings = ?, failed_callbacks = ?, last_at = ?, events = ?`

func foldArgs(orgID int64, f *rules.Opinion) []any {
	return []any{orgID, string(f.State), fmtDB(f.AcceptBy), fmtDB(f.ReplyBy), fmtDB(f.FirstReplyBy), fmtDB(f.FirstReplyAt), fmtDB(f.AcceptedAt),
		store.BoolInt(f.Extended), store.BoolInt(f.Reopened), string(f.Outcome), string(f.Rating), f.Ratings, f.FailedCallbacks, fmtDB(f.Last), f.Events}
}

// opinionCols are the columns of a new opinion, in opinionArgs order.
var opinionCols = []string{"id", "ref", "token_hash", "channel", "category", "urgency", "content", "org_id", "received_on", "day_only",
	"contact_name", "contact_phone", "contact_email", "public_ok", "state", "received_at", "accept_by", "reply_by", "first_reply_by",
	"first_reply_at", "accepted_at", "extended", "reopened", "outcome", "rating", "ratings", "failed_callbacks", "last_at", "events"}

func opinionArgs(l *ledger, loc *time.Location) []any {
	f := &l.Fold
	return []any{l.ID, l.Ref, l.TokenHash, string(f.Channel), string(f.Category), string(f.Urgency), l.Content, l.OrgID,
		f.ReceivedAt.In(loc).Format("2006-01-02"), store.BoolInt(f.DayOnly), l.Name, l.Phone, l.Email, store.BoolInt(l.PublicOK),
		string(f.State), fmtDB(f.ReceivedAt), fmtDB(f.AcceptBy), fmtDB(f.ReplyBy), fmtDB(f.FirstReplyBy), fmtDB(f.FirstReplyAt),
		fmtDB(f.AcceptedAt), store.BoolInt(f.Extended), store.BoolInt(f.Reopened), string(f.Outcome), string(f.Rating), f.Ratings, f.FailedCallbacks,
		fmtDB(f.Last), f.Events}
}

// eventCols are the columns of an event, in eventArgs order.
var eventCols = []string{"opinion_id", "seq", "event_no", "event", "at", "org_id", "outcome", "rating", "note", "user_id"}

func eventArgs(opinionID int64, e Event, orgID int64) []any {
	var no, org any
	if e.EventNo != "" {
		no = e.EventNo
	}
	if orgID != 0 {
		org = orgID
	}
	return []any{opinionID, e.Seq, no, string(e.Kind), fmtDB(e.At), org, string(e.Outcome), string(e.Rating), e.Note, e.UserID}
}

// insertOpinion stores a new opinion with its fold.
func insertOpinion(ctx context.Context, q store.Q, l *ledger, loc *time.Location) error {
	return insertRows(ctx, q, "opinions", opinionCols, [][]any{opinionArgs(l, loc)})
}

// insertEvent appends one event to a ledger.
func insertEvent(ctx context.Context, q store.Q, opinionID int64, e Event, orgID int64) error {
	return insertRows(ctx, q, "opinion_events", eventCols, [][]any{eventArgs(opinionID, e, orgID)})
}

// insertRows inserts rows with multi-row INSERTs of at most 900 values
// each (both databases take such a statement).
func insertRows(ctx context.Context, q store.Q, table string, cols []string, rows [][]any) error {
	per := max(1, 900/len(cols))
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for len(rows) > 0 {
		n := min(per, len(rows))
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, n*len(cols))
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			args = append(args, rows[i]...)
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// updateFold rewrites a stored opinion's fold.
func updateFold(ctx context.Context, q store.Q, l *ledger) error {
	_, err := q.Exec(ctx, `UPDATE opinions SET `+foldCols+` WHERE id = ?`, append(foldArgs(l.OrgID, &l.Fold), l.ID)...)
	return err
}
