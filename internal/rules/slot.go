package rules

import "github.com/pingyi/pingyi/internal/pingyi"

// Slot is a rating's place in a tally (satisfied, fairly satisfied,
// basically satisfied, dissatisfied, abstain: 0–4), the one mapping of
// every tally, of the ballots' stored ratings and of window ratings.
func Slot(r pingyi.Rating) int {
	switch r {
	case pingyi.Satisfied:
		return 0
	case pingyi.FairlySatisfied:
		return 1
	case pingyi.BasicallySatisfied:
		return 2
	case pingyi.Dissatisfied:
		return 3
	}
	return 4
}

// Slots are a tally's counts in Slot order.
func (t Tally) Slots() [5]int64 {
	return [5]int64{t.Satisfied, t.FairlySatisfied, t.BasicallySatisfied, t.Dissatisfied, t.Abstain}
}

// Of is the tally's count of rating r.
func (t Tally) Of(r pingyi.Rating) int64 { return t.Slots()[Slot(r)] }
