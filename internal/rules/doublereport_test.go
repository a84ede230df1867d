package rules

import (
	"errors"
	"reflect"
	"testing"
)

// Every (state, event) pair of §4: exactly the four arrows are allowed.
func TestNextNeedState(t *testing.T) {
	allowed := map[[2]string]NeedState{
		{"open", "claim"}:        NeedClaimed,
		{"claimed", "cancel"}:    NeedOpen,
		{"claimed", "complete"}:  NeedCompleted,
		{"completed", "confirm"}: NeedConfirmed,
	}
	for _, s := range []NeedState{NeedOpen, NeedClaimed, NeedCompleted, NeedConfirmed} {
		for _, e := range NeedEvents {
			got, ok := NextNeedState(s, e)
			want, wantOK := allowed[[2]string{string(s), string(e)}]
			if ok != wantOK || (ok && got != want) {
				t.Errorf("%s + %s = %s, %v; want %s, %v", s, e, got, ok, want, wantOK)
			}
			if !ok && got != s {
				t.Errorf("%s + %s refused but moved to %s", s, e, got)
			}
		}
	}
}

func TestApplyEvent(t *testing.T) {
	m1 := Claimer{MemberID: 1}
	m2 := Claimer{MemberID: 2}
	o1 := Claimer{OrgID: 9}
	open := LedgerState{State: NeedOpen, PublishedOn: "2026-03-01"}
	claimed := LedgerState{State: NeedClaimed, PublishedOn: "2026-03-01", LastOn: "2026-03-05", Claimer: m1}
	orgClaimed := LedgerState{State: NeedClaimed, PublishedOn: "2026-03-01", LastOn: "2026-03-05", Claimer: o1}
	completed := LedgerState{State: NeedCompleted, PublishedOn: "2026-03-01", LastOn: "2026-03-06", Claimer: m1}
	confirmed := LedgerState{State: NeedConfirmed, PublishedOn: "2026-03-01", LastOn: "2026-03-07", Claimer: m1}
	cases := []struct {
		name string
		ls   LedgerState
		in   EventInput
		want NeedState
		err  error
	}{
		{"claim on the day published", open, EventInput{Event: EventClaim, On: "2026-03-01", Claimer: m1, Registered: true}, NeedClaimed, nil},
		{"claim before published", open, EventInput{Event: EventClaim, On: "2026-02-28", Claimer: m1, Registered: true}, NeedOpen, ErrBeforePublish},
		{"claim unregistered", open, EventInput{Event: EventClaim, On: "2026-03-02", Claimer: m1}, NeedOpen, ErrNotRegistered},
		{"claim with no claimer", open, EventInput{Event: EventClaim, On: "2026-03-02", Registered: true}, NeedOpen, ErrClaimerMissing},
		{"claim with both", open, EventInput{Event: EventClaim, On: "2026-03-02", Claimer: Claimer{1, 9}, Registered: true}, NeedOpen, ErrClaimerMissing},
		{"second claim", claimed, EventInput{Event: EventClaim, On: "2026-03-06", Claimer: m2, Registered: true}, NeedClaimed, ErrOutOfOrder},
		{"cancel by claimer same day", claimed, EventInput{Event: EventCancel, On: "2026-03-05", Claimer: m1}, NeedOpen, nil},
		{"cancel by another", claimed, EventInput{Event: EventCancel, On: "2026-03-06", Claimer: m2}, NeedClaimed, ErrOtherClaimer},
		{"cancel dated before last", claimed, EventInput{Event: EventCancel, On: "2026-03-04", Claimer: m1}, NeedClaimed, ErrBeforeLast},
		{"cancel when open", open, EventInput{Event: EventCancel, On: "2026-03-04", Claimer: m1}, NeedOpen, ErrOutOfOrder},
		{"complete by member", claimed, EventInput{Event: EventComplete, On: "2026-03-06", Claimer: m1, Hours: 150}, NeedCompleted, nil},
		{"complete by member 0 hours", claimed, EventInput{Event: EventComplete, On: "2026-03-06", Claimer: m1}, NeedClaimed, ErrMemberHours},
		{"complete by org 0 hours", orgClaimed, EventInput{Event: EventComplete, On: "2026-03-06", Claimer: o1}, NeedCompleted, nil},
		{"complete by org as member", orgClaimed, EventInput{Event: EventComplete, On: "2026-03-06", Claimer: m1, Hours: 100}, NeedClaimed, ErrOtherClaimer},
		{"complete when open", open, EventInput{Event: EventComplete, On: "2026-03-06", Claimer: m1, Hours: 100}, NeedOpen, ErrOutOfOrder},
		{"confirm", completed, EventInput{Event: EventConfirm, On: "2026-03-06"}, NeedConfirmed, nil},
		{"confirm claimed", claimed, EventInput{Event: EventConfirm, On: "2026-03-06"}, NeedClaimed, ErrOutOfOrder},
		{"confirm twice", confirmed, EventInput{Event: EventConfirm, On: "2026-03-08"}, NeedConfirmed, ErrOutOfOrder},
		{"cancel after complete", completed, EventInput{Event: EventCancel, On: "2026-03-08", Claimer: m1}, NeedCompleted, ErrOutOfOrder},
		{"claim after confirm", confirmed, EventInput{Event: EventClaim, On: "2026-03-08", Claimer: m2, Registered: true}, NeedConfirmed, ErrOutOfOrder},
	}
	for _, c := range cases {
		got, err := ApplyEvent(c.ls, c.in)
		if !errors.Is(err, c.err) || (err == nil) != (c.err == nil) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
		}
		if got.State != c.want {
			t.Errorf("%s: state %s, want %s", c.name, got.State, c.want)
		}
		if err == nil && got.LastOn != c.in.On {
			t.Errorf("%s: last on %s, want %s", c.name, got.LastOn, c.in.On)
		}
		if err != nil && got != c.ls {
			t.Errorf("%s: refused event changed the state: %+v", c.name, got)
		}
	}
	// The claimer is kept through complete and cleared by cancel.
	ls, _ := ApplyEvent(open, EventInput{Event: EventClaim, On: "2026-03-02", Claimer: o1, Registered: true})
	if ls.Claimer != o1 {
		t.Errorf("claimer %+v", ls.Claimer)
	}
	ls, _ = ApplyEvent(ls, EventInput{Event: EventCancel, On: "2026-03-02", Claimer: o1})
	if ls.Claimer != (Claimer{}) || ls.State != NeedOpen {
		t.Errorf("after cancel %+v", ls)
	}
}

