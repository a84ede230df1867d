package rules

import (
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"pgregory.net/rapid"
)

// tl builds a tally: satisfied, fairly, basically, dissatisfied, abstain.
func tl(s, f, b, d, a int64) Tally {
	return Tally{Satisfied: s, FairlySatisfied: f, BasicallySatisfied: b, Dissatisfied: d, Abstain: a}
}

func flagsOf(t *testing.T, res []TargetResult, typ pingyi.TargetType, code string) TargetResult {
	t.Helper()
	for _, r := range res {
		if r.Type == typ && r.Code == code {
			return r
		}
	}
	t.Fatalf("no result for %s %s", typ, code)
	return TargetResult{}
}

func TestTallyScoreRate(t *testing.T) {
	cases := []struct {
		name         string
		tally        Tally
		score, rate  string // exact, as big.Rat.RatString; "" = none
		fscore, frat string // formatted
	}{
		{"all satisfied", tl(5, 0, 0, 0, 0), "100", "1", "100.00", "100.00"},
		{"all basically: 60", tl(0, 0, 3, 0, 0), "60", "1", "60.00", "100.00"},
		{"two thirds", tl(2, 0, 0, 1, 0), "200/3", "2/3", "66.67", "66.67"},
		{"5/6", tl(5, 0, 0, 1, 4), "250/3", "5/6", "83.33", "83.33"},
		{"four-level", tl(1, 1, 0, 0, 0), "90", "1", "90.00", "100.00"},
		{"62.5", tl(2, 0, 5, 1, 0), "125/2", "7/8", "62.50", "87.50"},
		{"40", tl(1, 0, 1, 2, 0), "40", "1/2", "40.00", "50.00"},
		{"12.5", tl(1, 0, 0, 7, 0), "25/2", "1/8", "12.50", "12.50"},
		{"only abstain", tl(0, 0, 0, 0, 3), "", "", "", ""},
		{"empty", tl(0, 0, 0, 0, 0), "", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, okS := c.tally.Score()
			r, okR := c.tally.Rate()
			if okS != (c.score != "") || okR != (c.rate != "") {
				t.Fatalf("ok = %v,%v", okS, okR)
			}
			if okS && s.RatString() != c.score {
				t.Errorf("score = %s, want %s", s.RatString(), c.score)
			}
			if okR && r.RatString() != c.rate {
				t.Errorf("rate = %s, want %s", r.RatString(), c.rate)
			}
			if got := FormatScore(s); got != c.fscore {
				t.Errorf("FormatScore = %q, want %q", got, c.fscore)
			}
			if got := FormatRate(r); got != c.frat {
				t.Errorf("FormatRate = %q, want %q", got, c.frat)
			}
		})
	}
}

func TestTallyAdd(t *testing.T) {
	var tally Tally
	for _, r := range []pingyi.Rating{pingyi.Satisfied, pingyi.Satisfied, pingyi.FairlySatisfied, pingyi.BasicallySatisfied, pingyi.Dissatisfied, pingyi.Abstain} {
		if !tally.Add(r) {
			t.Fatalf("Add(%s) refused", r)
		}
	}
	if tally.Add("great") {
		t.Fatal("Add accepted an unknown rating")
	}
	if want := tl(2, 1, 1, 1, 1); tally != want {
		t.Fatalf("tally = %+v, want %+v", tally, want)
	}
	if tally.Valid() != 5 || tally.Total() != 6 {
		t.Fatalf("valid %d total %d", tally.Valid(), tally.Total())
	}
}

