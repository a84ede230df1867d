package rules

import (
	"math/big"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/pingyi/pingyi/internal/pingyi"
)

func drawTally(t *rapid.T, label string) Tally {
	max := rapid.SampledFrom([]int64{3, 20, 1000, 1 << 30}).Draw(t, label+"_max")
	n := func(s string) int64 { return rapid.Int64Range(0, max).Draw(t, label+"_"+s) }
	return Tally{Satisfied: n("s"), FairlySatisfied: n("f"), BasicallySatisfied: n("b"), Dissatisfied: n("d"), Abstain: n("a")}
}

// The integer tests of R1, R2 and R3 agree with the big.Rat reference.
func TestIntegerComparisonsAgree(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tl := drawTally(t, "t")
		score, ok := tl.Score()
		rate, _ := tl.Rate()
		if got, want := tl.ScoreBelow60(), ok && score.Cmp(big.NewRat(60, 1)) < 0; got != want {
			t.Fatalf("%+v: ScoreBelow60 %v, reference %v", tl, got, want)
		}
		if got, want := tl.RateBelow80(), ok && rate.Cmp(big.NewRat(80, 100)) < 0; got != want {
			t.Fatalf("%+v: RateBelow80 %v, reference %v", tl, got, want)
		}
		avg := big.NewRat(rapid.Int64Range(0, 1<<40).Draw(t, "p"), rapid.Int64Range(1, 1<<40).Draw(t, "q"))
		if rapid.Bool().Draw(t, "avg_from_tally") { // equal rates happen: exercise the boundary
			if r, ok := drawTally(t, "u").Rate(); ok {
				avg = r
			}
		}
		if got, want := tl.RateBelow(avg), ok && rate.Cmp(avg) < 0; got != want {
			t.Fatalf("%+v: RateBelow(%v) %v, reference %v", tl, avg, got, want)
		}
		sc, ok2 := tl.ScoreCents()
		rc, _ := tl.RateCents()
		if ok2 != ok {
			t.Fatalf("%+v: ScoreCents ok %v, Score ok %v", tl, ok2, ok)
		}
		if ok {
			if got, want := FormatCents(sc), FormatScore(score); got != want {
				t.Fatalf("%+v: score %q, reference %q", tl, got, want)
			}
			if got, want := FormatCents(rc), FormatRate(rate); got != want {
				t.Fatalf("%+v: rate %q, reference %q", tl, got, want)
			}
		}
	})
}

// R4 on integers agrees with LowMassShare.
func TestMassShareBelowAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ballots := rapid.Int64Range(0, 1<<40).Draw(t, "ballots")
		mass := rapid.Int64Range(0, ballots).Draw(t, "mass")
		var min *big.Rat
		if !rapid.Bool().Draw(t, "nil") {
			min = big.NewRat(rapid.Int64Range(0, 10000).Draw(t, "p"), 10000)
			if rapid.Bool().Draw(t, "exact") && ballots > 0 {
				min = big.NewRat(mass, ballots)
			}
		}
		u := UnitInput{Ballots: ballots, MassBallots: mass}
		if got, want := MassShareBelow(ballots, mass, min), LowMassShare(u, min); got != want {
			t.Fatalf("%d/%d against %v: %v, reference %v", mass, ballots, min, got, want)
		}
	})
}

