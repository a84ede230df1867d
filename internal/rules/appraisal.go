package rules

import (
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Flags set on a target's result (SPEC §2 R1–R5). They are sorted and joined
// by ";" in the results file (see JoinFlags).
const (
	FlagAdmonish             = "admonish"               // R1: 诫勉谈话
	FlagNoAward              = "no_award"               // R1: 取消年度评先评优资格
	FlagNotTypical           = "not_typical"            // R2: 不得作为先进典型
	FlagBelowAverage         = "below_average"          // R3: 满意度低于平均水平
	FlagNoAdvancedCollective = "no_advanced_collective" // R3: 取消先进集体评选资格
	FlagLowMassShare         = "low_mass_share"         // R4: 群众代表不足
	FlagNoBallots            = "no_ballots"             // R5: 无有效评议
)

// Thresholds of R1 and R2 (seed 004). Unexported so that nobody mutates
// them; Evaluate only reads them.
var (
	// scoreThreshold: a member or secretary scoring strictly below it is
	// admonished (满意度测评中低于60分).
	scoreThreshold = big.NewRat(60, 1)
	// rateThreshold: a target whose satisfaction rate is strictly below it
	// cannot be an advanced typical (满意率低于80%).
	rateThreshold = big.NewRat(80, 100)
)

// Tally counts the ratings one target received.
type Tally struct {
	Satisfied          int64 // 满意 100
	FairlySatisfied    int64 // 比较满意 80
	BasicallySatisfied int64 // 基本满意 60
	Dissatisfied       int64 // 不满意 0
	Abstain            int64 // 弃权: counted, never valid
}

// Add counts one rating. It reports false, and counts nothing, for a string
// that is not a rating (the caller has validated ratings against the scale).
func (t *Tally) Add(r pingyi.Rating) bool {
	switch r {
	case pingyi.Satisfied:
		t.Satisfied++
	case pingyi.FairlySatisfied:
		t.FairlySatisfied++
	case pingyi.BasicallySatisfied:
		t.BasicallySatisfied++
	case pingyi.Dissatisfied:
		t.Dissatisfied++
	case pingyi.Abstain:
		t.Abstain++
	default:
		return false
	}
	return true
}

// Valid is the number of valid (non-abstain) ratings.
func (t Tally) Valid() int64 {
	return t.Satisfied + t.FairlySatisfied + t.BasicallySatisfied + t.Dissatisfied
}

// Total is the number of ratings counted, abstentions included.
func (t Tally) Total() int64 { return t.Valid() + t.Abstain }

// Score is the mean weight of the valid ratings (满意 100, 比较满意 80,
// 基本满意 60, 不满意 0), on a 0..100 scale. It reports false when there is
// no valid rating.
func (t Tally) Score() (*big.Rat, bool) {
	v := t.Valid()
	if v == 0 {
		return nil, false
	}
	sum := new(big.Int).Mul(big.NewInt(t.Satisfied), big.NewInt(int64(pingyi.Weight(pingyi.Satisfied))))
	sum.Add(sum, new(big.Int).Mul(big.NewInt(t.FairlySatisfied), big.NewInt(int64(pingyi.Weight(pingyi.FairlySatisfied)))))
	sum.Add(sum, new(big.Int).Mul(big.NewInt(t.BasicallySatisfied), big.NewInt(int64(pingyi.Weight(pingyi.BasicallySatisfied)))))
	sum.Add(sum, new(big.Int).Mul(big.NewInt(t.Dissatisfied), big.NewInt(int64(pingyi.Weight(pingyi.Dissatisfied)))))
	return new(big.Rat).SetFrac(sum, big.NewInt(v)), true
}

// Rate is the satisfaction rate (满意率), (valid − dissatisfied) / valid, as
// a fraction in 0..1 (FormatRate shows it as a percentage). It reports false
// when there is no valid rating.
func (t Tally) Rate() (*big.Rat, bool) {
	v := t.Valid()
	if v == 0 {
		return nil, false
	}
	return big.NewRat(v-t.Dissatisfied, v), true
}

// TargetInput is one target of a campaign with its tally. Unit is the code
// of its evaluation unit (the org whose meeting rates it).
type TargetInput struct {
	Type  pingyi.TargetType
	Code  string
	Unit  string
	Tally Tally
}

// UnitInput is one evaluation unit: the ballots cast in it, and how many of
// them were cast by the masses' categories (EvaluatorCategory.IsMasses).
type UnitInput struct {
	Unit        string
	Ballots     int64
	MassBallots int64
}

// CampaignInput is what Evaluate needs of a campaign.
type CampaignInput struct {
	Kind pingyi.Kind
	// MinMassShare is the minimum share of ballots cast by the masses in a
	// unit (R4), in 0..1. Nil or 0 turns R4 off.
	MinMassShare *big.Rat
	// PriorBelowAverage is used in regular campaigns (平时民意调查) only: for
	// an org target code, the number of EARLIER regular campaigns of the
	// same year in which that org was below average (the caller counts
	// them; a missing code means 0).
	//
	// Seed 004: "平时调查中群众满意度两次低于平均水平 … 取消先进集体评选资格".
	// Interpretation: an org loses eligibility in the regular campaign in
	// which its count of below-average regular campaigns in the year
	// reaches 2 (and in every later one in which it is below average
	// again), i.e. when it is below average now and
	// PriorBelowAverage[code] >= 1. A later campaign in which it is not
	// below average does not set the flag.
	PriorBelowAverage map[string]int
	Targets           []TargetInput
	Units             []UnitInput
}

// TargetResult is a target's result. Score (0..100) and Rate (0..1) are nil
// when HasValid is false. Flags are sorted.
type TargetResult struct {
	TargetInput
	Score    *big.Rat
	Rate     *big.Rat
	HasValid bool
	Flags    []string
}

// HasFlag reports whether the result carries flag f.
func (r TargetResult) HasFlag(f string) bool {
	for _, g := range r.Flags {
		if g == f {
			return true
		}
	}
	return false
}

// OrgAverage is the campaign average of R3: the plain (unweighted) mean of
// the satisfaction rates of the org targets that have valid ratings, as a
// fraction in 0..1. It reports false when no org target has a valid rating.
func OrgAverage(targets []TargetInput) (*big.Rat, bool) {
	sum := new(big.Rat)
	var n int64
	for _, t := range targets {
		if t.Type != pingyi.TargetOrg {
			continue
		}
		r, ok := t.Tally.Rate()
		if !ok {
			continue
		}
		sum.Add(sum, r)
		n++
	}
	if n == 0 {
		return nil, false
	}
	return sum.Quo(sum, big.NewRat(n, 1)), true
}

// MassShare is the share of a unit's ballots cast by the masses, in 0..1.
// It reports false for a unit with no ballots.
func MassShare(u UnitInput) (*big.Rat, bool) {
	if u.Ballots <= 0 {
		return nil, false
	}
	return big.NewRat(u.MassBallots, u.Ballots), true
}

// LowMassShare reports whether R4 applies to the unit: it has ballots, the
// minimum is set (non-nil, > 0), and the masses cast strictly less than the
// minimum share of its ballots (exactly the minimum is enough).
func LowMassShare(u UnitInput, min *big.Rat) bool {
	if min == nil || min.Sign() <= 0 {
		return false
	}
	share, ok := MassShare(u)
	return ok && share.Cmp(min) < 0
}

// Evaluate applies R1–R5 to every target of a campaign. The results are
// sorted by target type then target code (as strings, the order of the
// results file, SPEC §6), ties kept in input order.
//
//   - R5: a target with no valid rating gets no_ballots, no score and no
//     rate, and R1–R3 do not apply to it.
//   - R1: a member or secretary target with score < 60 gets admonish and
//     no_award (exactly 60: no flag).
//   - R2: any target with rate < 80% gets not_typical (exactly 80%: none).
//   - R3: an org target with rate strictly below OrgAverage gets
//     below_average; it also gets no_advanced_collective in a year_end
//     campaign, and in a regular campaign when PriorBelowAverage[code] >= 1
//     (see CampaignInput). Other kinds get below_average only.
//   - R4: every target of a unit for which LowMassShare holds gets
//     low_mass_share (whether or not it has valid ratings). A target whose
//     unit is not listed in Units counts as a unit with no ballots.
func Evaluate(in CampaignInput) []TargetResult {
	units := make(map[string]UnitInput, len(in.Units))
	for _, u := range in.Units {
		units[u.Unit] = u
	}
	avg, hasAvg := OrgAverage(in.Targets)

	out := make([]TargetResult, 0, len(in.Targets))
	for _, t := range in.Targets {
		res := TargetResult{TargetInput: t, Flags: []string{}}
		score, ok := t.Tally.Score()
		rate, _ := t.Tally.Rate()
		if !ok {
			res.Flags = append(res.Flags, FlagNoBallots) // R5
		} else {
			res.HasValid, res.Score, res.Rate = true, score, rate
			// R1
			if (t.Type == pingyi.TargetMember || t.Type == pingyi.TargetSecretary) && score.Cmp(scoreThreshold) < 0 {
				res.Flags = append(res.Flags, FlagAdmonish, FlagNoAward)
			}
			// R2
			if rate.Cmp(rateThreshold) < 0 {
				res.Flags = append(res.Flags, FlagNotTypical)
			}
			// R3
			if t.Type == pingyi.TargetOrg && hasAvg && rate.Cmp(avg) < 0 {
				res.Flags = append(res.Flags, FlagBelowAverage)
				switch in.Kind {
				case pingyi.KindYearEnd:
					res.Flags = append(res.Flags, FlagNoAdvancedCollective)
				case pingyi.KindRegular:
					if in.PriorBelowAverage[t.Code] >= 1 {
						res.Flags = append(res.Flags, FlagNoAdvancedCollective)
					}
				}
			}
		}
		// R4
		if LowMassShare(units[t.Unit], in.MinMassShare) {
			res.Flags = append(res.Flags, FlagLowMassShare)
		}
		sort.Strings(res.Flags)
		out = append(out, res)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// JoinFlags joins flags with ";" as in the results file ("" for none). It
// does not sort: Evaluate's flags already are.
func JoinFlags(flags []string) string { return strings.Join(flags, ";") }

// FormatScore shows a score (0..100) with two decimals, the last rounded
// half up (away from zero): 200/3 → "66.67", 62.5 → "62.50". Nil → "".
func FormatScore(r *big.Rat) string {
	if r == nil {
		return ""
	}
	// big.Rat.FloatString rounds the last digit to nearest, halves away
	// from zero: exactly "half up" for the non-negative values shown here.
	return r.FloatString(2)
}

// FormatRate shows a rate (a fraction in 0..1) as a percentage with two
// decimals, half up: 5/6 → "83.33", 1 → "100.00". Nil → "".
func FormatRate(r *big.Rat) string {
	if r == nil {
		return ""
	}
	return new(big.Rat).Mul(r, big.NewRat(100, 1)).FloatString(2)
}

var decimalRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// ParseShare parses a minimum mass share written as a plain decimal in
// 0..1: "0", "0.8", "0.75", "1", "1.00". Signs, exponents, fractions like
// "4/5", percentages and values above 1 are refused (the error wraps
// pingyi.ErrInvalid).
func ParseShare(s string) (*big.Rat, error) {
	t := strings.TrimSpace(s)
	if !decimalRE.MatchString(t) {
		return nil, fmt.Errorf("%w: mass share %q is not a decimal between 0 and 1", pingyi.ErrInvalid, s)
	}
	r, ok := new(big.Rat).SetString(t)
	if !ok {
		return nil, fmt.Errorf("%w: mass share %q is not a decimal between 0 and 1", pingyi.ErrInvalid, s)
	}
	if r.Cmp(big.NewRat(1, 1)) > 0 {
		return nil, fmt.Errorf("%w: mass share %q is above 1", pingyi.ErrInvalid, s)
	}
	return r, nil
}

// FormatShare shows a share in its shortest exact decimal form when it has
// one of at most 4 decimals ("0.8", "0", "1"), else with 4 decimals.
func FormatShare(r *big.Rat) string {
	if r == nil {
		return "0"
	}
	s := r.FloatString(4)
	if back, ok := new(big.Rat).SetString(s); ok && back.Cmp(r) == 0 && strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