func TestInterval(t *testing.T) {
	iv := Interval{From: "2026-01-10", To: "2026-03-01"}
	for d, want := range map[string]bool{"2026-01-09": false, "2026-01-10": true, "2026-02-28": true, "2026-03-01": false} {
		if got := iv.ActiveOn(d); got != want {
			t.Errorf("active on %s = %v, want %v", d, got, want)
		}
	}
	open := Interval{From: "2026-01-10"}
	if !open.ActiveOn("2099-12-31") || open.ActiveOn("2026-01-09") {
		t.Error("open registration")
	}
	during := []struct {
		from, to string
		want     bool
	}{
		{"2025-01-01", "2026-01-09", false},
		{"2025-01-01", "2026-01-10", true},
		{"2026-02-28", "2026-12-31", true},
		{"2026-03-01", "2026-12-31", false},
	}
	for _, c := range during {
		if got := iv.ActiveDuring(c.from, c.to); got != c.want {
			t.Errorf("active during %s..%s = %v", c.from, c.to, got)
		}
	}
	overlaps := []struct {
		a, b Interval
		want bool
	}{
		{iv, Interval{"2026-03-01", ""}, false},             // leaves the day the next begins
		{iv, Interval{"2026-02-28", ""}, true},              // one day shared
		{iv, Interval{"2025-01-01", "2026-01-10"}, false},   // ends the day iv begins
		{iv, Interval{"2025-01-01", "2026-01-11"}, true},    // shares 10 January
		{open, Interval{"2030-01-01", "2031-01-01"}, true},  // inside an open one
		{open, Interval{"2020-01-01", ""}, true},            // two open ones
		{Interval{"2026-02-01", "2026-02-10"}, iv, true},    // inside
		{Interval{"2020-01-01", "2020-02-01"}, open, false}, // before
		{Interval{"2026-01-10", "2026-03-01"}, iv, true},    // the same
		{Interval{"2026-03-02", "2026-04-01"}, iv, false},   // after
		{Interval{"2026-01-01", "2026-01-10"}, open, false}, // ends as open begins
		{Interval{"2026-01-01", ""}, Interval{"2025-01-01", "2026-01-02"}, true},
	}
	for i, c := range overlaps {
		if got := c.a.Overlaps(c.b); got != c.want {
			t.Errorf("%d: %+v overlaps %+v = %v", i, c.a, c.b, got)
		}
		if got := c.b.Overlaps(c.a); got != c.want {
			t.Errorf("%d: not symmetric", i)
		}
	}
	if CheckInterval(Interval{"2026-01-10", "2026-01-10"}) == nil || CheckInterval(Interval{"2026-01-10", "2026-01-09"}) == nil {
		t.Error("left_on not after registered_on accepted")
	}
	if CheckInterval(Interval{"2026-01-10", "2026-01-11"}) != nil || CheckInterval(Interval{"2026-01-10", ""}) != nil {
		t.Error("good interval refused")
	}
}

