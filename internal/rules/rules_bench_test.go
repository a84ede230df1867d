package rules

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// benchCampaign is a campaign of n targets in units of 100 (an org, its
// secretary and 98 members), with plausible tallies of about 10 ratings.
func benchCampaign(n int) CampaignInput {
	r := rand.New(rand.NewPCG(1, 2))
	in := CampaignInput{Kind: pingyi.KindYearEnd, MinMassShare: big.NewRat(4, 5)}
	for i := 0; i < n; i++ {
		unit := fmt.Sprintf("U%05d", i/100)
		typ := pingyi.TargetMember
		switch i % 100 {
		case 0:
			typ = pingyi.TargetOrg
			in.Units = append(in.Units, UnitInput{Unit: unit, Ballots: 100, MassBallots: int64(70 + r.IntN(30))})
		case 1:
			typ = pingyi.TargetSecretary
		}
		code := unit
		if typ == pingyi.TargetMember {
			code = fmt.Sprintf("M%07d", i)
		}
		t := TargetInput{Type: typ, Code: code, Unit: unit}
		for k := 0; k < 10; k++ {
			switch x := r.IntN(100); {
			case x < 80:
				t.Tally.Satisfied++
			case x < 93:
				t.Tally.BasicallySatisfied++
			case x < 99:
				t.Tally.Dissatisfied++
			default:
				t.Tally.Abstain++
			}
		}
		in.Targets = append(in.Targets, t)
	}
	return in
}

// BenchmarkEvaluate applies R1–R5 to a campaign of 10,000 targets.
func BenchmarkEvaluate(b *testing.B) {
	in := benchCampaign(10000)
	for b.Loop() {
		Evaluate(in)
	}
}

// BenchmarkOrgAverage is R3's exact average over 10,000 org targets.
func BenchmarkOrgAverage(b *testing.B) {
	in := benchCampaign(10000)
	for i := range in.Targets {
		in.Targets[i].Type = pingyi.TargetOrg
	}
	for b.Loop() {
		OrgAverage(in.Targets)
	}
}

// BenchmarkScore and BenchmarkRate are one target's score and rate.
func BenchmarkScore(b *testing.B) {
	t := Tally{Satisfied: 7, BasicallySatisfied: 2, Dissatisfied: 1}
	for b.Loop() {
		t.Score()
	}
}

func BenchmarkRate(b *testing.B) {
	t := Tally{Satisfied: 7, BasicallySatisfied: 2, Dissatisfied: 1}
	for b.Loop() {
		t.Rate()
	}
}