func TestFormatHalfUp(t *testing.T) {
	cases := []struct {
		r           *big.Rat
		score, rate string
	}{
		{big.NewRat(13333, 200), "66.67", "6666.50"},    // 66.665 → 66.67
		{big.NewRat(13333, 20000), "0.67", "66.67"},     // rate 0.66665 → 66.665% → 66.67
		{big.NewRat(133329, 2000), "66.66", "6666.45"},  // 66.6645 → 66.66 (not a half)
		{big.NewRat(1, 8), "0.13", "12.50"},             // 0.125 → 0.13
		{big.NewRat(1, 800), "0.00", "0.13"},            // rate 0.125% → 0.13
		{big.NewRat(124999, 100000000), "0.00", "0.12"}, // 0.124999% → 0.12
		{big.NewRat(2, 3), "0.67", "66.67"},             //
		{big.NewRat(1, 3), "0.33", "33.33"},             //
		{big.NewRat(0, 1), "0.00", "0.00"},              //
		{big.NewRat(9995, 100), "99.95", "9995.00"},     //
		{big.NewRat(199999, 2000), "100.00", "9999.95"}, // 99.9995 → 100.00
		{big.NewRat(4, 5), "0.80", "80.00"},             //
		{big.NewRat(1, 1), "1.00", "100.00"},            //
		{big.NewRat(1, 200), "0.01", "0.50"},            // 0.005 → 0.01
		{big.NewRat(1, 20000), "0.00", "0.01"},          // 0.005% → 0.01
		{big.NewRat(2999, 200000), "0.01", "1.50"},      // 0.014995 → 0.01; 1.4995% → 1.50
		{big.NewRat(1, 3000000), "0.00", "0.00"},        // tiny
		{new(big.Rat).SetFrac64(125, 10), "12.50", "1250.00"},
		{big.NewRat(201, 200), "1.01", "100.50"},    // 1.005: float64 would give 1.00
		{big.NewRat(201, 20000), "0.01", "1.01"},    // 1.005%
		{big.NewRat(5657, 200), "28.29", "2828.50"}, // 28.285: float64 would give 28.28
	}
	for _, c := range cases {
		if got := FormatScore(c.r); got != c.score {
			t.Errorf("FormatScore(%s) = %q, want %q", c.r.RatString(), got, c.score)
		}
		if got := FormatRate(c.r); got != c.rate {
			t.Errorf("FormatRate(%s) = %q, want %q", c.r.RatString(), got, c.rate)
		}
	}
	if FormatScore(nil) != "" || FormatRate(nil) != "" {
		t.Error("nil must format as empty")
	}
}

