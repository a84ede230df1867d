package rules

import (
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
)

func TestSlotAndOf(t *testing.T) {
	tl := Tally{Satisfied: 1, FairlySatisfied: 2, BasicallySatisfied: 3, Dissatisfied: 4, Abstain: 5}
	for _, c := range []struct {
		r    pingyi.Rating
		slot int
		n    int64
	}{
		{pingyi.Satisfied, 0, 1}, {pingyi.FairlySatisfied, 1, 2}, {pingyi.BasicallySatisfied, 2, 3},
		{pingyi.Dissatisfied, 3, 4}, {pingyi.Abstain, 4, 5},
	} {
		if got := Slot(c.r); got != c.slot {
			t.Errorf("Slot(%s) = %d, want %d", c.r, got, c.slot)
		}
		if got := tl.Of(c.r); got != c.n {
			t.Errorf("Of(%s) = %d, want %d", c.r, got, c.n)
		}
		// Add and Slot agree: a rating added lands in its slot.
		var one Tally
		one.Add(c.r)
		if s := one.Slots(); s[c.slot] != 1 || one.Total() != 1 {
			t.Errorf("Add(%s) gives slots %v, want 1 at %d", c.r, s, c.slot)
		}
	}
}

func TestWithheld(t *testing.T) {
	for _, c := range []struct {
		n         int64
		threshold int
		want      bool
	}{{0, 3, true}, {2, 3, true}, {3, 3, false}, {10, 3, false}, {0, 0, false}, {1, 1, false}} {
		if got := Withheld(c.n, c.threshold); got != c.want {
			t.Errorf("Withheld(%d, %d) = %v, want %v", c.n, c.threshold, got, c.want)
		}
	}
}

// TestTallyArithmetic checks AddSlot, Plus, Minus, Dest and the compact
// encoding against the slot order.
func TestTallyArithmetic(t *testing.T) {
	tl := Tally{Satisfied: 1, FairlySatisfied: 2, BasicallySatisfied: 3, Dissatisfied: 4, Abstain: 5}
	var b Tally
	for i, n := range tl.Slots() {
		b.AddSlot(i, n)
	}
	if b != tl {
		t.Fatalf("AddSlot built %+v, want %+v", b, tl)
	}
	if got := tl.Plus(tl).Minus(tl); got != tl {
		t.Errorf("Plus then Minus = %+v, want %+v", got, tl)
	}
	if d := tl.Minus(tl.Plus(tl)); d.Slots() != [5]int64{-1, -2, -3, -4, -5} {
		t.Errorf("Minus = %v", d.Slots())
	}
	var s Tally
	for i, p := range s.Dest() {
		*p.(*int64) = int64(10 + i)
	}
	if s.Slots() != [5]int64{10, 11, 12, 13, 14} {
		t.Errorf("Dest wrote %v, want slots 10–14 in order", s.Slots())
	}
	c := tl.Compact()
	if c.Tally() != tl || c.Valid() != tl.Valid() || c.Total() != tl.Total() {
		t.Errorf("compact %+v decodes to %+v, want %+v", c, c.Tally(), tl)
	}
	c.Add(Tally{Satisfied: -1, Abstain: 2})
	if c.Tally() != (Tally{0, 2, 3, 4, 7}) {
		t.Errorf("compact Add = %+v", c.Tally())
	}
	c.AddSlot(1, 3)
	c.AddSlot(9, 1) // outside the slots: abstain, like Slot
	if c.Tally() != (Tally{0, 5, 3, 4, 8}) {
		t.Errorf("compact AddSlot = %+v", c.Tally())
	}
}
