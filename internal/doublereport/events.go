package doublereport

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// EventColumns are the events file's columns (SPEC §6), all required in
// the header (cells may be empty where the event does not use them).
var EventColumns = []string{"event_no", "need_code", "event", "on", "member_code", "org_code", "hours", "rating"}

var eventCols = []string{"id", "event_no", "need_id", "community_id", "seq", "event", "on_date", "member_id", "org_id", "hours", "rating", "note", "created_at"}

// Event is one step of a need's ledger.
type Event struct {
	ID       int64
	EventNo  string
	NeedID   int64
	Comm     int64 // the need's community
	Seq      int
	Event    rules.NeedEvent
	On       string
	MemberID int64 // the claimer it belongs to
	OrgID    int64
	Hours    int64 // hundredths
	Rating   pingyi.Rating
	Note     string
}

func (e Event) row(now string) []any {
	return []any{e.ID, e.EventNo, e.NeedID, e.Comm, e.Seq, string(e.Event), e.On, e.MemberID, e.OrgID, e.Hours, string(e.Rating), e.Note, now}
}

func ledgerOf(n *Need) rules.LedgerState {
	return rules.LedgerState{State: n.State, PublishedOn: n.PublishedOn, LastOn: n.LastOn,
		Claimer: rules.Claimer{MemberID: n.ClaimerMember, OrgID: n.ClaimerOrg}}
}

func (n *Need) take(ls rules.LedgerState) {
	n.State, n.LastOn = ls.State, ls.LastOn
	n.ClaimerMember, n.ClaimerOrg = ls.Claimer.MemberID, ls.Claimer.OrgID
	n.Events++
}

