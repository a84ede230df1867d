package store

import (
	"hash/maphash"
	"testing"
)

// codeSet finds every code it was given with its line, also codes whose
// hash another code already has.
func TestCodeSet(t *testing.T) {
	c := newCodeSet()
	c.add("A1", 2)
	// Make "B2" collide with "A1": its hash taken by A1's entry.
	c.index[maphash.String(c.seed, "B2")] = 0
	c.add("B2", 3)
	c.add("", 4)
	c.add("长码-000001", 5)
	for code, line := range map[string]int{"A1": 2, "B2": 3, "": 4, "长码-000001": 5} {
		i, ok := c.find(code)
		if !ok || c.line(i) != line || c.code(i) != code {
			t.Errorf("find(%q) = %d %v (line %d)", code, i, ok, c.line(i))
		}
	}
	for _, code := range []string{"A", "B", "A1 ", "C3"} {
		if _, ok := c.find(code); ok {
			t.Errorf("find(%q) found a code never added", code)
		}
	}
}

// The IDs of a reserved block, as IDExpr computes them, are distinct, in
// order, and below every ID NewID gives afterwards.
func TestReserveIDs(t *testing.T) {
	const n = 20000
	ms, node := ReserveIDs(n)
	var last int64
	for rn := int64(1); rn <= n; rn++ {
		id := (ms+(rn-1)/8192)*2097152 + node<<13 + (rn-1)%8192
		if id <= last {
			t.Fatalf("id %d of the block is not above %d", rn, last)
		}
		last = id
	}
	for range 10000 {
		if id := NewID(); id <= last {
			t.Fatalf("NewID %d within the reserved block (last %d)", id, last)
		}
	}
}