func TestEvaluateRules(t *testing.T) {
	in := CampaignInput{
		Kind:         pingyi.KindMass,
		MinMassShare: big.NewRat(4, 5),
		Targets: []TargetInput{
			// R1 boundaries (members and secretaries).
			{Type: pingyi.TargetMember, Code: "M60", Unit: "U", Tally: tl(0, 0, 3, 0, 0)},       // exactly 60, rate 100%
			{Type: pingyi.TargetMember, Code: "M59.5", Unit: "U", Tally: tl(1, 0, 38, 1, 0)},    // 2380/40 = 59.5, rate 97.5%
			{Type: pingyi.TargetSecretary, Code: "S59", Unit: "U", Tally: tl(0, 0, 59, 1, 0)},   // 3540/60 = 59, rate 59/60
			{Type: pingyi.TargetMember, Code: "M4lvl", Unit: "U", Tally: tl(0, 74, 0, 25, 0)},   // 5920/99 ≈ 59.8, rate 74/99 < 80%
			{Type: pingyi.TargetSecretary, Code: "S60", Unit: "U", Tally: tl(3, 0, 0, 2, 0)},    // 300/5 = 60, rate 60%
			{Type: pingyi.TargetMember, Code: "M60abst", Unit: "U", Tally: tl(0, 0, 3, 0, 100)}, // abstentions don't count
			{Type: pingyi.TargetMember, Code: "M59.99", Unit: "U", Tally: tl(1, 0, 1, 1, 0)},    // 160/3 = 53.33
			{Type: pingyi.TargetMember, Code: "M80", Unit: "U", Tally: tl(4, 0, 0, 1, 0)},       // rate exactly 80%, score 80
			{Type: pingyi.TargetMember, Code: "M79.9", Unit: "U", Tally: tl(799, 0, 0, 201, 0)}, // rate 79.9%, score 79.9
			{Type: pingyi.TargetMember, Code: "M80.1", Unit: "U", Tally: tl(801, 0, 0, 199, 0)}, // rate 80.1%
			{Type: pingyi.TargetMember, Code: "Mnone", Unit: "U", Tally: tl(0, 0, 0, 0, 5)},     // R5 only abstentions
			{Type: pingyi.TargetMember, Code: "Mzero", Unit: "U", Tally: tl(0, 0, 0, 0, 0)},     // R5 nothing at all
			{Type: pingyi.TargetMember, Code: "Mlow", Unit: "U", Tally: tl(0, 0, 0, 4, 0)},      // score 0, rate 0
			{Type: pingyi.TargetSecretary, Code: "Szero", Unit: "U", Tally: tl(0, 0, 0, 0, 0)},  // R5 secretary
			{Type: pingyi.TargetOrg, Code: "Olow", Unit: "U", Tally: tl(0, 0, 59, 0, 0)},        // org score 60, no R1 ever for orgs
			{Type: pingyi.TargetOrg, Code: "Olower", Unit: "U", Tally: tl(0, 0, 1, 1, 0)},       // org score 30, rate 50%
			{Type: pingyi.TargetOrg, Code: "Onone", Unit: "U", Tally: tl(0, 0, 0, 0, 2)},        // org R5
		},
		Units: []UnitInput{{Unit: "U", Ballots: 10, MassBallots: 8}},
	}
	want := map[string]string{
		"member/M60":      "",
		"member/M59.5":    "admonish;no_award",
		"secretary/S59":   "admonish;no_award",
		"member/M4lvl":    "admonish;no_award;not_typical",
		"secretary/S60":   "not_typical",
		"member/M60abst":  "",
		"member/M59.99":   "admonish;no_award;not_typical",
		"member/M80":      "",
		"member/M79.9":    "not_typical",
		"member/M80.1":    "",
		"member/Mnone":    "no_ballots",
		"member/Mzero":    "no_ballots",
		"member/Mlow":     "admonish;no_award;not_typical",
		"secretary/Szero": "no_ballots",
		"org/Olow":        "",                          // rate 100% > average 75%
		"org/Olower":      "below_average;not_typical", // 50% < 75%
		"org/Onone":       "no_ballots",
	}
	res := Evaluate(in)
	if len(res) != len(in.Targets) {
		t.Fatalf("%d results for %d targets", len(res), len(in.Targets))
	}
	for _, r := range res {
		key := string(r.Type) + "/" + r.Code
		w, ok := want[key]
		if !ok {
			t.Errorf("unexpected target %s", key)
			continue
		}
		if got := JoinFlags(r.Flags); got != w {
			t.Errorf("%s: flags %q, want %q (score %s rate %s)", key, got, w, FormatScore(r.Score), FormatRate(r.Rate))
		}
		if r.HasValid != (r.Score != nil) || r.HasValid != (r.Rate != nil) {
			t.Errorf("%s: HasValid %v but score %v rate %v", key, r.HasValid, r.Score, r.Rate)
		}
		if r.HasValid == r.HasFlag(FlagNoBallots) {
			t.Errorf("%s: HasValid %v with flags %v", key, r.HasValid, r.Flags)
		}
	}
	if got := FormatScore(flagsOf(t, res, pingyi.TargetMember, "M59.5").Score); got != "59.50" {
		t.Errorf("M59.5 score %s", got)
	}
	if got := FormatScore(flagsOf(t, res, pingyi.TargetMember, "Mnone").Score); got != "" {
		t.Errorf("Mnone score %q, want empty", got)
	}
}

