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

// AddSlot adds n to the count of slot i (Slot order; i outside 0–4 counts
// as abstain, like Slot).
func (t *Tally) AddSlot(i int, n int64) {
	switch i {
	case 0:
		t.Satisfied += n
	case 1:
		t.FairlySatisfied += n
	case 2:
		t.BasicallySatisfied += n
	case 3:
		t.Dissatisfied += n
	default:
		t.Abstain += n
	}
}

// Plus is the sum of two tallies, count by count.
func (t Tally) Plus(u Tally) Tally {
	return Tally{t.Satisfied + u.Satisfied, t.FairlySatisfied + u.FairlySatisfied, t.BasicallySatisfied + u.BasicallySatisfied,
		t.Dissatisfied + u.Dissatisfied, t.Abstain + u.Abstain}
}

// Minus is t less u, count by count (a delta: counts may be negative).
func (t Tally) Minus(u Tally) Tally {
	return Tally{t.Satisfied - u.Satisfied, t.FairlySatisfied - u.FairlySatisfied, t.BasicallySatisfied - u.BasicallySatisfied,
		t.Dissatisfied - u.Dissatisfied, t.Abstain - u.Abstain}
}

// Dest is the tally's counts as scan destinations in Slot order (the
// satisfied, fairly_satisfied, basically_satisfied, dissatisfied and
// abstain columns), after the destinations before.
func (t *Tally) Dest(before ...any) []any {
	return append(before, &t.Satisfied, &t.FairlySatisfied, &t.BasicallySatisfied, &t.Dissatisfied, &t.Abstain)
}

// CompactTally is the compact encoding of a Tally: int32 counts, for
// stores of many targets (a city's summary). Counts beyond int32 do not
// occur in one campaign's target (its ballots are far fewer).
type CompactTally struct{ n [5]int32 }

// Compact is t's compact encoding.
func (t Tally) Compact() CompactTally {
	return CompactTally{[5]int32{int32(t.Satisfied), int32(t.FairlySatisfied), int32(t.BasicallySatisfied),
		int32(t.Dissatisfied), int32(t.Abstain)}}
}

// Tally is the tally c encodes.
func (c CompactTally) Tally() Tally {
	return Tally{int64(c.n[0]), int64(c.n[1]), int64(c.n[2]), int64(c.n[3]), int64(c.n[4])}
}

// Add adds the counts of d (a delta: counts may be negative).
func (c *CompactTally) Add(d Tally) {
	for i, n := range d.Slots() {
		c.n[i] += int32(n)
	}
}

// AddSlot adds n to the count of slot i (as Tally.AddSlot).
func (c *CompactTally) AddSlot(i int, n int64) {
	if i < 0 || i > 4 {
		i = 4
	}
	c.n[i] += int32(n)
}

// Valid is the number of valid (non-abstain) ratings.
func (c CompactTally) Valid() int64 {
	return int64(c.n[0]) + int64(c.n[1]) + int64(c.n[2]) + int64(c.n[3])
}

// Total is the number of ratings counted, abstentions included.
func (c CompactTally) Total() int64 { return c.Valid() + int64(c.n[4]) }
