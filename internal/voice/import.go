package voice

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// ImportColumns is the header of an opinions ledger file (SPEC §6 opinions
// import), every column required.
var ImportColumns = []string{"event_no", "ref", "event", "at", "org_code", "channel", "urgency", "category", "outcome", "rating", "content"}

// Limits on imported text.
const (
	MaxRefLen     = 64
	MaxEventNoLen = 64
	MaxContentLen = 5000
)

// ImportRow is one line of a ledger file.
type ImportRow struct {
	Line                                                                  int
	EventNo, Ref, Event, At, OrgCode, Channel, Urgency, Category, Outcome string
	Rating, Content                                                       string
}

// ImportRows turns a ledger table into rows for Import.
func ImportRows(t *tabular.Table) []ImportRow {
	out := make([]ImportRow, 0, len(t.Rows))
	for _, r := range t.Rows {
		out = append(out, ImportRow{Line: r.Line, EventNo: r.Get("event_no"), Ref: r.Get("ref"), Event: r.Get("event"), At: r.Get("at"),
			OrgCode: r.Get("org_code"), Channel: r.Get("channel"), Urgency: r.Get("urgency"), Category: r.Get("category"),
			Outcome: r.Get("outcome"), Rating: r.Get("rating"), Content: r.Get("content")})
	}
	return out
}

// ImportStats counts what an import stored.
type ImportStats struct {
	Opinions, Events int // opinions received, events appended (recorded seen events included)
}

func (s ImportStats) String() string {
	return fmt.Sprintf("%d opinions received, %d events recorded", s.Opinions, s.Events)
}

// ParseTime parses a local time of the opinions commands (YYYY-MM-DD HH:MM).
func (v *Voice) ParseTime(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(TimeLayout, strings.TrimSpace(s), v.Loc)
	if err != nil || t.Format(TimeLayout) != strings.TrimSpace(s) {
		return time.Time{}, false
	}
	return t, true
}

// parsed is a checked row waiting for the ledger rules.
type parsed struct {
	row   ImportRow
	event rules.OpinionEvent
	orgID int64
}

// Import appends a ledger from another system (SPEC §6 opinions import):
// events apply in file order after those stored. All or nothing: any bad
// cell, an event_no already imported or repeated, an event out of the
// order of SPEC §5, dated before the opinion's last event, or a second
// extend refuses the file, naming each line and column. A rate of a reply
// not yet seen records seen first. The import is audited as one change;
// the events are the ledger.
func (v *Voice) Import(ctx context.Context, rows []ImportRow, a store.Actor) (ImportStats, error) {
	ie := &pingyi.InputError{}
	orgs, err := v.orgIDs(ctx)
	if err != nil {
		return ImportStats{}, err
	}
	var ps []parsed
	firstNo := map[string]int{}
	for _, r := range rows {
		p, ok := v.parseRow(ie, r, orgs)
		if no := strings.TrimSpace(r.EventNo); no != "" {
			if l, dup := firstNo[no]; dup {
				ie.Add(r.Line, "event_no", "duplicate event number %q (first on line %d)", no, l)
				ok = false
			} else {
				firstNo[no] = r.Line
			}
		}
		if ok {
			ps = append(ps, p)
		}
	}
	// Event numbers already in the ledger.
	nos := make([]string, 0, len(firstNo))
	for no := range firstNo {
		nos = append(nos, no)
	}
	stored, err := v.storedEventNos(ctx, nos)
	if err != nil {
		return ImportStats{}, err
	}
	// The stored ledgers of the references in the file.
	refs := map[string]bool{}
	for _, p := range ps {
		refs[p.row.Ref] = true
	}
	cal, err := v.S.Calendar(ctx)
	if err != nil {
		return ImportStats{}, err
	}
	r := v.rules(cal)
	ledgers, err := v.ledgersByRef(ctx, r, refs)
	if err != nil {
		return ImportStats{}, err
	}
	type pending struct {
		l     *ledger
		event Event
		orgID int64
	}
	var appends []pending
	var st ImportStats
	for _, p := range ps {
		if stored[p.row.EventNo] {
			ie.Add(p.row.Line, "event_no", "event %q was already imported", p.row.EventNo)
			continue
		}
		l := ledgers[p.row.Ref]
		if l == nil {
			if p.event.Kind != rules.EvReceive {
				ie.Add(p.row.Line, "ref", "no opinion %q: its receive comes first", p.row.Ref)
				continue
			}
			l = &ledger{ID: store.RandomID(), Ref: p.row.Ref, New: true, OrgID: p.orgID, Content: p.row.Content}
		}
		fold := l.Fold
		var extra []Event
		if p.event.Kind == rules.EvRate && fold.State == rules.StateAnswered {
			seen := rules.OpinionEvent{Kind: rules.EvSeen, At: p.event.At}
			if ce := r.Apply(&fold, seen); ce != nil {
				addCellError(ie, p.row.Line, ce)
				continue
			}
			extra = append(extra, Event{Kind: rules.EvSeen, At: p.event.At})
		}
		if ce := r.Apply(&fold, p.event); ce != nil {
			addCellError(ie, p.row.Line, ce)
			continue
		}
		if ledgers[p.row.Ref] == nil {
			ledgers[p.row.Ref] = l
			st.Opinions++
		}
		l.Fold, l.Changed = fold, true
		if p.orgID != 0 {
			l.OrgID = p.orgID
		}
		for _, e := range extra {
			l.Seq++
			e.Seq = l.Seq
			appends = append(appends, pending{l, e, 0})
		}
		l.Seq++
		note := ""
		if p.event.Kind != rules.EvReceive {
			note = p.row.Content
		}
		appends = append(appends, pending{l, Event{Seq: l.Seq, EventNo: p.row.EventNo, Kind: p.event.Kind, At: p.event.At,
			Outcome: p.event.Outcome, Rating: p.event.Rating, Note: note}, p.orgID})
	}
	if err := ie.Err(); err != nil {
		return ImportStats{}, err
	}
	st.Events = len(appends)
	err = v.S.Tx(ctx, func(q store.Q) error {
		var ops [][]any
		for _, l := range ledgers {
			if l.New {
				ops = append(ops, opinionArgs(l, v.Loc))
			}
		}
		if err := insertRows(ctx, q, "opinions", opinionCols, ops); err != nil {
			return err
		}
		evs := make([][]any, 0, len(appends))
		for _, p := range appends {
			evs = append(evs, eventArgs(p.l.ID, p.event, p.orgID))
		}
		if err := insertRows(ctx, q, "opinion_events", eventCols, evs); err != nil {
			if store.IsUniqueViolation(err) {
				ie.Add(0, "event_no", "an event number of this file was imported at the same time")
				return ie
			}
			return err
		}
		for _, l := range ledgers {
			if l.Changed && !l.New {
				if err := updateFold(ctx, q, l); err != nil {
					return err
				}
			}
		}
		return store.Audit(ctx, q, a, "import", "opinions", "", nil, st)
	})
	if err != nil {
		return ImportStats{}, err
	}
	return st, nil
}

