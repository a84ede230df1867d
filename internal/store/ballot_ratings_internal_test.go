package store

import (
	"bytes"
	"maps"
	"testing"

	"pgregory.net/rapid"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// TestRatingsRoundTrip: any ballot's ratings decode to what was encoded.
func TestRatingsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := rapid.Int64Range(1, 1<<62).Draw(t, "base")
		n := rapid.IntRange(0, 40).Draw(t, "n")
		in := map[int64]pingyi.Rating{}
		for i := 0; i < n; i++ {
			id := base + rapid.Int64Range(0, 1<<40).Draw(t, "offset")
			in[id] = ratingOf[rapid.IntRange(0, 4).Draw(t, "rating")]
		}
		out, err := DecodeRatings(EncodeRatings(in))
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(in, out) {
			t.Fatalf("round trip: %v → %v", in, out)
		}
	})
}

// TestRatingsEncoding pins the format: ascending IDs as varint
// differences, each followed by the rating's tally index.
func TestRatingsEncoding(t *testing.T) {
	got := EncodeRatings(map[int64]pingyi.Rating{300: pingyi.Dissatisfied, 5: pingyi.Satisfied, 6: pingyi.Abstain})
	want := []byte{5, 0, 1, 4, 0xa6, 0x02, 3} // 5 → 0; +1 → 4; +294 → 3
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding % x, want % x", got, want)
	}
	for _, bad := range [][]byte{{5}, {5, 9}, {5, 0, 0, 0}, {0x80}, {0, 0}} {
		if _, err := DecodeRatings(bad); err == nil {
			t.Errorf("% x decoded without error", bad)
		}
	}
}

// FuzzDecodeRatings: arbitrary bytes never panic, and what decodes
// re-encodes to something that decodes the same.
func FuzzDecodeRatings(f *testing.F) {
	f.Add(EncodeRatings(map[int64]pingyi.Rating{1: pingyi.Satisfied, 1 << 60: pingyi.Abstain}))
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeRatings(b)
		if err != nil {
			return
		}
		again, err := DecodeRatings(EncodeRatings(m))
		if err != nil || !maps.Equal(m, again) {
			t.Fatalf("% x: %v then %v (%v)", b, m, again, err)
		}
	})
}
