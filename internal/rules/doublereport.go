package rules

// Double report (双报到, SPEC §4, seed 001): the life of a need, what a
// registration covers, what counts, the four leads of leading cadres, the
// semiannual tables and their deadlines, the 30-day rule of the linkage
// ledger and the 15% recommendation quota. Dates are "YYYY-MM-DD" strings
// (they sort as they compare); hours are kept in hundredths.

import (
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// NeedState is where a need stands in its ledger.
type NeedState string

const (
	NeedOpen      NeedState = "open"      // published, or claimed then cancelled
	NeedClaimed   NeedState = "claimed"   // claimed, not yet completed
	NeedCompleted NeedState = "completed" // completed by the claimer, not yet confirmed
	NeedConfirmed NeedState = "confirmed" // rated by the person or community served: final
)

// NeedEvent is one step of a need's ledger.
type NeedEvent string

const (
	EventClaim    NeedEvent = "claim"
	EventCancel   NeedEvent = "cancel"
	EventComplete NeedEvent = "complete"
	EventConfirm  NeedEvent = "confirm"
)

// NeedEvents lists the events in the order of §4.
var NeedEvents = []NeedEvent{EventClaim, EventCancel, EventComplete, EventConfirm}

// ValidNeedEvent reports whether e is one of NeedEvents.
func ValidNeedEvent(e string) bool {
	for _, v := range NeedEvents {
		if string(v) == e {
			return true
		}
	}
	return false
}

// NextNeedState is the state after event e on a need in state s, and
// whether §4 allows e there: open →claim→ claimed →complete→ completed
// →confirm→ confirmed; claimed →cancel→ open. Everything else is refused.
func NextNeedState(s NeedState, e NeedEvent) (NeedState, bool) {
	switch {
	case s == NeedOpen && e == EventClaim:
		return NeedClaimed, true
	case s == NeedClaimed && e == EventCancel:
		return NeedOpen, true
	case s == NeedClaimed && e == EventComplete:
		return NeedCompleted, true
	case s == NeedCompleted && e == EventConfirm:
		return NeedConfirmed, true
	}
	return s, false
}

// Need kinds and wish types (§4).
const (
	KindProject = "project" // 公益服务项目
	KindWish    = "wish"    // 微心愿

	WishMaterial  = "material"  // 物质
	WishSpiritual = "spiritual" // 精神
)

// ValidNeedKind reports whether k is project or wish.
func ValidNeedKind(k string) bool { return k == KindProject || k == KindWish }

// ValidWishType reports whether w is material or spiritual.
func ValidWishType(w string) bool { return w == WishMaterial || w == WishSpiritual }

// Org levels (§4: an optional column of orgs).
const (
	LevelDistrict  = "district"
	LevelStreet    = "street"    // 街道、园区、镇
	LevelCommunity = "community" // 社区、村
)

// ValidLevel reports whether l is a level or empty.
func ValidLevel(l string) bool {
	return l == "" || l == LevelDistrict || l == LevelStreet || l == LevelCommunity
}

// ParseDate checks a "YYYY-MM-DD" date (a real day of the calendar).
func ParseDate(s string) (string, bool) {
	if len(s) != 10 {
		return "", false
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil || t.Format("2006-01-02") != s {
		return "", false
	}
	return s, true
}

// AddDays is the date n days after d (before, for n < 0). d must be valid.
func AddDays(d string, n int) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, n).Format("2006-01-02")
}

// Interval is a registration's span: [From, To), To empty while it lasts.
type Interval struct {
	From string // registered_on
	To   string // left_on, "" while registered
}

// ActiveOn reports whether the registration is active on day d:
// registered_on ≤ d and (left_on empty or d < left_on).
func (iv Interval) ActiveOn(d string) bool {
	return iv.From <= d && (iv.To == "" || d < iv.To)
}

// ActiveDuring reports whether it is active on some day of [from, to].
func (iv Interval) ActiveDuring(from, to string) bool {
	return iv.From <= to && (iv.To == "" || from < iv.To)
}

// Overlaps reports whether two registrations share a day.
func (iv Interval) Overlaps(o Interval) bool {
	aEndsAfterB := iv.To == "" || o.From < iv.To
	bEndsAfterA := o.To == "" || iv.From < o.To
	return aEndsAfterB && bEndsAfterA
}

// CheckInterval refuses a left_on that is not after registered_on.
func CheckInterval(iv Interval) error {
	if iv.To != "" && iv.To <= iv.From {
		return errors.New("left_on must be after registered_on")
	}
	return nil
}

