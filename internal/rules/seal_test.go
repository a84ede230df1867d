package rules

import (
	"slices"
	"testing"
	"time"
)

// Hand-made cases of the seal (issue 10, points 1 and 2).
func TestCheckSeal(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	past, earlier, future := "2026-12-03T11:00:00Z", "2026-11-01T00:00:00Z", "2026-12-04T00:00:00Z"
	closed := Window{Opens: earlier, Closes: past}
	open := Window{Opens: earlier}
	for _, tc := range []struct {
		name string
		ch   SealChange
		want []string
	}{
		{"closed with ballots, close cleared (reopen)", SealChange{closed, Window{Opens: earlier}, 3, 3, true}, []string{SealReopen}},
		{"closed with ballots, close moved later", SealChange{closed, Window{earlier, future}, 3, 3, true}, []string{SealReopen}},
		{"closed with ballots, close moved earlier", SealChange{closed, Window{earlier, "2026-12-02T00:00:00Z"}, 3, 3, true}, []string{SealReopen}},
		{"closed with ballots, start changed", SealChange{closed, Window{"2026-10-01T00:00:00Z", past}, 3, 3, true}, []string{SealReopen}},
		{"closed with ballots, unchanged", SealChange{closed, closed, 3, 3, true}, nil},
		{"closed without ballots, reopened", SealChange{closed, open, 3, 3, false}, nil},
		{"open with ballots, closed now", SealChange{open, Window{earlier, past}, 3, 3, true}, nil},
		{"open with ballots, close moved later", SealChange{Window{earlier, future}, Window{earlier, "2026-12-05T00:00:00Z"}, 3, 3, true}, nil},
		{"open with ballots, start moved after now", SealChange{open, Window{future, "2026-12-05T00:00:00Z"}, 3, 3, true}, []string{SealOpensLater}},
		{"not open without ballots, start moved later", SealChange{Window{Opens: future}, Window{Opens: "2026-12-05T00:00:00Z"}, 3, 3, false}, nil},
		{"threshold 1 (attack)", SealChange{closed, closed, 3, 1, true}, []string{SealThresholdFloor}},
		{"threshold 2 without ballots", SealChange{open, open, 3, 2, false}, []string{SealThresholdFloor}},
		{"threshold 101", SealChange{open, open, 3, 101, false}, []string{SealThresholdFloor}},
		{"threshold lowered 5 to 4 with ballots", SealChange{open, open, 5, 4, true}, []string{SealThresholdLowered}},
		{"threshold lowered 5 to 4 without ballots", SealChange{open, open, 5, 4, false}, nil},
		{"threshold raised with ballots after close", SealChange{closed, closed, 3, 10, true}, nil},
		{"both", SealChange{closed, open, 5, 3, true}, []string{SealReopen, SealThresholdLowered}},
	} {
		if got := CheckSeal(tc.ch, now); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
