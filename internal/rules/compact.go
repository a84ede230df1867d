package rules

import (
	"math/big"
	"strconv"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// The functions below are the integer forms of R1–R5 used to evaluate a
// whole campaign cheaply (appraisal.Summary). They agree exactly with the
// big.Rat functions above, which stay the reference (see the property
// tests in compact_test.go).

// Flags is a set of rule flags as bits.
type Flags uint8

// Flag bits, one per flag of Evaluate.
const (
	BitAdmonish Flags = 1 << iota
	BitNoAward
	BitNotTypical
	BitBelowAverage
	BitNoAdvancedCollective
	BitLowMassShare
	BitNoBallots
)

// flagBits lists the bits in the sorted order of their names.
var flagBits = [...]struct {
	bit  Flags
	name string
}{
	{BitAdmonish, FlagAdmonish},
	{BitBelowAverage, FlagBelowAverage},
	{BitLowMassShare, FlagLowMassShare},
	{BitNoAdvancedCollective, FlagNoAdvancedCollective},
	{BitNoAward, FlagNoAward},
	{BitNoBallots, FlagNoBallots},
	{BitNotTypical, FlagNotTypical},
}

// NumFlagBits is the number of distinct flag bits.
const NumFlagBits = len(flagBits)

// Names returns the flags' names sorted (as Evaluate's Flags; never nil).
func (f Flags) Names() []string {
	out := make([]string, 0, 4)
	for _, b := range flagBits {
		if f&b.bit != 0 {
			out = append(out, b.name)
		}
	}
	return out
}

// Has reports whether every bit of g is set.
func (f Flags) Has(g Flags) bool { return f&g == g }

// FlagBit returns the bit of a flag name (0 for an unknown name).
func FlagBit(name string) Flags {
	for _, b := range flagBits {
		if b.name == name {
			return b.bit
		}
	}
	return 0
}

// weightedSum is 100·s + 80·f + 60·b (+ 0·d): the score's numerator.
func (t Tally) weightedSum() int64 {
	return t.Satisfied*int64(pingyi.Weight(pingyi.Satisfied)) + t.FairlySatisfied*int64(pingyi.Weight(pingyi.FairlySatisfied)) +
		t.BasicallySatisfied*int64(pingyi.Weight(pingyi.BasicallySatisfied)) + t.Dissatisfied*int64(pingyi.Weight(pingyi.Dissatisfied))
}

// ScoreBelow60 is R1's test on integers: score < 60 ⟺ 100·s + 80·f + 60·b
// < 60·valid. False without valid ratings.
func (t Tally) ScoreBelow60() bool {
	v := t.Valid()
	return v > 0 && t.weightedSum() < 60*v
}

// RateBelow80 is R2's test on integers: rate < 80 % ⟺ 5·(valid − d) <
// 4·valid. False without valid ratings.
func (t Tally) RateBelow80() bool {
	v := t.Valid()
	return v > 0 && 5*(v-t.Dissatisfied) < 4*v
}

// RateBelow reports whether the rate is strictly below avg (R3), exactly:
// (valid − d)/valid < p/q ⟺ (valid − d)·q < p·valid. False without valid
// ratings or with a nil avg.
func (t Tally) RateBelow(avg *big.Rat) bool {
	v := t.Valid()
	if v == 0 || avg == nil {
		return false
	}
	p, q := avg.Num(), avg.Denom()
	if p.IsInt64() && q.IsInt64() {
		pi, qi := p.Int64(), q.Int64()
		// both products fit in int64 when the factors are below 2^31
		if v < 1<<31 && pi >= 0 && pi < 1<<31 && qi < 1<<31 {
			return (v-t.Dissatisfied)*qi < pi*v
		}
	}
	l := new(big.Int).Mul(big.NewInt(v-t.Dissatisfied), q)
	r := new(big.Int).Mul(p, big.NewInt(v))
	return l.Cmp(r) < 0
}

// roundHalfUp returns num/den rounded half up to an integer (num ≥ 0,
// den > 0).
func roundHalfUp(num, den int64) int64 { return (2*num + den) / (2 * den) }

// ScoreCents is the score in hundredths, rounded half up (FormatScore of
// Score = FormatCents of ScoreCents). False without valid ratings.
func (t Tally) ScoreCents() (int64, bool) {
	v := t.Valid()
	if v == 0 {
		return 0, false
	}
	return roundHalfUp(100*t.weightedSum(), v), true
}

// RateCents is the satisfaction rate as a percentage in hundredths,
// rounded half up (FormatRate of Rate = FormatCents of RateCents). False
// without valid ratings.
func (t Tally) RateCents() (int64, bool) {
	v := t.Valid()
	if v == 0 {
		return 0, false
	}
	return roundHalfUp(10000*(v-t.Dissatisfied), v), true
}

// FormatCents shows hundredths with two decimals: 6667 → "66.67".
func FormatCents(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n/100, 10) + "." + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
	if neg {
		s = "-" + s
	}
	return s
}

// MassShareBelow is R4's test on integers: the masses cast strictly less
// than min of a unit's ballots (mass/ballots < p/q ⟺ mass·q < p·ballots).
// False for a unit with no ballots or a nil or zero minimum (LowMassShare).
func MassShareBelow(ballots, mass int64, min *big.Rat) bool {
	if min == nil || min.Sign() <= 0 || ballots <= 0 {
		return false
	}
	l := new(big.Int).Mul(big.NewInt(mass), min.Denom())
	r := new(big.Int).Mul(min.Num(), big.NewInt(ballots))
	return l.Cmp(r) < 0
}

// OrgRates accumulates the rates of org targets for R3's average without
// big.Rat per target: rates are grouped by their (valid − d, valid) pair.
type OrgRates map[[2]int64]int64

// Add counts one org target's tally (nothing without valid ratings).
func (o OrgRates) Add(t Tally, n int64) {
	v := t.Valid()
	if v == 0 {
		return
	}
	k := [2]int64{v - t.Dissatisfied, v}
	o[k] += n
	if o[k] == 0 {
		delete(o, k)
	}
}

// Average is OrgAverage over the counted tallies.
func (o OrgRates) Average() (*big.Rat, bool) {
	var n int64
	sum := new(big.Rat)
	for k, c := range o {
		n += c
		sum.Add(sum, big.NewRat(k[0]*c, k[1]))
	}
	if n <= 0 {
		return nil, false
	}
	return sum.Quo(sum, big.NewRat(n, 1)), true
}

// TargetFlags applies R1, R2, R3 and R5 to one target (R4 is lowUnit, the
// unit's MassShareBelow). avg is R3's average (nil without one); prior is
// PriorBelowAverage of an org target in a regular campaign. It returns what
// Evaluate would set.
func TargetFlags(typ pingyi.TargetType, t Tally, kind pingyi.Kind, avg *big.Rat, prior int, lowUnit bool) Flags {
	var f Flags
	if t.Valid() == 0 {
		f |= BitNoBallots
	} else {
		if (typ == pingyi.TargetMember || typ == pingyi.TargetSecretary) && t.ScoreBelow60() {
			f |= BitAdmonish | BitNoAward
		}
		if t.RateBelow80() {
			f |= BitNotTypical
		}
		if typ == pingyi.TargetOrg && t.RateBelow(avg) {
			f |= BitBelowAverage
			if kind == pingyi.KindYearEnd || (kind == pingyi.KindRegular && prior >= 1) {
				f |= BitNoAdvancedCollective
			}
		}
	}
	if lowUnit {
		f |= BitLowMassShare
	}
	return f
}