func TestParseHours(t *testing.T) {
	good := map[string]int64{"0": 0, "2": 200, "1.5": 150, "0.25": 25, "12.05": 1205, " 3 ": 300}
	for s, want := range good {
		got, err := ParseHours(s)
		if err != nil || got != want {
			t.Errorf("ParseHours(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "-1", "1.", ".5", "1.234", "abc", "1e2", "+1", "1,5", "99999999"} {
		if _, err := ParseHours(s); err == nil {
			t.Errorf("ParseHours(%q) accepted", s)
		}
	}
}

func TestConfirmRating(t *testing.T) {
	for s, want := range map[string]string{"满意": "satisfied", "基本满意": "basically_satisfied", "不满意": "dissatisfied",
		"satisfied": "satisfied", "dissatisfied": "dissatisfied"} {
		r, ok := ConfirmRating(s)
		if !ok || string(r) != want {
			t.Errorf("%q → %q, %v", s, r, ok)
		}
	}
	for _, s := range []string{"比较满意", "fairly_satisfied", "弃权", "abstain", "", "good"} {
		if _, ok := ConfirmRating(s); ok {
			t.Errorf("%q accepted on the 3-level scale", s)
		}
	}
}

func TestOpenOver30(t *testing.T) {
	cases := []struct {
		state     NeedState
		published string
		day       string
		want      bool
	}{
		{NeedOpen, "2026-05-31", "2026-06-30", true},  // exactly 30 days
		{NeedOpen, "2026-06-01", "2026-06-30", false}, // 29 days
		{NeedOpen, "2026-01-31", "2026-03-02", true},  // 30 days across February
		{NeedOpen, "2026-02-01", "2026-03-02", false}, // 29 days across February
		{NeedClaimed, "2026-01-01", "2026-06-30", false},
		{NeedCompleted, "2026-01-01", "2026-06-30", false},
	}
	for _, c := range cases {
		if got := OpenOver30(c.state, c.published, c.day); got != c.want {
			t.Errorf("%s %s on %s = %v", c.state, c.published, c.day, got)
		}
	}
	if !LinkageDue(KindProject, NeedOpen, "2026-05-31", "2026-06-30") || LinkageDue(KindWish, NeedOpen, "2026-05-31", "2026-06-30") {
		t.Error("linkage: projects only")
	}
	if l, ok := RaiseLinkage(LinkStreet); !ok || l != LinkDistrict {
		t.Error("street → district")
	}
	if l, ok := RaiseLinkage(LinkDistrict); !ok || l != LinkCity {
		t.Error("district → city")
	}
	if _, ok := RaiseLinkage(LinkCity); ok {
		t.Error("nothing above the city")
	}
}

func TestLeadsCompliance(t *testing.T) {
	cases := []struct {
		counts  map[string]int
		ok      bool
		missing []string
	}{
		{map[string]int{"planning": 1, "investigation": 2, "opinion": 1, "lecture": 1, "project": 1}, true, nil},
		{map[string]int{"planning": 3, "investigation": 5, "opinion": 2, "lecture": 2, "project": 4}, true, nil},
		{map[string]int{"planning": 1, "investigation": 1, "opinion": 1, "lecture": 1, "project": 1}, false, []string{"investigation"}},
		{map[string]int{}, false, []string{"planning", "investigation", "opinion", "lecture", "project"}},
		{map[string]int{"investigation": 2, "lecture": 1}, false, []string{"planning", "opinion", "project"}},
	}
	for _, c := range cases {
		ok, missing := LeadsCompliance(c.counts)
		if ok != c.ok || !reflect.DeepEqual(missing, c.missing) {
			t.Errorf("%v → %v %v; want %v %v", c.counts, ok, missing, c.ok, c.missing)
		}
	}
	if ValidLeadKind("project") || !ValidLeadKind("opinion") {
		t.Error("project is counted, not imported")
	}
}

func TestRecommendQuota(t *testing.T) {
	// round_half_up(15% × n), at least 1 when n ≥ 1: 15% of 10 = 1.5 → 2;
	// of 3 = 0.45 → 0 → 1; of 23 = 3.45 → 3; of 30 = 4.5 → 5; of 97 =
	// 14.55 → 15; of 90 = 13.5 → 14; of 1000 = 150.
	cases := map[int]int{0: 0, 1: 1, 3: 1, 6: 1, 7: 1, 9: 1, 10: 2, 13: 2, 16: 2, 17: 3, 23: 3, 30: 5, 90: 14, 97: 15, 100: 15, 1000: 150}
	for n, want := range cases {
		if got := RecommendQuota(n); got != want {
			t.Errorf("quota(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestHalves(t *testing.T) {
	for s, want := range map[string][2]string{"2026H1": {"2026-01-01", "2026-06-30"}, "2026H2": {"2026-07-01", "2026-12-31"}} {
		f, to, err := ParseHalf(s)
		if err != nil || f != want[0] || to != want[1] {
			t.Errorf("%s → %s %s %v", s, f, to, err)
		}
	}
	for _, s := range []string{"2026H3", "2026", "26H1", "2026h1", "abcdH1"} {
		if _, _, err := ParseHalf(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if HalfDue(2026, 1) != "2026-06-26" || HalfDue(2026, 2) != "2026-12-26" {
		t.Error("due dates")
	}
	status := []struct{ due, sub, today, want string }{
		{"2026-06-26", "2026-06-26", "2026-07-10", SubmitOnTime},
		{"2026-06-26", "2026-06-01", "2026-06-02", SubmitOnTime},
		{"2026-06-26", "2026-06-27", "2026-07-10", SubmitLate},
		{"2026-06-26", "", "2026-06-27", SubmitMissing},
		{"2026-06-26", "", "2026-06-26", SubmitPending},
	}
	for _, c := range status {
		if got := SubmissionStatus(c.due, c.sub, c.today); got != c.want {
			t.Errorf("%+v → %s", c, got)
		}
	}
	// 26 June 2026 is a Friday: five working days before is Friday 19 June.
	if got := ReminderDay("2026-06-26", Weekdays); got != "2026-06-19" {
		t.Errorf("reminder %s", got)
	}
	// 26 December 2026 is a Saturday: Mon 21 … Fri 25 are five working days,
	// so the reminder is Monday 21 December.
	if got := ReminderDay("2026-12-26", Weekdays); got != "2026-12-21" {
		t.Errorf("reminder %s", got)
	}
	// With 22 and 23 June holidays and Sunday 21 June a workday (调休):
	// working days back from 26 June are 25, 24, 21, 19, 18.
	cal := func(d string) bool {
		switch d {
		case "2026-06-22", "2026-06-23":
			return false
		case "2026-06-21":
			return true
		}
		return Weekdays(d)
	}
	if got := ReminderDay("2026-06-26", cal); got != "2026-06-18" {
		t.Errorf("reminder with holidays %s", got)
	}
}

func TestRates(t *testing.T) {
	if Rate(1, 0) != nil || SatisfactionRate(0, 0) != nil {
		t.Error("denominator 0 is empty")
	}
	if got := FormatRate(Rate(2, 3)); got != "66.67" {
		t.Errorf("2/3 = %s", got)
	}
	if got := FormatRate(SatisfactionRate(8, 1)); got != "87.50" {
		t.Errorf("7/8 = %s", got)
	}
	if got := FormatRate(Rate(1, 8)); got != "12.50" {
		t.Errorf("1/8 = %s", got)
	}
	// 1/800 = 0.125% → 0.13 (half up)
	if got := FormatRate(Rate(1, 800)); got != "0.13" {
		t.Errorf("1/800 = %s", got)
	}
}

func TestRankBoard(t *testing.T) {
	rows := []BoardRow{
		{MemberCode: "M3", Completed: 2, Hours: 300},
		{MemberCode: "M1", Completed: 2, Hours: 300},
		{MemberCode: "M2", Completed: 3, Hours: 100},
		{MemberCode: "M4", Completed: 2, Hours: 450},
		{MemberCode: "M5", Completed: 1, Hours: 9999},
	}
	got := RankBoard(rows, 0)
	want := []string{"M2", "M4", "M1", "M3", "M5"}
	for i, r := range got {
		if r.MemberCode != want[i] || r.Rank != i+1 {
			t.Errorf("%d: %s rank %d", i, r.MemberCode, r.Rank)
		}
	}
	if top := RankBoard(got, 2); len(top) != 2 || top[1].MemberCode != "M4" {
		t.Errorf("top 2 %+v", top)
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "", "2026-01-32"} {
		if _, ok := ParseDate(s); ok {
			t.Errorf("%q accepted", s)
		}
	}
	if _, ok := ParseDate("2028-02-29"); !ok {
		t.Error("leap day refused")
	}
	if AddDays("2026-03-01", -1) != "2026-02-28" || AddDays("2028-03-01", -1) != "2028-02-29" {
		t.Error("AddDays")
	}
}

func TestLinkageStep(t *testing.T) {
	cases := []struct {
		state, level, last, action, on string
		wantState, wantLevel           string
		err                            error
	}{
		{"open", "street", "2026-03-01", "raise", "2026-03-02", "open", "district", nil},
		{"open", "district", "2026-03-02", "raise", "2026-03-02", "open", "city", nil},
		{"open", "city", "2026-03-02", "raise", "2026-03-03", "open", "city", ErrLinkTop},
		{"open", "district", "2026-03-02", "answer", "2026-03-05", "answered", "district", nil},
		{"answered", "district", "2026-03-05", "close", "2026-03-06", "closed", "district", nil},
		{"open", "street", "2026-03-05", "close", "2026-03-06", "open", "street", ErrLinkOrder},
		{"answered", "street", "2026-03-05", "raise", "2026-03-06", "answered", "street", ErrLinkOrder},
		{"closed", "street", "2026-03-05", "answer", "2026-03-06", "closed", "street", ErrLinkOrder},
		{"open", "street", "2026-03-05", "raise", "2026-03-04", "open", "street", ErrLinkDate},
		{"open", "street", "2026-03-05", "frob", "2026-03-06", "open", "street", ErrLinkOrder},
	}
	for _, c := range cases {
		s, l, err := LinkageStep(c.state, c.level, c.last, c.action, c.on)
		if s != c.wantState || l != c.wantLevel || !errors.Is(err, c.err) || (err == nil) != (c.err == nil) {
			t.Errorf("%+v → %s %s %v", c, s, l, err)
		}
	}
}