// parseRow checks a row's cells for its event.
func (v *Voice) parseRow(ie *pingyi.InputError, r ImportRow, orgs map[string]int64) (parsed, bool) {
	n := len(ie.Errors)
	p := parsed{row: r}
	p.row.EventNo, p.row.Ref = strings.TrimSpace(r.EventNo), strings.TrimSpace(r.Ref)
	text := func(col, s string, max int, required bool) {
		switch {
		case s == "" && required:
			ie.Add(r.Line, col, "required")
		case !utf8.ValidString(s):
			ie.Add(r.Line, col, "not valid UTF-8 text")
		case utf8.RuneCountInString(s) > max:
			ie.Add(r.Line, col, "too long: %d characters, at most %d", utf8.RuneCountInString(s), max)
		}
	}
	text("event_no", p.row.EventNo, MaxEventNoLen, true)
	text("ref", p.row.Ref, MaxRefLen, true)
	kind, ok := rules.ParseOpinionEvent(r.Event)
	switch {
	case strings.TrimSpace(r.Event) == "":
		ie.Add(r.Line, "event", "required")
	case !ok:
		ie.Add(r.Line, "event", "unknown event %q (receive, route, accept, extend, reply, seen, callback_failed, rate, close)", strings.TrimSpace(r.Event))
	}
	p.event.Kind = kind
	if strings.TrimSpace(r.At) == "" {
		ie.Add(r.Line, "at", "required")
	} else if t, ok := v.ParseTime(r.At); !ok {
		ie.Add(r.Line, "at", "not a time (YYYY-MM-DD HH:MM): %q", strings.TrimSpace(r.At))
	} else {
		p.event.At = t
	}
	// Which cells an event takes (SPEC §6); the others must be empty.
	uses := map[string]bool{}
	switch kind {
	case rules.EvReceive:
		uses = map[string]bool{"org_code": true, "channel": true, "urgency": true, "category": true}
	case rules.EvRoute:
		uses = map[string]bool{"org_code": true}
	case rules.EvReply:
		uses = map[string]bool{"outcome": true}
	case rules.EvRate:
		uses = map[string]bool{"rating": true}
	}
	cells := []struct{ col, val string }{{"org_code", r.OrgCode}, {"channel", r.Channel}, {"urgency", r.Urgency},
		{"category", r.Category}, {"outcome", r.Outcome}, {"rating", r.Rating}}
	for _, c := range cells {
		if ok && !uses[c.col] && strings.TrimSpace(c.val) != "" {
			ie.Add(r.Line, c.col, "must be empty for a %s event", string(kind))
		}
	}
	if uses["org_code"] {
		code := strings.TrimSpace(r.OrgCode)
		if code == "" {
			ie.Add(r.Line, "org_code", "required")
		} else if id, found := orgs[code]; !found {
			ie.Add(r.Line, "org_code", "org %q does not exist", code)
		} else {
			p.orgID, p.event.Org = id, code
		}
	}
	if kind == rules.EvReceive {
		if c, ok := rules.ParseChannel(r.Channel); strings.TrimSpace(r.Channel) == "" {
			ie.Add(r.Line, "channel", "required")
		} else if !ok {
			ie.Add(r.Line, "channel", "unknown channel %q (visit, seminar, reception, email, box, web, hotline)", strings.TrimSpace(r.Channel))
		} else {
			p.event.Channel = c
		}
		if c, ok := rules.ParseOpinionCategory(r.Category); strings.TrimSpace(r.Category) == "" {
			ie.Add(r.Line, "category", "required")
		} else if !ok {
			ie.Add(r.Line, "category", "unknown category %q (consultation, help, suggestion, complaint, praise)", strings.TrimSpace(r.Category))
		} else {
			p.event.Category = c
		}
		if u, ok := rules.ParseUrgency(r.Urgency); !ok {
			ie.Add(r.Line, "urgency", "unknown urgency %q (normal, urgent)", strings.TrimSpace(r.Urgency))
		} else {
			p.event.Urgency = u
		}
	}
	content := strings.TrimSpace(r.Content)
	text("content", content, MaxContentLen, kind == rules.EvReceive)
	p.row.Content = content
	if kind == rules.EvReply {
		if o, ok := rules.ParseOutcome(r.Outcome); strings.TrimSpace(r.Outcome) == "" {
			ie.Add(r.Line, "outcome", "required")
		} else if !ok {
			ie.Add(r.Line, "outcome", "unknown outcome %q (resolved, partly, unresolved)", strings.TrimSpace(r.Outcome))
		} else {
			p.event.Outcome = o
		}
	}
	if kind == rules.EvRate {
		if rt, ok := rules.ParseOpinionRating(r.Rating); strings.TrimSpace(r.Rating) == "" {
			ie.Add(r.Line, "rating", "required")
		} else if !ok {
			ie.Add(r.Line, "rating", "%q is not on the 3-level scale (satisfied, basically_satisfied, dissatisfied; 满意, 基本满意, 不满意)", strings.TrimSpace(r.Rating))
		} else {
			p.event.Rating = rt
		}
	}
	return p, len(ie.Errors) == n
}

