package voice

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// NewOpinion is an opinion entered on the public form or by staff (on
// behalf of someone: a visit, a seminar, the suggestion box, the hotline).
type NewOpinion struct {
	Channel  string
	Category string
	Urgency  string
	Content  string
	OrgCode  string
	// Contact (optional: without any, the opinion is anonymous). Personal
	// data, shown only to those handling the opinion.
	Name, Phone, Email string
	PublicOK           bool // the person agrees to the public board (no personal data)
}

// Anonymous reports whether the opinion gives no contact.
func (n NewOpinion) Anonymous() bool {
	return strings.TrimSpace(n.Name) == "" && strings.TrimSpace(n.Phone) == "" && strings.TrimSpace(n.Email) == ""
}

// Receipt is what the person gets: the reference and the private token of
// the tracking link (shown once; only its hash is stored).
type Receipt struct {
	Ref, Token string
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func randomText(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return b32.EncodeToString(b)
}

// HashToken is how a tracking token is stored.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// MaxNameLen, MaxPhoneLen and MaxEmailLen bound the contact fields.
const (
	MaxNameLen  = 50
	MaxPhoneLen = 20
	MaxEmailLen = 254
)

// Receive files a new opinion at now. An anonymous one keeps no contact
// and no time finer than the day: its receipt is recorded at the start of
// the day (day_only), its id and reference are random, and no audit entry
// (whose time stamp would say more) is written for it: the ledger is its
// record. Bad fields are refused as a *pingyi.InputError naming each
// field (line 0).
func (v *Voice) Receive(ctx context.Context, n NewOpinion, now time.Time, a store.Actor) (Receipt, error) {
	ie := &pingyi.InputError{}
	ch, ok := rules.ParseChannel(n.Channel)
	if !ok {
		ie.Add(0, "channel", "unknown channel %q (visit, seminar, reception, email, box, web, hotline)", n.Channel)
	}
	cat, ok := rules.ParseOpinionCategory(n.Category)
	if !ok {
		ie.Add(0, "category", "unknown category %q (consultation, help, suggestion, complaint, praise)", n.Category)
	}
	urg, ok := rules.ParseUrgency(n.Urgency)
	if !ok {
		ie.Add(0, "urgency", "unknown urgency %q (normal, urgent)", n.Urgency)
	}
	content := strings.TrimSpace(n.Content)
	field := func(col, s string, max int, required bool) string {
		s = strings.TrimSpace(s)
		switch {
		case s == "" && required:
			ie.Add(0, col, "required")
		case !utf8.ValidString(s):
			ie.Add(0, col, "not valid UTF-8 text")
		case utf8.RuneCountInString(s) > max:
			ie.Add(0, col, "too long: %d characters, at most %d", utf8.RuneCountInString(s), max)
		}
		return s
	}
	content = field("content", content, MaxContentLen, true)
	name := field("name", n.Name, MaxNameLen, false)
	phone := field("phone", n.Phone, MaxPhoneLen, false)
	email := field("email", n.Email, MaxEmailLen, false)
	if phone != "" && !validPhone(phone) {
		ie.Add(0, "phone", "not a valid phone number: %q", phone)
	}
	if email != "" && !validEmail(email) {
		ie.Add(0, "email", "not a valid email address: %q", email)
	}
	var orgID int64
	if code := strings.TrimSpace(n.OrgCode); code == "" {
		ie.Add(0, "org_code", "required")
	} else if err := v.S.R().QueryRow(ctx, `SELECT id FROM orgs WHERE code = ?`, code).Scan(&orgID); errors.Is(err, sql.ErrNoRows) {
		ie.Add(0, "org_code", "org %q does not exist", code)
	} else if err != nil {
		return Receipt{}, err
	}
	if err := ie.Err(); err != nil {
		return Receipt{}, err
	}
	anon := n.Anonymous()
	at := now.Truncate(time.Second)
	if anon {
		at = midnightIn(now, v.Loc)
	}
	cal, err := v.S.Calendar(ctx)
	if err != nil {
		return Receipt{}, err
	}
	r := v.rules(cal)
	rc := Receipt{Token: randomText(20)}
	l := &ledger{ID: store.RandomID(), OrgID: orgID, New: true, Content: content, Name: name, Phone: phone, Email: email,
		PublicOK: n.PublicOK, TokenHash: HashToken(rc.Token)}
	if ce := r.Apply(&l.Fold, rules.OpinionEvent{Kind: rules.EvReceive, At: at, Org: n.OrgCode, Channel: ch, Category: cat, Urgency: urg, DayOnly: anon}); ce != nil {
		addCellError(ie, 0, ce)
		return Receipt{}, ie
	}
	// The reference is random (40 bits): a clash with a stored one is
	// refused by its unique key, and the filing starts again with another.
	audit := map[string]any{"channel": ch, "category": cat, "urgency": urg, "org": n.OrgCode}
	if f, ok := v.handOver(l, at, orgID, anon, a, audit); ok {
		if err := <-f.done; err != nil {
			return Receipt{}, err
		}
		rc.Ref = l.Ref
		return rc, nil
	}
	for attempt := 0; ; attempt++ {
		l.Ref = "YJ" + randomText(5)
		err = v.receiveTx(ctx, l, at, orgID, anon, a, audit)
		if err != nil && attempt < 5 && store.IsUniqueViolation(err) {
			l.ID = store.RandomID()
			continue
		}
		break
	}
	if err != nil {
		return Receipt{}, err
	}
	rc.Ref = l.Ref
	return rc, nil
}

func (v *Voice) receiveTx(ctx context.Context, l *ledger, at time.Time, orgID int64, anon bool, a store.Actor, audit map[string]any) error {
	return v.S.Tx(ctx, func(q store.Q) error {
		if err := insertOpinion(ctx, q, l, v.Loc); err != nil {
			return err
		}
		if err := insertEvent(ctx, q, l.ID, Event{Seq: 1, Kind: rules.EvReceive, At: at, UserID: a.UserID}, orgID); err != nil {
			return err
		}
		if anon {
			return nil
		}
		return store.Audit(ctx, q, a, "receive", "opinion", l.Ref, nil, audit)
	})
}

func midnightIn(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func validPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == ' ' || r == '+':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-3 && strings.Contains(s[at+1:], ".") && !strings.ContainsAny(s, " \t\r\n<>,;")
}

// Change is one event recorded by staff (or by the person on the tracking
// page) on a stored opinion.
type Change struct {
	Kind    rules.OpinionEventKind
	OrgCode string        // route
	Outcome rules.Outcome // reply
	Rating  pingyi.Rating // rate
	Note    string        // reply text, reasons
	// ByPerson: made by the person on the tracking page (seen, rate): for
	// an anonymous opinion the time is kept to the day and not audited.
	ByPerson bool
}

// ErrNotFound is returned for an unknown opinion.
var ErrNotFound = pingyi.ErrNotFound

// Record appends one event to the opinion ref at now, checked against the
// ledger's rules, rewrites its fold and audits the change. A refused event
// is a *pingyi.InputError naming the field at fault.
func (v *Voice) Record(ctx context.Context, ref string, c Change, now time.Time, a store.Actor) (*rules.Opinion, error) {
	// Two events recorded at once on one opinion take the same next seq:
	// the ledger's key refuses the second, which then starts again from
	// the ledger as the first left it.
	for attempt := 0; ; attempt++ {
		o, err := v.record(ctx, ref, c, now, a)
		if err != nil && attempt < 3 && store.IsUniqueViolation(err) {
			continue
		}
		return o, err
	}
}

func (v *Voice) record(ctx context.Context, ref string, c Change, now time.Time, a store.Actor) (*rules.Opinion, error) {
	cal, err := v.S.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	r := v.rules(cal)
	var out rules.Opinion
	err = v.S.Tx(ctx, func(q store.Q) error {
		ls, err := loadLedgers(ctx, q, r, `op.ref = ?`, []any{ref}, time.Time{})
		if err != nil {
			return err
		}
		var l *ledger
		for _, x := range ls {
			l = x
		}
		if l == nil {
			return ErrNotFound
		}
		ie := &pingyi.InputError{}
		at := now.Truncate(time.Second)
		if c.ByPerson && l.Fold.DayOnly {
			at = midnightIn(now, v.Loc)
			if at.Before(l.Fold.Last) {
				at = l.Fold.Last
			}
		}
		e := rules.OpinionEvent{Kind: c.Kind, At: at, Outcome: c.Outcome, Rating: c.Rating}
		var orgID int64
		if c.Kind == rules.EvRoute {
			code := strings.TrimSpace(c.OrgCode)
			err := q.QueryRow(ctx, `SELECT id FROM orgs WHERE code = ?`, code).Scan(&orgID)
			if errors.Is(err, sql.ErrNoRows) || code == "" {
				ie.Add(0, "org_code", "org %q does not exist", code)
				return ie
			}
			if err != nil {
				return err
			}
			e.Org = code
		}
		if c.Kind == rules.EvReceive {
			ie.Add(0, "event", "%s is out of order: the opinion is %s", string(c.Kind), string(l.Fold.State))
			return ie
		}
		note := strings.TrimSpace(c.Note)
		if utf8.RuneCountInString(note) > MaxContentLen {
			ie.Add(0, "note", "too long: %d characters, at most %d", utf8.RuneCountInString(note), MaxContentLen)
			return ie
		}
		before := l.Fold
		fold := l.Fold
		var evs []Event
		if c.Kind == rules.EvRate && fold.State == rules.StateAnswered {
			if ce := r.Apply(&fold, rules.OpinionEvent{Kind: rules.EvSeen, At: at}); ce != nil {
				addCellError(ie, 0, ce)
				return ie
			}
			evs = append(evs, Event{Kind: rules.EvSeen, At: at})
		}
		if ce := r.Apply(&fold, e); ce != nil {
			addCellError(ie, 0, ce)
			return ie
		}
		user := a.UserID
		if c.ByPerson {
			user = 0
		}
		evs = append(evs, Event{Kind: c.Kind, At: at, Outcome: c.Outcome, Rating: c.Rating, Note: note})
		for _, ev := range evs {
			l.Seq++
			ev.Seq, ev.UserID = l.Seq, user
			org := int64(0)
			if ev.Kind == rules.EvRoute {
				org = orgID
			}
			if err := insertEvent(ctx, q, l.ID, ev, org); err != nil {
				return err
			}
		}
		l.Fold = fold
		if orgID != 0 {
			l.OrgID = orgID
		}
		if err := updateFold(ctx, q, l); err != nil {
			return err
		}
		out = fold
		if c.ByPerson && l.Fold.DayOnly {
			return nil
		}
		return store.Audit(ctx, q, a, string(c.Kind), "opinion", l.Ref, auditView(&before), auditView(&fold))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// auditView is what the audit log keeps of a fold.
func auditView(o *rules.Opinion) map[string]any {
	return map[string]any{"state": o.State, "org": o.Org, "reply_by": fmtDB(o.ReplyBy), "outcome": o.Outcome, "rating": o.Rating}
}

// RefByToken finds the opinion of a tracking token.
func (v *Voice) RefByToken(ctx context.Context, token string) (string, error) {
	var ref string
	err := v.S.R().QueryRow(ctx, `SELECT ref FROM opinions WHERE token_hash = ? AND token_hash <> ''`, HashToken(token)).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return ref, err
}