func TestEvaluateSortedByTypeThenCode(t *testing.T) {
	in := CampaignInput{Kind: pingyi.KindMass, Targets: []TargetInput{
		{Type: pingyi.TargetSecretary, Code: "A"},
		{Type: pingyi.TargetOrg, Code: "B"},
		{Type: pingyi.TargetMember, Code: "Z"},
		{Type: pingyi.TargetOrg, Code: "A"},
		{Type: pingyi.TargetMember, Code: "M"},
	}}
	var got []string
	for _, r := range Evaluate(in) {
		got = append(got, string(r.Type)+"/"+r.Code)
	}
	want := []string{"member/M", "member/Z", "org/A", "org/B", "secretary/A"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

// Three orgs with rates 100%, 90%, 80% (average 90%), one with rates 85%
// in the regular/year-end variants, plus a secretary with rate 0 that must
// not pull the average down.
func r3Input(kind pingyi.Kind, prior map[string]int) CampaignInput {
	return CampaignInput{
		Kind:              kind,
		PriorBelowAverage: prior,
		Targets: []TargetInput{
			{Type: pingyi.TargetOrg, Code: "O100", Unit: "O100", Tally: tl(10, 0, 0, 0, 0)},
			{Type: pingyi.TargetOrg, Code: "O90", Unit: "O90", Tally: tl(9, 0, 0, 1, 0)}, // equal to average
			{Type: pingyi.TargetOrg, Code: "O80", Unit: "O80", Tally: tl(8, 0, 0, 2, 0)}, // below
			{Type: pingyi.TargetOrg, Code: "Onone", Unit: "Onone"},                       // excluded from the average
			{Type: pingyi.TargetSecretary, Code: "O80", Unit: "O80", Tally: tl(0, 0, 0, 1, 0)},
		},
	}
}

func TestOrgAverage(t *testing.T) {
	avg, ok := OrgAverage(r3Input(pingyi.KindMass, nil).Targets)
	if !ok || avg.Cmp(big.NewRat(9, 10)) != 0 {
		t.Fatalf("average = %v, %v; want 9/10", avg, ok)
	}
	if _, ok := OrgAverage([]TargetInput{{Type: pingyi.TargetOrg, Code: "X", Tally: tl(0, 0, 0, 0, 3)}, {Type: pingyi.TargetMember, Code: "M", Tally: tl(1, 0, 0, 0, 0)}}); ok {
		t.Fatal("average without any org with valid ratings")
	}
	// Plain mean of rates, not pooled over ballots: 1/1 and 1/3 → 2/3
	// (pooled would be 2/4).
	avg, _ = OrgAverage([]TargetInput{
		{Type: pingyi.TargetOrg, Code: "A", Tally: tl(1, 0, 0, 0, 0)},
		{Type: pingyi.TargetOrg, Code: "B", Tally: tl(1, 0, 0, 2, 0)},
	})
	if avg.Cmp(big.NewRat(2, 3)) != 0 {
		t.Fatalf("average = %s, want 2/3", avg.RatString())
	}
}

func TestEvaluateR3(t *testing.T) {
	cases := []struct {
		name  string
		kind  pingyi.Kind
		prior map[string]int
		want  map[string]string // org code → flags
	}{
		{"mass: below average only", pingyi.KindMass, nil,
			map[string]string{"O100": "", "O90": "", "O80": "below_average", "Onone": "no_ballots"}},
		{"first regular of the year", pingyi.KindRegular, nil,
			map[string]string{"O100": "", "O90": "", "O80": "below_average", "Onone": "no_ballots"}},
		{"first regular, prior 0 explicit", pingyi.KindRegular, map[string]int{"O80": 0},
			map[string]string{"O80": "below_average"}},
		{"second regular, below before too", pingyi.KindRegular, map[string]int{"O80": 1},
			map[string]string{"O80": "below_average;no_advanced_collective"}},
		{"third regular, below twice before", pingyi.KindRegular, map[string]int{"O80": 2},
			map[string]string{"O80": "below_average;no_advanced_collective"}},
		{"second regular, not below now", pingyi.KindRegular, map[string]int{"O90": 1, "O100": 3},
			map[string]string{"O90": "", "O100": "", "O80": "below_average"}},
		{"prior of another org does not count", pingyi.KindRegular, map[string]int{"O90": 1},
			map[string]string{"O80": "below_average"}},
		{"year end", pingyi.KindYearEnd, nil,
			map[string]string{"O100": "", "O90": "", "O80": "below_average;no_advanced_collective"}},
		{"priors ignored outside regular", pingyi.KindCommitment, map[string]int{"O80": 5},
			map[string]string{"O80": "below_average"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Evaluate(r3Input(c.kind, c.prior))
			for code, w := range c.want {
				if got := JoinFlags(flagsOf(t, res, pingyi.TargetOrg, code).Flags); got != w {
					t.Errorf("%s: %q, want %q", code, got, w)
				}
			}
			// The secretary of O80 has rate 0: R1/R2, never R3.
			if got := JoinFlags(flagsOf(t, res, pingyi.TargetSecretary, "O80").Flags); got != "admonish;no_award;not_typical" {
				t.Errorf("secretary O80: %q", got)
			}
		})
	}
}

func TestEvaluateR3EqualAverageExact(t *testing.T) {
	// Rates 1/3, 2/3 and 1/2: average exactly 1/2. Floats would make
	// 1/3+2/3+1/2 over 3 fuzzy; rationals keep the middle one equal.
	res := Evaluate(CampaignInput{Kind: pingyi.KindYearEnd, Targets: []TargetInput{
		{Type: pingyi.TargetOrg, Code: "A", Tally: tl(1, 0, 0, 2, 0)},
		{Type: pingyi.TargetOrg, Code: "B", Tally: tl(2, 0, 0, 1, 0)},
		{Type: pingyi.TargetOrg, Code: "C", Tally: tl(3, 0, 0, 3, 0)},
	}})
	want := map[string]string{
		"A": "below_average;no_advanced_collective;not_typical",
		"B": "not_typical",
		"C": "not_typical",
	}
	for code, w := range want {
		if got := JoinFlags(flagsOf(t, res, pingyi.TargetOrg, code).Flags); got != w {
			t.Errorf("%s: %q, want %q", code, got, w)
		}
	}
}

func TestEvaluateR4(t *testing.T) {
	targets := []TargetInput{
		{Type: pingyi.TargetOrg, Code: "UA", Unit: "UA", Tally: tl(5, 0, 0, 0, 0)},
		{Type: pingyi.TargetMember, Code: "MA", Unit: "UA", Tally: tl(5, 0, 0, 0, 0)},
		{Type: pingyi.TargetOrg, Code: "UB", Unit: "UB", Tally: tl(5, 0, 0, 0, 0)},
		{Type: pingyi.TargetSecretary, Code: "UB", Unit: "UB", Tally: tl(5, 0, 0, 0, 0)},
		{Type: pingyi.TargetMember, Code: "MB", Unit: "UB", Tally: tl(0, 0, 0, 0, 1)}, // only abstained, in a low unit
		{Type: pingyi.TargetOrg, Code: "UC", Unit: "UC", Tally: tl(5, 0, 0, 0, 0)},
		{Type: pingyi.TargetOrg, Code: "UD", Unit: "UD"}, // no ballots at all
		{Type: pingyi.TargetOrg, Code: "UE", Unit: "UE", Tally: tl(5, 0, 0, 0, 0)},
		{Type: pingyi.TargetOrg, Code: "UX", Unit: "UX"}, // unit not listed
	}
	units := []UnitInput{
		{Unit: "UA", Ballots: 10, MassBallots: 8},     // exactly 80%
		{Unit: "UB", Ballots: 10, MassBallots: 7},     // 70%
		{Unit: "UC", Ballots: 1000, MassBallots: 799}, // 79.9%
		{Unit: "UD", Ballots: 0, MassBallots: 0},      // nobody voted
		{Unit: "UE", Ballots: 3, MassBallots: 3},      // 100%
	}
	cases := []struct {
		name string
		min  *big.Rat
		want map[string]string
	}{
		{"min 0.8", big.NewRat(4, 5), map[string]string{
			"org/UA": "", "member/MA": "",
			"org/UB": "low_mass_share", "secretary/UB": "low_mass_share", "member/MB": "low_mass_share;no_ballots",
			"org/UC": "low_mass_share", "org/UD": "no_ballots", "org/UE": "", "org/UX": "no_ballots"}},
		{"min 0 off", new(big.Rat), map[string]string{
			"org/UB": "", "secretary/UB": "", "member/MB": "no_ballots", "org/UC": ""}},
		{"min nil off", nil, map[string]string{"org/UB": "", "org/UC": ""}},
		{"min 0.7 exactly UB", big.NewRat(7, 10), map[string]string{"org/UB": "", "org/UC": ""}},
		{"min 1", big.NewRat(1, 1), map[string]string{"org/UA": "low_mass_share", "org/UE": "", "org/UD": "no_ballots"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Evaluate(CampaignInput{Kind: pingyi.KindMass, MinMassShare: c.min, Targets: targets, Units: units})
			for key, w := range c.want {
				typ, code, _ := strings.Cut(key, "/")
				if got := JoinFlags(flagsOf(t, res, pingyi.TargetType(typ), code).Flags); got != w {
					t.Errorf("%s: %q, want %q", key, got, w)
				}
			}
		})
	}
}

func TestLowMassShare(t *testing.T) {
	min := big.NewRat(4, 5)
	for _, c := range []struct {
		b, m int64
		want bool
	}{{10, 8, false}, {10, 7, true}, {5, 4, false}, {5, 3, true}, {0, 0, false}, {1, 0, true}, {1, 1, false}, {4000001, 3200000, true}, {4000000, 3200000, false}} {
		if got := LowMassShare(UnitInput{Unit: "U", Ballots: c.b, MassBallots: c.m}, min); got != c.want {
			t.Errorf("%d of %d: %v, want %v", c.m, c.b, got, c.want)
		}
	}
}

func TestParseShare(t *testing.T) {
	good := map[string]string{"0": "0", "0.8": "4/5", "0.80": "4/5", "0.75": "3/4", "1": "1", "1.0": "1", " 0.8 ": "4/5", "0.333": "333/1000"}
	for s, want := range good {
		r, err := ParseShare(s)
		if err != nil {
			t.Errorf("ParseShare(%q): %v", s, err)
			continue
		}
		if r.RatString() != want {
			t.Errorf("ParseShare(%q) = %s, want %s", s, r.RatString(), want)
		}
	}
	for _, s := range []string{"", "-0.1", "-0", "+0.5", "1.01", "2", "abc", "0.8.1", "4/5", "1e-1", "80%", ".8", "0,8", "8.", "NaN", "Inf"} {
		if r, err := ParseShare(s); err == nil {
			t.Errorf("ParseShare(%q) = %v, want an error", s, r)
		} else if !errors.Is(err, pingyi.ErrInvalid) {
			t.Errorf("ParseShare(%q): error %v does not wrap ErrInvalid", s, err)
		}
	}
}

func TestFormatShare(t *testing.T) {
	for r, want := range map[*big.Rat]string{
		big.NewRat(4, 5): "0.8", big.NewRat(0, 1): "0", big.NewRat(1, 1): "1", big.NewRat(3, 4): "0.75", big.NewRat(1, 3): "0.3333",
	} {
		if got := FormatShare(r); got != want {
			t.Errorf("FormatShare(%s) = %q, want %q", r.RatString(), got, want)
		}
	}
}

// ballot is one rating of one target in the property tests.
type ballot struct {
	target int
	rating pingyi.Rating
}

var allRatings = []pingyi.Rating{pingyi.Satisfied, pingyi.FairlySatisfied, pingyi.BasicallySatisfied, pingyi.Dissatisfied, pingyi.Abstain}

func genCampaign(t *rapid.T) (CampaignInput, []ballot) {
	nt := rapid.IntRange(1, 8).Draw(t, "targets")
	in := CampaignInput{
		Kind:              rapid.SampledFrom(pingyi.Kinds).Draw(t, "kind"),
		MinMassShare:      big.NewRat(int64(rapid.IntRange(0, 10).Draw(t, "min")), 10),
		PriorBelowAverage: map[string]int{},
	}
	for i := 0; i < nt; i++ {
		code := fmt.Sprintf("T%d", i)
		unit := fmt.Sprintf("U%d", rapid.IntRange(0, 2).Draw(t, "unit"))
		in.Targets = append(in.Targets, TargetInput{Type: rapid.SampledFrom(pingyi.TargetTypes).Draw(t, "type"), Code: code, Unit: unit})
		in.PriorBelowAverage[code] = rapid.IntRange(0, 2).Draw(t, "prior")
	}
	for u := 0; u < 3; u++ {
		b := rapid.Int64Range(0, 50).Draw(t, "ballots")
		in.Units = append(in.Units, UnitInput{Unit: fmt.Sprintf("U%d", u), Ballots: b, MassBallots: rapid.Int64Range(0, b).Draw(t, "mass")})
	}
	n := rapid.IntRange(0, 60).Draw(t, "ratings")
	ballots := make([]ballot, n)
	for i := range ballots {
		ballots[i] = ballot{rapid.IntRange(0, nt-1).Draw(t, "target"), rapid.SampledFrom(allRatings).Draw(t, "rating")}
	}
	return in, ballots
}

func withBallots(in CampaignInput, bs []ballot) CampaignInput {
	out := in
	out.Targets = append([]TargetInput(nil), in.Targets...)
	for _, b := range bs {
		out.Targets[b.target].Tally.Add(b.rating)
	}
	return out
}

func render(res []TargetResult) []string {
	var out []string
	for _, r := range res {
		s, rt := "-", "-"
		if r.Score != nil {
			s, rt = r.Score.RatString(), r.Rate.RatString()
		}
		out = append(out, fmt.Sprintf("%s/%s %+v %s %s %v %s", r.Type, r.Code, r.Tally, s, rt, r.HasValid, JoinFlags(r.Flags)))
	}
	return out
}

func TestPropertyOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in, bs := genCampaign(t)
		perm := rapid.Permutation(bs).Draw(t, "perm")
		a := render(Evaluate(withBallots(in, bs)))
		b := render(Evaluate(withBallots(in, perm)))
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("order changed the results:\n%v\n%v", a, b)
		}
		// Target order does not matter either.
		in2 := withBallots(in, bs)
		rev := append([]TargetInput(nil), in2.Targets...)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		in2.Targets = rev
		if c := render(Evaluate(in2)); !reflect.DeepEqual(a, c) {
			t.Fatalf("target order changed the results:\n%v\n%v", a, c)
		}
	})
}