// A whole campaign evaluated with the integer functions gets exactly the
// flags of Evaluate, and OrgRates gets OrgAverage.
func TestTargetFlagsAgreeWithEvaluate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := CampaignInput{Kind: rapid.SampledFrom([]pingyi.Kind{pingyi.KindMass, pingyi.KindYearEnd, pingyi.KindRegular}).Draw(t, "kind")}
		if !rapid.Bool().Draw(t, "no_min") {
			in.MinMassShare = big.NewRat(rapid.Int64Range(0, 100).Draw(t, "min"), 100)
		}
		units := rapid.IntRange(1, 4).Draw(t, "units")
		unitCode := func(i int) string { return string(rune('A' + i)) }
		for i := range units {
			b := rapid.Int64Range(0, 20).Draw(t, "b")
			in.Units = append(in.Units, UnitInput{Unit: unitCode(i), Ballots: b, MassBallots: rapid.Int64Range(0, b).Draw(t, "m")})
		}
		in.PriorBelowAverage = map[string]int{}
		n := rapid.IntRange(0, 30).Draw(t, "targets")
		for i := range n {
			typ := rapid.SampledFrom([]pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember}).Draw(t, "type")
			max := rapid.SampledFrom([]int64{0, 2, 6}).Draw(t, "max")
			d := func(s string) int64 { return rapid.Int64Range(0, max).Draw(t, s) }
			code := "T" + string(rune('a'+i%26)) + string(rune('a'+i/26))
			in.Targets = append(in.Targets, TargetInput{Type: typ, Code: code, Unit: unitCode(rapid.IntRange(0, units).Draw(t, "unit")),
				Tally: Tally{Satisfied: d("s"), FairlySatisfied: d("f"), BasicallySatisfied: d("bb"), Dissatisfied: d("d"), Abstain: d("a")}})
			if rapid.Bool().Draw(t, "prior") {
				in.PriorBelowAverage[code] = 1
			}
		}
		want := Evaluate(in)
		rates := OrgRates{}
		for _, tg := range in.Targets {
			if tg.Type == pingyi.TargetOrg {
				rates.Add(tg.Tally, 1)
			}
		}
		avg, ok := rates.Average()
		ref, refOK := OrgAverage(in.Targets)
		if ok != refOK || (ok && avg.Cmp(ref) != 0) {
			t.Fatalf("average %v %v, reference %v %v", avg, ok, ref, refOK)
		}
		low := map[string]bool{}
		for _, u := range in.Units {
			low[u.Unit] = MassShareBelow(u.Ballots, u.MassBallots, in.MinMassShare)
		}
		for _, r := range want {
			got := TargetFlags(r.Type, r.Tally, in.Kind, avg, in.PriorBelowAverage[r.Code], low[r.Unit]).Names()
			if !slices.Equal(got, r.Flags) {
				t.Fatalf("%s %s %+v: flags %v, Evaluate %v", r.Type, r.Code, r.Tally, got, r.Flags)
			}
		}
	})
}

func TestFlagsNames(t *testing.T) {
	all := Flags(0)
	for _, b := range flagBits {
		all |= b.bit
	}
	names := all.Names()
	if !slices.IsSorted(names) || len(names) != NumFlagBits {
		t.Errorf("names %v: want all %d, sorted", names, NumFlagBits)
	}
	for _, n := range names {
		if FlagBit(n) == 0 || !all.Has(FlagBit(n)) {
			t.Errorf("FlagBit(%q) = %d", n, FlagBit(n))
		}
	}
	if got := Flags(0).Names(); got == nil || len(got) != 0 {
		t.Errorf("no flags: %#v, want an empty non-nil slice", got)
	}
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0.00"}, {5, "0.05"}, {6667, "66.67"}, {10000, "100.00"}, {-150, "-1.50"}} {
		if got := FormatCents(c.n); got != c.want {
			t.Errorf("FormatCents(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// BenchmarkTargetFlags: R1–R5 on integers for one target (compare
// BenchmarkEvaluate's ≈ 1.7 µs per target on big.Rat).
func BenchmarkTargetFlags(b *testing.B) {
	avg := big.NewRat(83, 100)
	tallies := []Tally{{Satisfied: 7, BasicallySatisfied: 2, Dissatisfied: 1}, {Satisfied: 3, Dissatisfied: 4, Abstain: 1}, {}}
	for i := 0; b.Loop(); i++ {
		t := tallies[i%len(tallies)]
		TargetFlags(pingyi.TargetOrg, t, pingyi.KindYearEnd, avg, 0, false)
		TargetFlags(pingyi.TargetMember, t, pingyi.KindYearEnd, nil, 0, true)
	}
}
