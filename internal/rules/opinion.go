package rules

import (
	"math/big"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// The voice of the masses (SPEC §5, seed 004): one inbox whose opinions
// (意见建议) each live as a ledger of timed events, with time limits counted
// on the working-day calendar, and three rates over a period.

// Channel is how an opinion came in.
type Channel string

const (
	ChannelVisit     Channel = "visit"     // 上门走访
	ChannelSeminar   Channel = "seminar"   // 座谈会
	ChannelReception Channel = "reception" // 党代表接待
	ChannelEmail     Channel = "email"     // 电子邮箱
	ChannelBox       Channel = "box"       // 建言信箱
	ChannelWeb       Channel = "web"       // 网络留言
	ChannelHotline   Channel = "hotline"   // 热线电话
)

// Channels lists the channels in the order of SPEC §5.
var Channels = []Channel{ChannelVisit, ChannelSeminar, ChannelReception, ChannelEmail, ChannelBox, ChannelWeb, ChannelHotline}

// OpinionCategory is what an opinion asks for.
type OpinionCategory string

const (
	CategoryConsultation OpinionCategory = "consultation" // 咨询
	CategoryHelp         OpinionCategory = "help"         // 求助
	CategorySuggestion   OpinionCategory = "suggestion"   // 建议
	CategoryComplaint    OpinionCategory = "complaint"    // 投诉
	CategoryPraise       OpinionCategory = "praise"       // 表扬
)

// OpinionCategories lists the categories in the order of SPEC §5.
var OpinionCategories = []OpinionCategory{CategoryConsultation, CategoryHelp, CategorySuggestion, CategoryComplaint, CategoryPraise}

// Urgency of an opinion.
type Urgency string

const (
	Normal Urgency = "normal"
	Urgent Urgency = "urgent"
)

// Outcome of a reply.
type Outcome string

const (
	Resolved   Outcome = "resolved"   // 已解决
	Partly     Outcome = "partly"     // 部分解决
	Unresolved Outcome = "unresolved" // 未解决 (with the reason)
)

// OpinionEventKind is one step of an opinion's ledger.
type OpinionEventKind string

const (
	EvReceive        OpinionEventKind = "receive"
	EvRoute          OpinionEventKind = "route"
	EvAccept         OpinionEventKind = "accept"
	EvExtend         OpinionEventKind = "extend"
	EvReply          OpinionEventKind = "reply"
	EvSeen           OpinionEventKind = "seen"
	EvCallbackFailed OpinionEventKind = "callback_failed"
	EvRate           OpinionEventKind = "rate"
	EvClose          OpinionEventKind = "close"
)

// OpinionEventKinds lists the events in ledger order.
var OpinionEventKinds = []OpinionEventKind{EvReceive, EvRoute, EvAccept, EvExtend, EvReply, EvSeen, EvCallbackFailed, EvRate, EvClose}

// OpinionState is where an opinion stands after its events.
type OpinionState string

const (
	StateFiled    OpinionState = "filed"    // received, not routed
	StateRouted   OpinionState = "routed"   // sent to another org, not accepted
	StateAccepted OpinionState = "accepted" // the org works on it (also after a reopening)
	StateAnswered OpinionState = "answered" // replied, not yet seen
	StateSeen     OpinionState = "seen"     // the person has seen the reply
	StateRated    OpinionState = "rated"    // rated, final
	StateClosed   OpinionState = "closed"
)

// OpinionStates lists the states in order.
var OpinionStates = []OpinionState{StateFiled, StateRouted, StateAccepted, StateAnswered, StateSeen, StateRated, StateClosed}

func parseOf[T ~string](all []T, s string) (T, bool) {
	s = strings.TrimSpace(s)
	for _, v := range all {
		if string(v) == s {
			return v, true
		}
	}
	return "", false
}

// ParseChannel, ParseOpinionCategory, ParseUrgency ("" is normal),
// ParseOutcome and ParseOpinionEvent parse the English codes of SPEC §5.
func ParseChannel(s string) (Channel, bool) { return parseOf(Channels, s) }

func ParseOpinionCategory(s string) (OpinionCategory, bool) { return parseOf(OpinionCategories, s) }

func ParseUrgency(s string) (Urgency, bool) {
	if strings.TrimSpace(s) == "" {
		return Normal, true
	}
	return parseOf([]Urgency{Normal, Urgent}, s)
}

func ParseOutcome(s string) (Outcome, bool) {
	return parseOf([]Outcome{Resolved, Partly, Unresolved}, s)
}

func ParseOpinionEvent(s string) (OpinionEventKind, bool) { return parseOf(OpinionEventKinds, s) }

// OpinionRatings is the 3-level scale an opinion is rated on.
var OpinionRatings = []pingyi.Rating{pingyi.Satisfied, pingyi.BasicallySatisfied, pingyi.Dissatisfied}

// ParseOpinionRating parses a rating of the 3-level scale, in English or
// Chinese (满意, 基本满意, 不满意).
func ParseOpinionRating(s string) (pingyi.Rating, bool) {
	r, ok := pingyi.ParseRating(strings.TrimSpace(s))
	if !ok {
		return "", false
	}
	for _, v := range OpinionRatings {
		if v == r {
			return r, true
		}
	}
	return "", false
}

// Time limits (SPEC §5).
const (
	AcceptWorkingDays = 1              // accept within 1 working day
	UrgentAccept      = 2 * time.Hour  // urgent: 2 hours
	UrgentReply       = 24 * time.Hour // urgent: 24 hours after receipt
)

// ReplyWorkingDays is the reply limit of a category: 3 working days for
// consultation and help, 5 for suggestion and praise, 10 for complaint.
func ReplyWorkingDays(c OpinionCategory) int {
	switch c {
	case CategoryConsultation, CategoryHelp:
		return 3
	case CategorySuggestion, CategoryPraise:
		return 5
	case CategoryComplaint:
		return 10
	}
	return 0
}

// OpinionEvent is one event of the ledger.
type OpinionEvent struct {
	Kind OpinionEventKind
	At   time.Time
	Org  string // receive, route: the org it goes to
	// receive
	Channel  Channel
	Category OpinionCategory
	Urgency  Urgency
	DayOnly  bool          // the time of receipt is known to the day only (anonymous)
	Outcome  Outcome       // reply
	Rating   pingyi.Rating // rate
}

// Opinion is an opinion's ledger folded: its state and deadlines.
type Opinion struct {
	Channel  Channel
	Category OpinionCategory
	Urgency  Urgency
	// DayOnly: the receipt is known to the day only (an anonymous opinion
	// keeps no time finer than the day); its hour limits count from the
	// end of that day.
	DayOnly bool
	Org     string // the org it is routed to (after the last route)
	State   OpinionState

	ReceivedAt time.Time
	AcceptBy   time.Time // the acceptance deadline
	ReplyBy    time.Time // the reply deadline in force
	// FirstReplyBy is the first reply deadline as extended before the
	// first reply: the response rate judges the first reply against it.
	FirstReplyBy time.Time
	FirstReplyAt time.Time // zero until replied
	AcceptedAt   time.Time
	Extended     bool
	Reopened     bool
	Outcome      Outcome       // of the latest reply
	Rating       pingyi.Rating // the latest rating
	Ratings      int
	// FailedCallbacks counts callback_failed events since the last reply.
	FailedCallbacks int
	Last            time.Time // the last event's time
	Events          int
}

// OpinionRules applies the ledger's rules with a calendar; dates of
// working-day limits are taken in Loc.
type OpinionRules struct {
	Cal *Calendar
	Loc *time.Location
}

func (r OpinionRules) loc() *time.Location {
	if r.Loc == nil {
		return time.Local
	}
	return r.Loc
}

// hourBase is where an opinion's hour limits count from: the time of
// receipt, or the end of its day when only the day is known.
func (r OpinionRules) hourBase(o *Opinion) time.Time {
	if !o.DayOnly {
		return o.ReceivedAt
	}
	return midnight(o.ReceivedAt.In(r.loc())).AddDate(0, 0, 1)
}

// replyLimitFrom is the reply deadline counted from t: the category's
// working days (23:59:59 of the N-th working day after t's date), or 24
// hours for an urgent opinion.
func (r OpinionRules) replyLimitFrom(o *Opinion, t time.Time) time.Time {
	if o.Urgency == Urgent {
		return t.Add(UrgentReply)
	}
	return r.Cal.WorkingDaysEnd(t, ReplyWorkingDays(o.Category), r.loc())
}

// Apply adds event e to the ledger folded in o, or refuses it (o is left
// as it was) with the column of the import file at fault: an event out of
// the order of SPEC §5, dated before the last event, a second extend, an
// extension after the reply deadline, a close of an opinion not seen.
func (r OpinionRules) Apply(o *Opinion, e OpinionEvent) *CellError {
	n := *o
	if n.Events > 0 && e.At.Before(n.Last) {
		ce := cellError("at", "dated before the opinion's last event (%s)", n.Last.In(r.loc()).Format("2006-01-02 15:04"))
		return &ce
	}
	outOfOrder := func() *CellError {
		state := string(n.State)
		if n.Events == 0 {
			state = "not received"
		}
		ce := cellError("event", "%s is out of order: the opinion is %s", string(e.Kind), state)
		return &ce
	}
	if n.Events == 0 && e.Kind != EvReceive {
		return outOfOrder()
	}
	switch e.Kind {
	case EvReceive:
		if n.Events > 0 {
			return outOfOrder()
		}
		if ReplyWorkingDays(e.Category) == 0 {
			ce := cellError("category", "unknown category %q (consultation, help, suggestion, complaint, praise)", string(e.Category))
			return &ce
		}
		urgency := e.Urgency
		if urgency == "" {
			urgency = Normal
		}
		n = Opinion{Channel: e.Channel, Category: e.Category, Urgency: urgency, DayOnly: e.DayOnly,
			Org: e.Org, State: StateFiled, ReceivedAt: e.At}
		if urgency == Urgent {
			n.AcceptBy = r.hourBase(&n).Add(UrgentAccept)
			n.ReplyBy = r.hourBase(&n).Add(UrgentReply)
		} else {
			n.AcceptBy = r.Cal.WorkingDaysEnd(e.At, AcceptWorkingDays, r.loc())
			n.ReplyBy = r.Cal.WorkingDaysEnd(e.At, ReplyWorkingDays(n.Category), r.loc())
		}
		n.FirstReplyBy = n.ReplyBy
	case EvRoute:
		// Before acceptance; the deadlines stay (a route never resets one).
		if n.State != StateFiled && n.State != StateRouted {
			return outOfOrder()
		}
		n.Org, n.State = e.Org, StateRouted
	case EvAccept:
		if n.State != StateFiled && n.State != StateRouted {
			return outOfOrder()
		}
		n.State, n.AcceptedAt = StateAccepted, e.At
	case EvExtend:
		if n.State != StateAccepted {
			return outOfOrder()
		}
		if n.Extended {
			ce := cellError("event", "a second extend: an opinion is extended once")
			return &ce
		}
		if e.At.After(n.ReplyBy) {
			ce := cellError("at", "too late to extend: the reply deadline was %s", n.ReplyBy.In(r.loc()).Format("2006-01-02 15:04"))
			return &ce
		}
		n.ReplyBy = r.replyLimitFrom(&n, n.ReplyBy)
		if n.FirstReplyAt.IsZero() {
			n.FirstReplyBy = n.ReplyBy
		}
		n.Extended = true
	case EvReply:
		if n.State != StateAccepted {
			return outOfOrder()
		}
		if e.Outcome == "" {
			ce := cellError("outcome", "required")
			return &ce
		}
		n.State, n.Outcome, n.FailedCallbacks = StateAnswered, e.Outcome, 0
		if n.FirstReplyAt.IsZero() {
			n.FirstReplyAt = e.At
		}
	case EvSeen:
		if n.State != StateAnswered {
			return outOfOrder()
		}
		n.State = StateSeen
	case EvCallbackFailed:
		if n.State != StateAnswered {
			return outOfOrder()
		}
		n.FailedCallbacks++
	case EvRate:
		if n.State != StateAnswered && n.State != StateSeen {
			if n.FirstReplyAt.IsZero() {
				ce := cellError("event", "rate needs a reply before it")
				return &ce
			}
			return outOfOrder()
		}
		if e.Rating == "" {
			ce := cellError("rating", "required")
			return &ce
		}
		n.Ratings++
		n.Rating = e.Rating
		if n.Ratings == 1 && e.Rating == pingyi.Dissatisfied {
			// A dissatisfied first rating reopens it, with a new reply
			// deadline counted from the rating; the next rating is final.
			n.State, n.Reopened = StateAccepted, true
			n.ReplyBy = r.replyLimitFrom(&n, e.At)
		} else {
			n.State = StateRated
		}
	case EvClose:
		switch {
		case n.State == StateRated, n.State == StateSeen:
		case n.State == StateAnswered && n.FailedCallbacks >= 3:
		case n.State == StateClosed:
			return outOfOrder()
		default:
			ce := cellError("event", "an opinion is closed only once seen or rated, or after three failed call-backs since the last reply (it is %s)", string(n.State))
			return &ce
		}
		n.State = StateClosed
	default:
		ce := cellError("event", "unknown event %q (receive, route, accept, extend, reply, seen, callback_failed, rate, close)", string(e.Kind))
		return &ce
	}
	n.Last = e.At
	n.Events++
	*o = n
	return nil
}

// Open reports whether the org still owes the opinion something: an
// acceptance or a reply.
func (o *Opinion) Open() bool {
	switch o.State {
	case StateFiled, StateRouted, StateAccepted:
		return true
	}
	return false
}

// Deadline is the next deadline the org has to meet (zero when none): the
// acceptance deadline before acceptance, then the reply deadline.
func (o *Opinion) Deadline() time.Time {
	switch o.State {
	case StateFiled, StateRouted:
		return o.AcceptBy
	case StateAccepted:
		return o.ReplyBy
	}
	return time.Time{}
}

// Overdue reports whether a deadline the org has to meet has passed at
// now: acceptance not made in time, or the reply. An opinion not accepted
// whose reply deadline has passed is overdue on both counts.
func (o *Opinion) Overdue(now time.Time) bool {
	if !o.Open() {
		return false
	}
	if now.After(o.ReplyBy) {
		return true
	}
	return now.After(o.Deadline())
}

// OpinionTally holds the counts of SPEC §6 opinions stats for one org (or
// the total): opinions received in the period as of a time.
type OpinionTally struct {
	Received, Due, Replied, RepliedOnTime             int
	Resolved, Partly, Unresolved, Rated, Dissatisfied int
}

// Add counts one opinion whose ledger o holds the events up to asOf.
func (t *OpinionTally) Add(o *Opinion, asOf time.Time) {
	t.Received++
	replied := !o.FirstReplyAt.IsZero()
	if replied {
		t.Replied++
		if !o.FirstReplyAt.After(o.FirstReplyBy) { // a reply at the deadline is on time
			t.RepliedOnTime++
		}
		switch o.Outcome {
		case Resolved:
			t.Resolved++
		case Partly:
			t.Partly++
		case Unresolved:
			t.Unresolved++
		}
	}
	if replied || o.FirstReplyBy.Before(asOf) {
		t.Due++
	}
	if o.Ratings > 0 {
		t.Rated++
		if o.Rating == pingyi.Dissatisfied {
			t.Dissatisfied++
		}
	}
}

// Plus adds the counts of u (the TOTAL row sums the counts).
func (t *OpinionTally) Plus(u OpinionTally) {
	t.Received += u.Received
	t.Due += u.Due
	t.Replied += u.Replied
	t.RepliedOnTime += u.RepliedOnTime
	t.Resolved += u.Resolved
	t.Partly += u.Partly
	t.Unresolved += u.Unresolved
	t.Rated += u.Rated
	t.Dissatisfied += u.Dissatisfied
}

// Overdue counts the due opinions not replied on time (late and unanswered).
func (t OpinionTally) Overdue() int { return t.Due - t.RepliedOnTime }

func ratio(num, den int) *big.Rat {
	if den == 0 {
		return nil
	}
	return big.NewRat(int64(num), int64(den))
}

// ResponseRate is replied on time ÷ due (nil when nothing is due).
func (t OpinionTally) ResponseRate() *big.Rat { return ratio(t.RepliedOnTime, t.Due) }

// ResolutionRate is resolved ÷ replied (partly is not resolved).
func (t OpinionTally) ResolutionRate() *big.Rat { return ratio(t.Resolved, t.Replied) }

// SatisfactionRate is (rated − dissatisfied) ÷ rated, latest rating counting.
func (t OpinionTally) SatisfactionRate() *big.Rat { return ratio(t.Rated-t.Dissatisfied, t.Rated) }

// DueSoon reports whether the org should be reminded at now: a deadline it
// has to meet is not yet passed but ends by the end of the next working day
// (the reminder comes the working day before a deadline).
func (r OpinionRules) DueSoon(o *Opinion, now time.Time) bool {
	if !o.Open() || o.Overdue(now) {
		return false
	}
	d := o.Deadline()
	return !d.After(r.Cal.WorkingDaysEnd(now, 1, r.loc()))
}