func TestPropertyCounts(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in, bs := genCampaign(t)
		in = withBallots(in, bs)
		added := make([]int64, len(in.Targets))
		abstain := make([]int64, len(in.Targets))
		for _, b := range bs {
			added[b.target]++
			if b.rating == pingyi.Abstain {
				abstain[b.target]++
			}
		}
		var sum int64
		for i, tg := range in.Targets {
			tt := tg.Tally
			if tt.Valid()+tt.Abstain != added[i] || tt.Total() != added[i] {
				t.Fatalf("%s: valid %d + abstain %d != %d added", tg.Code, tt.Valid(), tt.Abstain, added[i])
			}
			if tt.Abstain != abstain[i] {
				t.Fatalf("%s: abstain %d, want %d", tg.Code, tt.Abstain, abstain[i])
			}
			if tt.Satisfied+tt.FairlySatisfied+tt.BasicallySatisfied+tt.Dissatisfied != tt.Valid() {
				t.Fatalf("%s: levels do not sum to valid", tg.Code)
			}
			sum += tt.Total()
		}
		if sum != int64(len(bs)) {
			t.Fatalf("total %d, want %d", sum, len(bs))
		}
		res := Evaluate(in)
		if len(res) != len(in.Targets) {
			t.Fatalf("%d results for %d targets", len(res), len(in.Targets))
		}
		for _, r := range res {
			if r.HasValid != (r.Tally.Valid() > 0) || r.HasFlag(FlagNoBallots) == r.HasValid {
				t.Fatalf("%s: HasValid %v, valid %d, flags %v", r.Code, r.HasValid, r.Tally.Valid(), r.Flags)
			}
			if r.HasValid {
				if r.Score.Sign() < 0 || r.Score.Cmp(big.NewRat(100, 1)) > 0 || r.Rate.Sign() < 0 || r.Rate.Cmp(big.NewRat(1, 1)) > 0 {
					t.Fatalf("%s: score %s rate %s out of range", r.Code, r.Score, r.Rate)
				}
				// R1 and R2 cross-checked by integer arithmetic.
				tt := r.Tally
				sumW := 100*tt.Satisfied + 80*tt.FairlySatisfied + 60*tt.BasicallySatisfied
				r1 := r.Type != pingyi.TargetOrg && sumW < 60*tt.Valid()
				if r.HasFlag(FlagAdmonish) != r1 || r.HasFlag(FlagNoAward) != r1 {
					t.Fatalf("%s: R1 %v, flags %v", r.Code, r1, r.Flags)
				}
				r2 := 5*(tt.Valid()-tt.Dissatisfied) < 4*tt.Valid()
				if r.HasFlag(FlagNotTypical) != r2 {
					t.Fatalf("%s: R2 %v, flags %v", r.Code, r2, r.Flags)
				}
			}
			if r.HasFlag(FlagBelowAverage) && r.Type != pingyi.TargetOrg {
				t.Fatalf("%s: below_average on a %s", r.Code, r.Type)
			}
			if r.HasFlag(FlagNoAdvancedCollective) && !r.HasFlag(FlagBelowAverage) {
				t.Fatalf("%s: no_advanced_collective without below_average", r.Code)
			}
			for i := 1; i < len(r.Flags); i++ {
				if r.Flags[i-1] >= r.Flags[i] {
					t.Fatalf("%s: flags not sorted/unique %v", r.Code, r.Flags)
				}
			}
		}
	})
}
