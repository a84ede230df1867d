package appraisal

import (
	"fmt"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// BenchmarkCheckRatings validates a 12-rating ballot against a unit of
// 100 targets (what every submission goes through before it is queued).
func BenchmarkCheckRatings(b *testing.B) {
	c := &pingyi.Campaign{Scale: 3}
	targets := []pingyi.Target{{ID: 1, Type: pingyi.TargetOrg, Code: "B1"}, {ID: 2, Type: pingyi.TargetSecretary, Code: "B1"}}
	for i := 0; i < 98; i++ {
		targets = append(targets, pingyi.Target{ID: int64(3 + i), Type: pingyi.TargetMember, Code: fmt.Sprintf("M%05d", i)})
	}
	in := []RatingInput{{"org", "B1", "satisfied"}, {"secretary", "B1", "basically_satisfied"}}
	for i := 0; i < 10; i++ {
		in = append(in, RatingInput{"member", fmt.Sprintf("M%05d", i*9), []string{"satisfied", "dissatisfied", "abstain", "满意"}[i%4]})
	}
	for b.Loop() {
		if _, err := checkRatings(c, targets, in); err != nil {
			b.Fatal(err)
		}
	}
}