func updateNeed(ctx context.Context, q store.Q, n *Need, prevEvents int, now string) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE dr_needs SET state = ?, claimer_member_id = ?, claimer_org_id = ?, last_on = ?, events = ?, updated_at = ?
		WHERE id = ? AND events = ?`, string(n.State), n.ClaimerMember, n.ClaimerOrg, n.LastOn, n.Events, now, n.ID, prevEvents)
	if err != nil {
		return false, err
	}
	k, err := res.RowsAffected()
	return k == 1, err
}

// updateNeeds writes the new ledger state of needs in statements of up
// to 200 needs, each only if its ledger is as long as it was when read
// (prev): otherwise the import is refused as a whole.
func updateNeeds(ctx context.Context, q store.Q, needs []*Need, prev map[int64]int, now string) error {
	if q.Dialect() == store.SQLite {
		// SQLite plans UPDATE … FROM (VALUES …) with the table outside:
		// one statement per need is faster there.
		for _, n := range needs {
			if ok, err := updateNeed(ctx, q, n, prev[n.ID], now); err != nil {
				return err
			} else if !ok {
				return fmt.Errorf("%w: need %q changed during the import; run it again", pingyi.ErrConflict, n.Code)
			}
		}
		return nil
	}
	const per = 200
	for len(needs) > 0 {
		k := min(per, len(needs))
		var b strings.Builder
		b.WriteString(`UPDATE dr_needs SET state = v.column2, claimer_member_id = v.column3, claimer_org_id = v.column4, last_on = v.column5,
			events = v.column6, updated_at = ? FROM (VALUES `)
		args := make([]any, 0, 1+k*7)
		args = append(args, now)
		for i, n := range needs[:k] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`(CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS INTEGER))`)
			args = append(args, n.ID, string(n.State), n.ClaimerMember, n.ClaimerOrg, n.LastOn, n.Events, prev[n.ID])
		}
		b.WriteString(`) AS v WHERE dr_needs.id = v.column1 AND dr_needs.events = v.column7`)
		res, err := q.Exec(ctx, b.String(), args...)
		if err != nil {
			return err
		}
		if got, err := res.RowsAffected(); err != nil {
			return err
		} else if got != int64(k) {
			return fmt.Errorf("%w: needs changed during the import; run it again", pingyi.ErrConflict)
		}
		needs = needs[k:]
	}
	return nil
}

// existingEventNos returns which of nos are already in the ledger.
func existingEventNos(ctx context.Context, q store.Q, nos []string) (map[string]bool, error) {
	out := make(map[string]bool)
	err := chunks(uniq(nos), 500, func(cs []string) error {
		rows, err := q.Query(ctx, `SELECT event_no FROM dr_events WHERE event_no IN (`+marks(len(cs))+`)`, anys(cs)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			out[s] = true
		}
		return rows.Err()
	})
	return out, err
}

// ImportEvents appends events to the ledger, all or nothing: they apply in
// file order after those stored, each checked against §4.
func (d *DR) ImportEvents(ctx context.Context, file string, rows []tabular.Row, a store.Actor) (int, error) {
	n := 0
	defer d.changed()
	err := d.S.Tx(ctx, func(q store.Q) error {
		var nos, needCodes, memberCodes, orgCodes []string
		for _, r := range rows {
			nos = append(nos, tabular.Trim(r.Get("event_no")))
			needCodes = append(needCodes, tabular.Trim(r.Get("need_code")))
			memberCodes = append(memberCodes, tabular.Trim(r.Get("member_code")))
			orgCodes = append(orgCodes, tabular.Trim(r.Get("org_code")))
		}
		needs, err := loadNeeds(ctx, q, needCodes)
		if err != nil {
			return err
		}
		members, err := membersByCode(ctx, q, memberCodes)
		if err != nil {
			return err
		}
		orgs, err := orgsByCode(ctx, q, orgCodes)
		if err != nil {
			return err
		}
		taken, err := existingEventNos(ctx, q, nos)
		if err != nil {
			return err
		}
		var mids, oids []int64
		for _, m := range members {
			mids = append(mids, m.ID)
		}
		for _, o := range orgs {
			oids = append(oids, o.ID)
		}
		regs, err := storedRegistrations(ctx, q, "member_id", mids)
		if err != nil {
			return err
		}
		oregs, err := storedRegistrations(ctx, q, "org_id", oids)
		if err != nil {
			return err
		}
		for k, v := range oregs {
			regs[k] = v
		}
		bad := &pingyi.InputError{}
		firstNo := make(map[string]int)
		prev := make(map[int64]int) // need id → its events before the import
		var events []Event
		for _, r := range rows {
			ok := true
			no := tabular.Trim(r.Get("event_no"))
			switch {
			case no == "":
				bad.Add(r.Line, "event_no", "required")
				ok = false
			case taken[no]:
				bad.Add(r.Line, "event_no", "event %q is already in the ledger", no)
				ok = false
			default:
				if first, dup := firstNo[no]; dup {
					bad.Add(r.Line, "event_no", "duplicate code %q (first on line %d)", no, first)
					ok = false
				} else {
					firstNo[no] = r.Line
				}
			}
			code := tabular.Trim(r.Get("need_code"))
			need := needs[code]
			switch {
			case code == "":
				bad.Add(r.Line, "need_code", "required")
				ok = false
			case need == nil:
				bad.Add(r.Line, "need_code", "need %q does not exist", code)
				ok = false
			}
			ev := tabular.Trim(r.Get("event"))
			if !rules.ValidNeedEvent(ev) {
				bad.Add(r.Line, "event", "unknown event %q (claim, cancel, complete, confirm)", ev)
				ok = false
			}
			on := tabular.Trim(r.Get("on"))
			if _, valid := rules.ParseDate(on); !valid {
				bad.Add(r.Line, "on", "not a date (YYYY-MM-DD): %q", on)
				ok = false
			}
			var c rules.Claimer
			mc, oc := tabular.Trim(r.Get("member_code")), tabular.Trim(r.Get("org_code"))
			if mc != "" {
				if m, found := members[mc]; found {
					c.MemberID = m.ID
				} else {
					bad.Add(r.Line, "member_code", "member %q does not exist", mc)
					ok = false
				}
			}
			if oc != "" {
				if o, found := orgs[oc]; found {
					c.OrgID = o.ID
				} else {
					bad.Add(r.Line, "org_code", "org %q does not exist", oc)
					ok = false
				}
			}
			e := Event{EventNo: no, Event: rules.NeedEvent(ev), On: on}
			hours := tabular.Trim(r.Get("hours"))
			rating := tabular.Trim(r.Get("rating"))
			switch rules.NeedEvent(ev) {
			case rules.EventClaim, rules.EventCancel, rules.EventComplete:
				if (mc == "") == (oc == "") {
					bad.Add(r.Line, "member_code", "give exactly one of member_code and org_code")
					ok = false
				}
				if rating != "" {
					bad.Add(r.Line, "rating", "only a confirm has a rating")
					ok = false
				}
			case rules.EventConfirm:
				if mc != "" || oc != "" {
					bad.Add(r.Line, "member_code", "a confirm names no claimer (it rates the need's completion)")
					ok = false
				}
				if hours != "" {
					bad.Add(r.Line, "hours", "only a complete has hours")
					ok = false
				}
				if rt, valid := rules.ConfirmRating(rating); valid {
					e.Rating = rt
				} else {
					bad.Add(r.Line, "rating", "%q is not a rating of the 3-level scale (满意, 基本满意, 不满意)", rating)
					ok = false
				}
			}
			if rules.NeedEvent(ev) == rules.EventComplete {
				h, err := rules.ParseHours(hours)
				if err != nil {
					bad.Add(r.Line, "hours", "not hours ≥ 0 with at most two decimals: %q", hours)
					ok = false
				}
				e.Hours = h
			} else if hours != "" && rules.NeedEvent(ev) != rules.EventConfirm {
				bad.Add(r.Line, "hours", "only a complete has hours")
				ok = false
			}
			if !ok {
				continue
			}
			ls := ledgerOf(need)
			in := rules.EventInput{Event: e.Event, On: on, Claimer: c, Hours: e.Hours}
			if e.Event == rules.EventClaim {
				in.Registered = activeIn(regs[regKey{c.MemberID, c.OrgID}], need.CommunityID, on)
			}
			next, err := rules.ApplyEvent(ls, in)
			if err != nil {
				addLedgerError(bad, r.Line, code, need, mc != "", err)
				continue
			}
			if _, seen := prev[need.ID]; !seen {
				prev[need.ID] = need.Events
			}
			need.take(next)
			e.ID, e.NeedID, e.Comm, e.Seq = store.NewID(), need.ID, need.CommunityID, need.Events
			e.MemberID, e.OrgID = next.Claimer.MemberID, next.Claimer.OrgID
			if e.Event == rules.EventCancel {
				e.MemberID, e.OrgID = c.MemberID, c.OrgID
			}
			events = append(events, e)
		}
		if err := bad.Err(); err != nil {
			return err
		}
		now := store.Now()
		rowsOut := make([][]any, len(events))
		for i, e := range events {
			rowsOut[i] = e.row(now)
		}
		if err := insertBatch(ctx, q, "dr_events", eventCols, rowsOut); err != nil {
			return err
		}
		var changed []*Need
		for _, need := range needs {
			if _, ok := prev[need.ID]; ok {
				changed = append(changed, need)
			}
		}
		if err := updateNeeds(ctx, q, changed, prev, now); err != nil {
			return err
		}
		n = len(events)
		return store.Audit(ctx, q, a, "import", "dr_event", file, nil, map[string]int{"events": n})
	})
	return n, err
}

func activeIn(regs []Registration, communityID int64, day string) bool {
	for _, r := range regs {
		if r.CommunityID == communityID && r.interval().ActiveOn(day) {
			return true
		}
	}
	return false
}

func addLedgerError(bad *pingyi.InputError, line int, code string, need *Need, member bool, err error) {
	claimerCol := "org_code"
	if member {
		claimerCol = "member_code"
	}
	switch {
	case errors.Is(err, rules.ErrBeforePublish):
		bad.Add(line, "on", "dated before need %q was published on %s", code, need.PublishedOn)
	case errors.Is(err, rules.ErrBeforeLast):
		bad.Add(line, "on", "dated before the last event of need %q on %s", code, need.LastOn)
	case errors.Is(err, rules.ErrOutOfOrder):
		bad.Add(line, "event", "out of the order of §4: need %q is %s", code, string(need.State))
	case errors.Is(err, rules.ErrNotRegistered):
		bad.Add(line, claimerCol, "the claimer is not registered with the community of need %q on that day", code)
	case errors.Is(err, rules.ErrOtherClaimer):
		bad.Add(line, claimerCol, "not the claimer of need %q", code)
	case errors.Is(err, rules.ErrMemberHours):
		bad.Add(line, "hours", "a member's hours must be more than 0")
	default:
		bad.Add(line, "member_code", "give exactly one of member_code and org_code")
	}
}

// Step is one event made on a page or through the API.
type Step struct {
	Event      rules.NeedEvent
	On         string
	MemberCode string // the claimer (claim, cancel, complete): a member…
	OrgCode    string // …or an org
	Hours      int64  // complete, hundredths
	Rating     pingyi.Rating
	Note       string
}

// Apply records one event on a need, checked as the import checks it.
// Two steps on one need at the same moment: the one that commits first
// wins, the other gets ErrTaken (a claim) or pingyi.ErrConflict, and
// nothing of it is written.
func (d *DR) Apply(ctx context.Context, needCode string, st Step, a store.Actor) (Event, error) {
	var e Event
	defer d.changed()
	err := d.S.Tx(ctx, func(q store.Q) error {
		need, err := needForUpdate(ctx, q, needCode)
		if err != nil {
			return err
		}
		var c rules.Claimer
		if st.MemberCode != "" {
			ms, err := membersByCode(ctx, q, []string{st.MemberCode})
			if err != nil {
				return err
			}
			m, ok := ms[st.MemberCode]
			if !ok {
				return fmt.Errorf("member %q: %w", st.MemberCode, pingyi.ErrNotFound)
			}
			c.MemberID = m.ID
		}
		if st.OrgCode != "" {
			o, err := d.org(ctx, q, st.OrgCode)
			if err != nil {
				return err
			}
			c.OrgID = o.ID
		}
		in := rules.EventInput{Event: st.Event, On: st.On, Claimer: c, Hours: st.Hours}
		if st.Event == rules.EventClaim {
			if in.Registered, err = registeredOn(ctx, q, c, need.CommunityID, st.On); err != nil {
				return err
			}
		}
		if st.Event == rules.EventConfirm {
			if _, ok := rules.ConfirmRating(string(st.Rating)); !ok {
				return fmt.Errorf("%w: %q is not a rating of the 3-level scale", pingyi.ErrInvalid, st.Rating)
			}
		}
		next, err := rules.ApplyEvent(ledgerOf(need), in)
		switch {
		case errors.Is(err, rules.ErrNotRegistered):
			return ErrNotRegistered
		case errors.Is(err, rules.ErrOutOfOrder) && st.Event == rules.EventClaim:
			return ErrTaken
		case errors.Is(err, rules.ErrOtherClaimer):
			return fmt.Errorf("%w: %v", pingyi.ErrForbidden, err)
		case err != nil:
			return fmt.Errorf("%w: %v", pingyi.ErrInvalid, err)
		}
		prev, prevState := need.Events, need.State
		need.take(next)
		e = Event{ID: store.NewID(), NeedID: need.ID, Comm: need.CommunityID, Seq: need.Events, Event: st.Event, On: st.On,
			MemberID: next.Claimer.MemberID, OrgID: next.Claimer.OrgID, Hours: st.Hours, Rating: st.Rating, Note: st.Note}
		if st.Event == rules.EventCancel {
			e.MemberID, e.OrgID = c.MemberID, c.OrgID
		}
		e.EventNo = "W" + strconv.FormatInt(e.ID, 10)
		now := store.Now()
		won, err := updateNeed(ctx, q, need, prev, now)
		if err != nil {
			return err
		}
		if !won {
			if st.Event == rules.EventClaim {
				return ErrTaken
			}
			return fmt.Errorf("%w: need %q changed a moment ago", pingyi.ErrConflict, needCode)
		}
		if err := insertBatch(ctx, q, "dr_events", eventCols, [][]any{e.row(now)}); err != nil {
			if store.IsUniqueViolation(err) {
				return ErrTaken
			}
			return err
		}
		return store.Audit(ctx, q, a, string(st.Event), "dr_need", needCode, map[string]any{"state": prevState, "events": prev}, e)
	})
	return e, err
}

// NeedEvents lists a need's ledger in order.
func (d *DR) NeedEvents(ctx context.Context, needID int64) ([]Event, error) {
	rows, err := d.S.R().Query(ctx, `SELECT id, event_no, need_id, seq, event, on_date, member_id, org_id, hours, rating, note
		FROM dr_events WHERE need_id = ? ORDER BY seq`, needID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.EventNo, &e.NeedID, &e.Seq, &e.Event, &e.On, &e.MemberID, &e.OrgID, &e.Hours, &e.Rating, &e.Note); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
