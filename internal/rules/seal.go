package rules

import "time"

// The seal of an appraisal (SPEC §2, issue 10): once ballots exist, the
// people who run a campaign can neither reopen it after its close, nor
// read a smaller group of ballots by lowering the anonymity threshold.

// MinAnonymity is the floor of a campaign's anonymity threshold: a result
// drawn from fewer ballots is never shown. MaxAnonymity bounds it above.
const (
	MinAnonymity = 3
	MaxAnonymity = 100
)

// Window is a campaign's voting window: RFC 3339 times, "" for no bound.
type Window struct{ Opens, Closes string }

// ClosedAt reports whether the window has closed at now (a bad time
// counts as no bound, as appraisal.State reads it).
func (w Window) ClosedAt(now time.Time) bool {
	if w.Closes == "" {
		return false
	}
	t, err := time.Parse(time.RFC3339, w.Closes)
	return err == nil && !now.Before(t)
}

// opensAfter reports whether the window opens after now.
func (w Window) opensAfter(now time.Time) bool {
	if w.Opens == "" {
		return false
	}
	t, err := time.Parse(time.RFC3339, w.Opens)
	return err == nil && now.Before(t)
}

// Seal violations, each naming the setting refused.
const (
	SealReopen           = "reopen"            // closes: the window of a closed campaign with ballots changes
	SealOpensLater       = "opens_later"       // opens: moved after now while ballots exist
	SealThresholdFloor   = "threshold_floor"   // anonymity: below MinAnonymity or above MaxAnonymity
	SealThresholdLowered = "threshold_lowered" // anonymity: lowered while ballots exist
)

// SealChange is a proposed change of a campaign's window and threshold.
type SealChange struct {
	Old, New                   Window
	OldAnonymity, NewAnonymity int
	Ballots                    bool // ballots (or window ratings) exist
}

// CheckSeal returns the violations of a change at now (none: allowed):
//
//   - a campaign closed with ballots keeps its window as it is, forever
//     (no reopening by clearing or moving its close, no new start);
//   - while ballots exist, the start never moves after now (ballots would
//     precede the window, and the campaign open again later);
//   - the threshold lies in MinAnonymity..MaxAnonymity and, while ballots
//     exist, never goes down.
//
// Closing an open campaign (a close at or before now) is allowed.
func CheckSeal(ch SealChange, now time.Time) []string {
	var out []string
	if ch.Ballots && ch.Old.ClosedAt(now) && ch.New != ch.Old {
		out = append(out, SealReopen)
	} else if ch.Ballots && ch.New.Opens != ch.Old.Opens && ch.New.opensAfter(now) {
		out = append(out, SealOpensLater)
	}
	switch {
	case ch.NewAnonymity < MinAnonymity || ch.NewAnonymity > MaxAnonymity:
		out = append(out, SealThresholdFloor)
	case ch.Ballots && ch.NewAnonymity < ch.OldAnonymity:
		out = append(out, SealThresholdLowered)
	}
	return out
}