// orgIDs maps every org code to its id.
func (v *Voice) orgIDs(ctx context.Context) (map[string]int64, error) {
	rows, err := v.S.R().Query(ctx, `SELECT code, id FROM orgs`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return nil, err
		}
		out[code] = id
	}
	return out, rows.Err()
}

func (v *Voice) storedEventNos(ctx context.Context, nos []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(nos) > 0 {
		chunk := nos[:min(len(nos), 500)]
		nos = nos[len(chunk):]
		args := make([]any, len(chunk))
		for i, n := range chunk {
			args[i] = n
		}
		rows, err := v.S.R().Query(ctx, `SELECT event_no FROM opinion_events WHERE event_no IN (`+strings.Repeat("?, ", len(chunk)-1)+`?)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return nil, err
			}
			out[n] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ledgersByRef replays the stored ledgers of refs, by ref.
func (v *Voice) ledgersByRef(ctx context.Context, r rules.OpinionRules, refs map[string]bool) (map[string]*ledger, error) {
	all := make([]string, 0, len(refs))
	for ref := range refs {
		all = append(all, ref)
	}
	out := map[string]*ledger{}
	for len(all) > 0 {
		chunk := all[:min(len(all), 500)]
		all = all[len(chunk):]
		args := make([]any, len(chunk))
		for i, ref := range chunk {
			args[i] = ref
		}
		ls, err := loadLedgers(ctx, v.S.R(), r, `op.ref IN (`+strings.Repeat("?, ", len(chunk)-1)+`?)`, args, time.Time{})
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			out[l.Ref] = l
		}
	}
	return out, nil
}
