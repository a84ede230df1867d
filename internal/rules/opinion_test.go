package rules

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

var cst = time.FixedZone("CST", 8*3600)

func opRules() OpinionRules { return OpinionRules{Cal: cal2026(), Loc: cst} }

// at parses "2006-01-02 15:04[:05]" in Shanghai time.
func at(s string) time.Time {
	layout := "2006-01-02 15:04"
	if strings.Count(s, ":") == 2 {
		layout = "2006-01-02 15:04:05"
	}
	t, err := time.ParseInLocation(layout, s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func show(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(cst).Format("2006-01-02 15:04:05")
}

func recv(ts string, cat OpinionCategory, u Urgency) OpinionEvent {
	return OpinionEvent{Kind: EvReceive, At: at(ts), Org: "V1", Channel: ChannelWeb, Category: cat, Urgency: u}
}

func ev(k OpinionEventKind, ts string) OpinionEvent { return OpinionEvent{Kind: k, At: at(ts)} }

// ledger applies events that must all be accepted.
func ledger(t *testing.T, evs ...OpinionEvent) *Opinion {
	t.Helper()
	o := &Opinion{}
	r := opRules()
	for i, e := range evs {
		if ce := r.Apply(o, e); ce != nil {
			t.Fatalf("event %d (%s): %v", i+1, e.Kind, ce)
		}
	}
	return o
}

func TestOpinionDeadlines(t *testing.T) {
	for _, tc := range []struct {
		name          string
		e             OpinionEvent
		accept, reply string
	}{
		// Thursday before 春节 (2/15–2/23 off, Saturday 2/14 worked): 1
		// working day is Friday 2/13; 3 are 2/13, 2/14, 2/24.
		{"consultation before 春节", recv("2026-02-12 15:30", CategoryConsultation, Normal), "2026-02-13 23:59:59", "2026-02-24 23:59:59"},
		{"help before 春节", recv("2026-02-12 15:30", CategoryHelp, ""), "2026-02-13 23:59:59", "2026-02-24 23:59:59"},
		// Wednesday before 国庆 (10/1–10/7 off, Saturday 10/10 worked): 10
		// working days are 10/8, 9, 10, 12–16, 19, 20.
		{"complaint before 国庆", recv("2026-09-30 09:00", CategoryComplaint, Normal), "2026-10-08 23:59:59", "2026-10-20 23:59:59"},
		// Received on the worked Saturday 2/14: counting starts after it.
		{"suggestion on a worked Saturday", recv("2026-02-14 10:00", CategorySuggestion, Normal), "2026-02-24 23:59:59", "2026-02-28 23:59:59"},
		{"praise on a plain Sunday", recv("2026-03-08 20:00", CategoryPraise, Normal), "2026-03-09 23:59:59", "2026-03-13 23:59:59"},
		// Urgent: 2 hours to accept, 24 hours to reply, holiday or not.
		{"urgent in 春节", recv("2026-02-15 22:30", CategoryHelp, Urgent), "2026-02-16 00:30:00", "2026-02-16 22:30:00"},
	} {
		o := ledger(t, tc.e)
		if show(o.AcceptBy) != tc.accept || show(o.ReplyBy) != tc.reply || o.FirstReplyBy != o.ReplyBy {
			t.Errorf("%s: accept by %s, reply by %s; want %s, %s", tc.name, show(o.AcceptBy), show(o.ReplyBy), tc.accept, tc.reply)
		}
	}
	// An anonymous opinion known to the day: hour limits from the end of
	// that day.
	e := recv("2026-02-15 00:00", CategoryHelp, Urgent)
	e.DayOnly = true
	o := ledger(t, e)
	if show(o.AcceptBy) != "2026-02-16 02:00:00" || show(o.ReplyBy) != "2026-02-17 00:00:00" {
		t.Errorf("day-only urgent: %s, %s", show(o.AcceptBy), show(o.ReplyBy))
	}
}

func TestOpinionRouteKeepsDeadline(t *testing.T) {
	route := OpinionEvent{Kind: EvRoute, At: at("2026-02-13 09:00"), Org: "V2"}
	o := ledger(t, recv("2026-02-12 15:30", CategoryConsultation, Normal), route,
		OpinionEvent{Kind: EvRoute, At: at("2026-02-24 09:00"), Org: "V3"})
	if o.Org != "V3" || o.State != StateRouted || show(o.ReplyBy) != "2026-02-24 23:59:59" || show(o.AcceptBy) != "2026-02-13 23:59:59" {
		t.Errorf("after routes: org %s state %s reply by %s accept by %s", o.Org, o.State, show(o.ReplyBy), show(o.AcceptBy))
	}
	if !o.Overdue(at("2026-02-24 10:00")) || o.Overdue(at("2026-02-13 10:00")) {
		t.Error("acceptance overdue after 2/13")
	}
	r := opRules()
	if ce := r.Apply(o, ev(EvAccept, "2026-02-24 10:00")); ce != nil {
		t.Fatal(ce)
	}
	if o.Overdue(at("2026-02-24 23:59:59")) || !o.Overdue(at("2026-02-25 00:00")) {
		t.Error("reply overdue after 2/24 23:59:59")
	}
	ce := r.Apply(o, OpinionEvent{Kind: EvRoute, At: at("2026-02-24 11:00"), Org: "V1"})
	if ce == nil || ce.Error() != "event: route is out of order: the opinion is accepted" {
		t.Errorf("route after acceptance: %v", ce)
	}
}

func TestOpinionExtend(t *testing.T) {
	o := ledger(t, recv("2026-09-30 09:00", CategoryComplaint, Normal), ev(EvAccept, "2026-10-08 09:00"),
		ev(EvExtend, "2026-10-20 10:00"))
	// The same limit counted from the old deadline's date (10/20): 10/21–23,
	// 10/26–30, 11/2, 11/3.
	if show(o.ReplyBy) != "2026-11-03 23:59:59" || o.FirstReplyBy != o.ReplyBy || !o.Extended {
		t.Errorf("extended to %s (first %s)", show(o.ReplyBy), show(o.FirstReplyBy))
	}
	r := opRules()
	if ce := r.Apply(o, ev(EvExtend, "2026-10-21 10:00")); ce == nil || ce.Error() != "event: a second extend: an opinion is extended once" {
		t.Errorf("second extend: %v", ce)
	}
	late := ledger(t, recv("2026-02-12 15:30", CategoryConsultation, Normal), ev(EvAccept, "2026-02-13 09:00"))
	if ce := r.Apply(late, ev(EvExtend, "2026-02-25 00:00")); ce == nil || ce.Error() != "at: too late to extend: the reply deadline was 2026-02-24 23:59" {
		t.Errorf("late extend: %v", ce)
	}
	// At the deadline itself is still in time.
	if ce := r.Apply(late, OpinionEvent{Kind: EvExtend, At: at("2026-02-24 23:59:59")}); ce != nil || show(late.ReplyBy) != "2026-02-27 23:59:59" {
		t.Errorf("extend at the deadline: %v, %s", ce, show(late.ReplyBy))
	}
	// Urgent: 24 hours later.
	u := ledger(t, recv("2026-02-16 10:00", CategoryHelp, Urgent), ev(EvAccept, "2026-02-16 11:00"), ev(EvExtend, "2026-02-17 09:00"))
	if show(u.ReplyBy) != "2026-02-18 10:00:00" {
		t.Errorf("urgent extended to %s", show(u.ReplyBy))
	}
	// Not before acceptance.
	f := ledger(t, recv("2026-03-02 09:00", CategoryHelp, Normal))
	if ce := r.Apply(f, ev(EvExtend, "2026-03-02 10:00")); ce == nil {
		t.Error("extend before acceptance accepted")
	}
}

func TestOpinionReopenOnce(t *testing.T) {
	o := ledger(t, recv("2026-03-02 09:00", CategoryConsultation, Normal), ev(EvAccept, "2026-03-02 10:00"),
		OpinionEvent{Kind: EvReply, At: at("2026-03-04 16:00"), Outcome: Partly},
		ev(EvSeen, "2026-03-05 08:00"),
		OpinionEvent{Kind: EvRate, At: at("2026-03-06 11:00"), Rating: pingyi.Dissatisfied})
	// Reopened: back to accepted, 3 working days from Friday 3/6: 3/9–3/11.
	if o.State != StateAccepted || !o.Reopened || show(o.ReplyBy) != "2026-03-11 23:59:59" {
		t.Fatalf("reopen: state %s reply by %s", o.State, show(o.ReplyBy))
	}
	if show(o.FirstReplyBy) != "2026-03-05 23:59:59" || show(o.FirstReplyAt) != "2026-03-04 16:00:00" {
		t.Errorf("first reply kept: %s by %s", show(o.FirstReplyAt), show(o.FirstReplyBy))
	}
	r := opRules()
	if ce := r.Apply(o, ev(EvClose, "2026-03-06 12:00")); ce == nil || !strings.HasPrefix(ce.Error(), "event: an opinion is closed only once seen or rated") {
		t.Errorf("close of a reopened opinion: %v", ce)
	}
	for _, e := range []OpinionEvent{
		{Kind: EvReply, At: at("2026-03-10 09:00"), Outcome: Resolved},
		{Kind: EvRate, At: at("2026-03-12 09:00"), Rating: pingyi.Dissatisfied}, // final
	} {
		if ce := r.Apply(o, e); ce != nil {
			t.Fatal(ce)
		}
	}
	if o.State != StateRated || o.Ratings != 2 || o.Rating != pingyi.Dissatisfied || o.Outcome != Resolved {
		t.Errorf("second rating is final: %+v", o)
	}
	if ce := r.Apply(o, OpinionEvent{Kind: EvRate, At: at("2026-03-12 10:00"), Rating: pingyi.Satisfied}); ce == nil {
		t.Error("a third rating accepted")
	}
	if ce := r.Apply(o, ev(EvClose, "2026-03-12 10:00")); ce != nil || o.State != StateClosed {
		t.Errorf("close after the final rating: %v", ce)
	}
	if ce := r.Apply(o, ev(EvSeen, "2026-03-12 11:00")); ce == nil || ce.Error() != "event: seen is out of order: the opinion is closed" {
		t.Errorf("event after close: %v", ce)
	}
	// A satisfied first rating is final at once.
	s := ledger(t, recv("2026-03-02 09:00", CategoryHelp, Normal), ev(EvAccept, "2026-03-02 10:00"),
		OpinionEvent{Kind: EvReply, At: at("2026-03-03 10:00"), Outcome: Resolved},
		OpinionEvent{Kind: EvRate, At: at("2026-03-03 12:00"), Rating: pingyi.BasicallySatisfied})
	if s.State != StateRated || s.Reopened {
		t.Errorf("satisfied first rating: %s", s.State)
	}
}

func TestOpinionNeverClosedUnseen(t *testing.T) {
	r := opRules()
	o := ledger(t, recv("2026-03-02 09:00", CategoryHelp, Normal), ev(EvAccept, "2026-03-02 10:00"),
		OpinionEvent{Kind: EvReply, At: at("2026-03-03 10:00"), Outcome: Resolved})
	for i := 0; i < 3; i++ {
		if ce := r.Apply(o, ev(EvClose, "2026-03-04 10:00")); ce == nil {
			t.Fatalf("closed unseen after %d failed call-backs", i)
		}
		if ce := r.Apply(o, ev(EvCallbackFailed, "2026-03-04 10:00")); ce != nil {
			t.Fatal(ce)
		}
	}
	if ce := r.Apply(o, ev(EvClose, "2026-03-04 11:00")); ce != nil || o.State != StateClosed {
		t.Errorf("close after three failed call-backs: %v", ce)
	}
	// Closing before any reply, and after seen.
	f := ledger(t, recv("2026-03-02 09:00", CategoryHelp, Normal))
	if ce := r.Apply(f, ev(EvClose, "2026-03-02 10:00")); ce == nil {
		t.Error("closed before a reply")
	}
	seen := ledger(t, recv("2026-03-02 09:00", CategoryHelp, Normal), ev(EvAccept, "2026-03-02 10:00"),
		OpinionEvent{Kind: EvReply, At: at("2026-03-03 10:00"), Outcome: Resolved}, ev(EvSeen, "2026-03-03 11:00"), ev(EvClose, "2026-03-03 11:00"))
	if seen.State != StateClosed {
		t.Error("seen then closed")
	}
}

func TestOpinionOrder(t *testing.T) {
	r := opRules()
	for _, tc := range []struct {
		name string
		evs  []OpinionEvent
		want string
	}{
		{"accept before receive", []OpinionEvent{ev(EvAccept, "2026-03-02 09:00")}, "event: accept is out of order: the opinion is not received"},
		{"receive twice", []OpinionEvent{recv("2026-03-02 09:00", CategoryHelp, Normal), recv("2026-03-02 09:00", CategoryHelp, Normal)}, "event: receive is out of order: the opinion is filed"},
		{"reply before accept", []OpinionEvent{recv("2026-03-02 09:00", CategoryHelp, Normal), {Kind: EvReply, At: at("2026-03-02 10:00"), Outcome: Resolved}}, "event: reply is out of order: the opinion is filed"},
		{"rate before reply", []OpinionEvent{recv("2026-03-02 09:00", CategoryHelp, Normal), ev(EvAccept, "2026-03-02 10:00"), {Kind: EvRate, At: at("2026-03-02 11:00"), Rating: pingyi.Satisfied}}, "event: rate needs a reply before it"},
		{"seen before reply", []OpinionEvent{recv("2026-03-02 09:00", CategoryHelp, Normal), ev(EvSeen, "2026-03-02 10:00")}, "event: seen is out of order: the opinion is filed"},
		{"dated before", []OpinionEvent{recv("2026-03-02 09:00", CategoryHelp, Normal), ev(EvAccept, "2026-03-02 08:59")}, "at: dated before the opinion's last event (2026-03-02 09:00)"},
		{"reply without outcome", []OpinionEvent{recv("2026-03-02 09:00", CategoryHelp, Normal), ev(EvAccept, "2026-03-02 10:00"), ev(EvReply, "2026-03-02 11:00")}, "outcome: required"},
		{"accept twice", []OpinionEvent{recv("2026-03-02 09:00", CategoryHelp, Normal), ev(EvAccept, "2026-03-02 10:00"), ev(EvAccept, "2026-03-02 11:00")}, "event: accept is out of order: the opinion is accepted"},
	} {
		o := &Opinion{}
		var got string
		for _, e := range tc.evs {
			before := *o
			if ce := r.Apply(o, e); ce != nil {
				got = ce.Error()
				if *o != before {
					t.Errorf("%s: a refused event changed the opinion", tc.name)
				}
				break
			}
		}
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	// Same time as the last event is fine.
	ledger(t, recv("2026-03-02 09:00", CategoryHelp, Normal), ev(EvAccept, "2026-03-02 09:00"))
}

func TestOpinionTally(t *testing.T) {
	asOf := at("2026-03-10 12:00")
	rep := func(ts string, o Outcome) OpinionEvent { return OpinionEvent{Kind: EvReply, At: at(ts), Outcome: o} }
	rate := func(ts string, r pingyi.Rating) OpinionEvent {
		return OpinionEvent{Kind: EvRate, At: at(ts), Rating: r}
	}
	ops := []*Opinion{
		// O1 consultation, by 3/5 23:59:59: replied 3/4 on time, resolved, satisfied.
		ledger(t, recv("2026-03-02 09:00", CategoryConsultation, Normal), ev(EvAccept, "2026-03-02 10:00"), rep("2026-03-04 10:00", Resolved), rate("2026-03-05 10:00", pingyi.Satisfied)),
		// O2 complaint, by 3/16: not replied, not yet due.
		ledger(t, recv("2026-03-02 10:00", CategoryComplaint, Normal), ev(EvAccept, "2026-03-02 11:00")),
		// O3 help, by 3/5: not replied, due, overdue.
		ledger(t, recv("2026-03-02 11:00", CategoryHelp, Normal)),
		// O4 suggestion of 2/12, by 2/26 (2/13, 2/14, 2/24–26): replied late
		// 2/27 partly, dissatisfied → reopened, replied again resolved.
		ledger(t, recv("2026-02-12 10:00", CategorySuggestion, Normal), ev(EvAccept, "2026-02-13 09:00"), rep("2026-02-27 09:00", Partly),
			rate("2026-02-28 09:00", pingyi.Dissatisfied), rep("2026-03-03 09:00", Resolved)),
		// O5 consultation extended on 3/5 to 3/10 23:59:59: replied 3/9 on
		// time, unresolved, basically satisfied.
		ledger(t, recv("2026-03-02 09:00", CategoryConsultation, Normal), ev(EvAccept, "2026-03-02 10:00"), ev(EvExtend, "2026-03-05 10:00"),
			rep("2026-03-09 10:00", Unresolved), rate("2026-03-09 12:00", pingyi.BasicallySatisfied)),
		// O6 replied exactly at the deadline: on time; partly.
		ledger(t, recv("2026-03-02 09:00", CategoryConsultation, Normal), ev(EvAccept, "2026-03-02 10:00"), rep("2026-03-05 23:59:59", Partly)),
		// O7 urgent, by 3/11 08:00: not due yet.
		ledger(t, recv("2026-03-10 08:00", CategoryHelp, Urgent)),
		// O8 consultation of 3/5, by 3/10 23:59:59: replied 3/6, due as replied.
		ledger(t, recv("2026-03-05 09:00", CategoryConsultation, Normal), ev(EvAccept, "2026-03-05 10:00"), rep("2026-03-06 10:00", Resolved)),
	}
	if show(ops[4].FirstReplyBy) != "2026-03-10 23:59:59" {
		t.Fatalf("O5 extended to %s", show(ops[4].FirstReplyBy))
	}
	var tally OpinionTally
	for _, o := range ops {
		tally.Add(o, asOf)
	}
	want := OpinionTally{Received: 8, Due: 6, Replied: 5, RepliedOnTime: 4, Resolved: 3, Partly: 1, Unresolved: 1, Rated: 3, Dissatisfied: 1}
	if tally != want {
		t.Fatalf("tally %+v\nwant  %+v", tally, want)
	}
	if tally.Overdue() != 2 {
		t.Errorf("overdue %d", tally.Overdue())
	}
	for _, tc := range []struct {
		name, got, want string
	}{
		{"response", FormatRate(tally.ResponseRate()), "66.67"},     // 4/6
		{"resolution", FormatRate(tally.ResolutionRate()), "60.00"}, // 3/5
		{"satisfaction", FormatRate(tally.SatisfactionRate()), "66.67"},
		{"empty", FormatRate(OpinionTally{}.ResponseRate()), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s rate %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	// Exact: 2/3 is compared as a rational, not after rounding.
	if tally.SatisfactionRate().Cmp(big2of3) != 0 {
		t.Error("satisfaction is not exactly 2/3")
	}
	// As of just after O3's deadline passes... and before: at 3/5 23:59:59
	// O3 is not yet due (a deadline "before" as-of).
	var early OpinionTally
	early.Add(ops[2], at("2026-03-05 23:59:59"))
	if early.Due != 0 {
		t.Error("due at its deadline")
	}
	var total OpinionTally
	total.Plus(tally)
	total.Plus(early)
	if total.Received != 9 || total.Due != 6 {
		t.Errorf("plus: %+v", total)
	}
}

func TestParseOpinionCodes(t *testing.T) {
	for _, s := range []string{"满意", "satisfied", "基本满意", "不满意", "dissatisfied"} {
		if _, ok := ParseOpinionRating(s); !ok {
			t.Errorf("rating %q refused", s)
		}
	}
	for _, s := range []string{"比较满意", "fairly_satisfied", "abstain", "弃权", ""} {
		if _, ok := ParseOpinionRating(s); ok {
			t.Errorf("rating %q accepted on the 3-level scale", s)
		}
	}
	if u, ok := ParseUrgency(""); !ok || u != Normal {
		t.Error("empty urgency is normal")
	}
	if _, ok := ParseChannel("wechat"); ok {
		t.Error("unknown channel accepted")
	}
}

var big2of3 = big.NewRat(2, 3)

func TestOpinionDueSoon(t *testing.T) {
	r := opRules()
	// Consultation of Thursday 2/12, reply by Tuesday 2/24 (after 春节).
	o := ledger(t, recv("2026-02-12 15:30", CategoryConsultation, Normal), ev(EvAccept, "2026-02-12 16:00"))
	for _, tc := range []struct {
		now  string
		want bool
	}{
		{"2026-02-13 10:00", false}, // the next working day is the worked Saturday 2/14
		{"2026-02-14 10:00", true},  // the worked Saturday: the next working day is 2/24, the deadline
		{"2026-02-16 10:00", true},  // in the holiday, likewise
		{"2026-02-24 23:00", true},  // the last day itself
		{"2026-02-25 00:00", false}, // overdue: no reminder but the overdue mark
	} {
		if got := r.DueSoon(o, at(tc.now)); got != tc.want {
			t.Errorf("DueSoon at %s = %v, want %v", tc.now, got, tc.want)
		}
	}
	// Handled opinions are never due.
	done := ledger(t, recv("2026-02-12 15:30", CategoryConsultation, Normal), ev(EvAccept, "2026-02-12 16:00"),
		OpinionEvent{Kind: EvReply, At: at("2026-02-13 09:00"), Outcome: Resolved})
	if r.DueSoon(done, at("2026-02-14 10:00")) {
		t.Error("an answered opinion is due soon")
	}
}