// ParseHours reads hours of service: a decimal ≥ 0 with at most two
// decimals ("2", "1.5", "0.25"), into hundredths.
func ParseHours(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("hours are required")
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && frac == "") || len(frac) > 2 || len(whole) > 7 {
		return 0, fmt.Errorf("hours %q are not a decimal ≥ 0 with at most two decimals", s)
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("hours %q are not a decimal ≥ 0 with at most two decimals", s)
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

// ConfirmRating accepts a confirmation's rating on the 3-level scale of §2
// (满意, 基本满意, 不满意), in English or Chinese.
func ConfirmRating(s string) (pingyi.Rating, bool) {
	r, ok := pingyi.ParseRating(strings.TrimSpace(s))
	if !ok || !pingyi.Scale(3).Allows(r) || r == pingyi.Abstain {
		return "", false
	}
	return r, true
}

// Claimer is who claims a need: one member or one org.
type Claimer struct {
	MemberID int64
	OrgID    int64
}

// IsMember reports whether a member claims.
func (c Claimer) IsMember() bool { return c.MemberID != 0 }

// LedgerState is what the checks of one event need to know of a need.
type LedgerState struct {
	State       NeedState
	PublishedOn string
	LastOn      string  // date of its last event, "" for none
	Claimer     Claimer // the current claimer (claimed, completed, confirmed)
}

// EventInput is one proposed event.
type EventInput struct {
	Event      NeedEvent
	On         string
	Claimer    Claimer // claim, cancel, complete
	Hours      int64   // complete, hundredths
	Registered bool    // claim: the claimer is registered with the need's community on On
}

// Ledger refusals, each naming the broken rule.
var (
	ErrOutOfOrder     = errors.New("out of the order of §4")
	ErrBeforeLast     = errors.New("dated before the need's last event")
	ErrBeforePublish  = errors.New("dated before the need was published")
	ErrNotRegistered  = errors.New("the claimer is not registered with the need's community on that day")
	ErrOtherClaimer   = errors.New("not the claimer of the need")
	ErrMemberHours    = errors.New("a member's hours must be more than 0")
	ErrClaimerMissing = errors.New("exactly one of member and org is needed")
)

// ApplyEvent checks event in against the need and returns its new ledger
// state, or the first broken rule. Nothing else is consulted: the caller
// says whether the claimer is registered that day.
func ApplyEvent(ls LedgerState, in EventInput) (LedgerState, error) {
	if in.On < ls.PublishedOn {
		return ls, ErrBeforePublish
	}
	if ls.LastOn != "" && in.On < ls.LastOn {
		return ls, ErrBeforeLast
	}
	next, ok := NextNeedState(ls.State, in.Event)
	if !ok {
		return ls, ErrOutOfOrder
	}
	switch in.Event {
	case EventClaim, EventCancel, EventComplete:
		if (in.Claimer.MemberID == 0) == (in.Claimer.OrgID == 0) {
			return ls, ErrClaimerMissing
		}
	}
	switch in.Event {
	case EventClaim:
		if !in.Registered {
			return ls, ErrNotRegistered
		}
		ls.Claimer = in.Claimer
	case EventCancel:
		if in.Claimer != ls.Claimer {
			return ls, ErrOtherClaimer
		}
		ls.Claimer = Claimer{}
	case EventComplete:
		if in.Claimer != ls.Claimer {
			return ls, ErrOtherClaimer
		}
		if in.Claimer.IsMember() && in.Hours <= 0 {
			return ls, ErrMemberHours
		}
	}
	ls.State = next
	ls.LastOn = in.On
	return ls, nil
}

// OpenOver30 reports whether an open need published on publishedOn is at
// least 30 days old on day d (open_over_30 of Appendix 2; the linkage
// ledger takes in such projects).
func OpenOver30(state NeedState, publishedOn, d string) bool {
	return state == NeedOpen && publishedOn <= AddDays(d, -30)
}

// LinkageDue reports whether a need becomes an item of the street's
// linkage ledger on day d: a project still open 30 days after it was
// published.
func LinkageDue(kind string, state NeedState, publishedOn, d string) bool {
	return kind == KindProject && OpenOver30(state, publishedOn, d)
}

// Linkage ledger levels, in the order an item is raised.
const (
	LinkStreet   = "street"
	LinkDistrict = "district"
	LinkCity     = "city"
)

// RaiseLinkage is the level an item goes to from level, and whether there
// is one above.
func RaiseLinkage(level string) (string, bool) {
	switch level {
	case LinkStreet:
		return LinkDistrict, true
	case LinkDistrict:
		return LinkCity, true
	}
	return level, false
}

// Rate is num ÷ den exactly, nil when den is 0 (shown empty).
func Rate(num, den int64) *big.Rat {
	if den == 0 {
		return nil
	}
	return big.NewRat(num, den)
}

// SatisfactionRate is (confirmed − dissatisfied) ÷ confirmed.
func SatisfactionRate(confirmed, dissatisfied int64) *big.Rat {
	return Rate(confirmed-dissatisfied, confirmed)
}

// Four leads (四带头): each leader's minimums per year, in the order the
// `missing` column lists them.
var LeadKinds = []string{"planning", "investigation", "opinion", "lecture", "project"}

// LeadMinimum is each kind's minimum per year.
var LeadMinimum = map[string]int{"planning": 1, "investigation": 2, "opinion": 1, "lecture": 1, "project": 1}

// ValidLeadKind reports whether k may be imported as a lead (project is
// counted from completions, not imported).
func ValidLeadKind(k string) bool {
	return k == "planning" || k == "investigation" || k == "opinion" || k == "lecture"
}

// LeadsCompliance is whether a leader's counts of the year meet every
// minimum, and the kinds below it in LeadKinds order.
func LeadsCompliance(counts map[string]int) (bool, []string) {
	var missing []string
	for _, k := range LeadKinds {
		if counts[k] < LeadMinimum[k] {
			missing = append(missing, k)
		}
	}
	return len(missing) == 0, missing
}

// RecommendQuota is the most members (or units) a street may recommend:
// round_half_up(15% × n), and at least 1 when n ≥ 1.
func RecommendQuota(n int) int {
	if n <= 0 {
		return 0
	}
	// round_half_up(15n/100) = ⌊(15n + 50) / 100⌋, exactly.
	q := (15*n + 50) / 100
	if q < 1 {
		q = 1
	}
	return q
}

// ParseHalf reads "YYYYH1" or "YYYYH2" into its first and last days.
func ParseHalf(s string) (from, to string, err error) {
	if len(s) != 6 || (s[4:] != "H1" && s[4:] != "H2") {
		return "", "", fmt.Errorf("half %q is not YYYYH1 or YYYYH2", s)
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1921 {
		return "", "", fmt.Errorf("half %q is not YYYYH1 or YYYYH2", s)
	}
	if s[4:] == "H1" {
		return s[:4] + "-01-01", s[:4] + "-06-30", nil
	}
	return s[:4] + "-07-01", s[:4] + "-12-31", nil
}

// HalfDue is the due date of a half's tables: 26 June, 26 December.
func HalfDue(year, half int) string {
	if half == 1 {
		return fmt.Sprintf("%04d-06-26", year)
	}
	return fmt.Sprintf("%04d-12-26", year)
}

// Submission statuses on the district's dashboard.
const (
	SubmitOnTime  = "on_time"
	SubmitLate    = "late"
	SubmitMissing = "missing"
	SubmitPending = "pending" // not submitted, not yet due
)

// SubmissionStatus judges a table due on due, submitted on submittedOn
// ("" when not) as seen on day today: on or before the due date is on
// time; after it, late; not submitted after the due date, missing.
func SubmissionStatus(due, submittedOn, today string) string {
	switch {
	case submittedOn != "" && submittedOn <= due:
		return SubmitOnTime
	case submittedOn != "":
		return SubmitLate
	case today > due:
		return SubmitMissing
	}
	return SubmitPending
}

// ReminderDay is the day five working days before due (§7: working is the
// calendar's test of a day).
func ReminderDay(due string, working func(string) bool) string {
	d := due
	for n := 0; n < 5; {
		d = AddDays(d, -1)
		if working(d) {
			n++
		}
	}
	return d
}

// Weekdays is the calendar with nothing imported: Monday to Friday.
func Weekdays(d string) bool {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return false
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// BoardRow is one member of the service board.
type BoardRow struct {
	Rank       int
	MemberCode string
	Completed  int64
	Hours      int64 // hundredths
	Satisfied  int64
}

// RankBoard orders the board: completed, then hours, descending, then
// member code; rank is the position from 1. It keeps the top n (n ≤ 0:
// all).
func RankBoard(rows []BoardRow, n int) []BoardRow {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Completed != b.Completed {
			return a.Completed > b.Completed
		}
		if a.Hours != b.Hours {
			return a.Hours > b.Hours
		}
		return a.MemberCode < b.MemberCode
	})
	if n > 0 && len(rows) > n {
		rows = rows[:n]
	}
	for i := range rows {
		rows[i].Rank = i + 1
	}
	return rows
}

// Linkage item states and actions (Annex 3): an item opens at the street
// (an urgent one is raised to the district the same day), is raised to the
// district and then the city, each step dated; it is answered by the level
// that solves it and closed with feedback to whoever raised it.
const (
	LinkOpen     = "open"
	LinkAnswered = "answered"
	LinkClosed   = "closed"

	LinkRaise  = "raise"
	LinkAnswer = "answer"
	LinkClose  = "close"
)

// Linkage refusals.
var (
	ErrLinkOrder = errors.New("out of the order open → raise → answer → close")
	ErrLinkTop   = errors.New("already at the city: nothing to raise it to")
	ErrLinkDate  = errors.New("dated before the item's last step")
)

// LinkageStep is an item's state and level after action on day on, or the
// broken rule.
func LinkageStep(state, level, lastOn, action, on string) (string, string, error) {
	if on < lastOn {
		return state, level, ErrLinkDate
	}
	switch {
	case action == LinkRaise && state == LinkOpen:
		next, ok := RaiseLinkage(level)
		if !ok {
			return state, level, ErrLinkTop
		}
		return state, next, nil
	case action == LinkAnswer && state == LinkOpen:
		return LinkAnswered, level, nil
	case action == LinkClose && state == LinkAnswered:
		return LinkClosed, level, nil
	}
	return state, level, ErrLinkOrder
}
