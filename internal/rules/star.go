package rules

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// MaxStarValue is the most one star is worth (each star 0, 1 or 2).
const MaxStarValue = 2

// Threshold sets the levels of one cap group: excellent when the total is
// at least Excellent, poor when it is at most Poor, good otherwise.
type Threshold struct {
	Excellent int
	Poor      int
}

// Weights weigh the three year-end assessments (三评: 自评, 互评, 群众评议)
// in the suggestion offered to the branch committee. They need not sum to 1:
// Suggest divides by their sum.
type Weights struct {
	Self, Peer, Mass *big.Rat
}

// DefaultWeights: self 0.2, peer 0.3, mass 0.5.
func DefaultWeights() Weights {
	return Weights{Self: big.NewRat(2, 10), Peer: big.NewRat(3, 10), Mass: big.NewRat(5, 10)}
}

// StarRules are the star-management rules of a year and district (seed 003
// lets each district set them; DefaultStarRules are the seed's).
type StarRules struct {
	// Caps is the cap of each member category. A category with cap c has
	// the first c/MaxStarValue stars of pingyi.Stars.
	Caps map[pingyi.Category]int
	// Levels holds the thresholds of each cap.
	Levels map[int]Threshold
	// QuotaPercent: in each branch and cap group, excellent members may be
	// at most ⌊QuotaPercent × members rated / 100⌋.
	QuotaPercent int
	// Weights of Suggest.
	Weights Weights
}

// DefaultStarRules are the rules of seed 003 (SPEC §3): cap 10 (all five
// stars) for cadre, farming and in_service, cap 6 (ideology, compliance,
// civilization) for elderly and migrant; excellent ≥9 of 10 or ≥5 of 6;
// poor ≤3 of 10 or ≤2 of 6; quota 30%; weights self 0.2, peer 0.3, mass 0.5.
func DefaultStarRules() StarRules {
	return StarRules{
		Caps: map[pingyi.Category]int{
			pingyi.CategoryCadre:     10,
			pingyi.CategoryFarming:   10,
			pingyi.CategoryInService: 10,
			pingyi.CategoryElderly:   6,
			pingyi.CategoryMigrant:   6,
		},
		Levels: map[int]Threshold{
			10: {Excellent: 9, Poor: 3},
			6:  {Excellent: 5, Poor: 2},
		},
		QuotaPercent: 30,
		Weights:      DefaultWeights(),
	}
}

var defaultStarRules = DefaultStarRules()

// Cap is the cap of a category; 0 for an unknown category.
func (r StarRules) Cap(c pingyi.Category) int { return r.Caps[c] }

// StarsFor lists the stars a category strives for, in file order: the
// first Cap/MaxStarValue of pingyi.Stars. Nil for an unknown category.
func (r StarRules) StarsFor(c pingyi.Category) []pingyi.Star {
	n := r.Cap(c) / MaxStarValue
	if n <= 0 {
		return nil
	}
	if n > len(pingyi.Stars) {
		n = len(pingyi.Stars)
	}
	return append([]pingyi.Star(nil), pingyi.Stars[:n]...)
}

// Level is the level of a total of stars under a cap. A cap with no
// thresholds gives good.
func (r StarRules) Level(stars, cap int) pingyi.StarLevel {
	t, ok := r.Levels[cap]
	switch {
	case !ok:
		return pingyi.LevelGood
	case stars >= t.Excellent:
		return pingyi.LevelExcellent
	case stars <= t.Poor:
		return pingyi.LevelPoor
	}
	return pingyi.LevelGood
}

// Limit is the most excellent members allowed in a cap group of n members
// rated in one branch: ⌊QuotaPercent × n / 100⌋ (integer arithmetic; with
// 30%, ⌊3n/10⌋).
func (r StarRules) Limit(n int) int {
	if n <= 0 {
		return 0
	}
	return r.QuotaPercent * n / 100
}

// Cap is DefaultStarRules().Cap.
func Cap(c pingyi.Category) int { return defaultStarRules.Cap(c) }

// StarsFor is DefaultStarRules().StarsFor.
func StarsFor(c pingyi.Category) []pingyi.Star { return defaultStarRules.StarsFor(c) }

// Level is DefaultStarRules().Level.
func Level(stars, cap int) pingyi.StarLevel { return defaultStarRules.Level(stars, cap) }

// Limit is DefaultStarRules().Limit.
func Limit(n int) int { return defaultStarRules.Limit(n) }

// CellError is one bad cell of a star row; Column is the star's name (the
// column of the import file) or "category".
type CellError struct {
	Column  string
	Message string
	Format  string // Message is fmt.Sprintf(Format, Args...): pages translate it
	Args    []any
}

func (e CellError) Error() string { return e.Column + ": " + e.Message }

// cellError makes a CellError from a constant format (listed in
// internal/i18n/inputerr.go, like the formats of pingyi.InputError.Add).
func cellError(column, format string, args ...any) CellError {
	return CellError{Column: column, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// ParseStarRow checks one member's star row (SPEC §6 star import): cells
// holds the raw text of each star column (a missing key is empty; spaces
// around a value are ignored). A star of the member's category must be 0,
// 1 or 2; a star outside it (joint_service and post_duty for cap-6
// categories) must be empty. It returns the values of the category's stars,
// their total, and every bad cell in file order (nil when the row is good).
func (r StarRules) ParseStarRow(c pingyi.Category, cells map[pingyi.Star]string) (map[pingyi.Star]int, int, []CellError) {
	var errs []CellError
	if r.Cap(c) <= 0 {
		return nil, 0, []CellError{cellError("category", "unknown member category %q", c)}
	}
	own := make(map[pingyi.Star]bool)
	for _, s := range r.StarsFor(c) {
		own[s] = true
	}
	values := make(map[pingyi.Star]int)
	total := 0
	for _, s := range pingyi.Stars {
		cell := strings.TrimSpace(cells[s])
		if !own[s] {
			if cell != "" {
				errs = append(errs, cellError(string(s), "must be empty for category %s (cap %d)", c, r.Cap(c)))
			}
			continue
		}
		if cell == "" {
			errs = append(errs, cellError(string(s), "required for category %s (cap %d)", c, r.Cap(c)))
			continue
		}
		v, err := strconv.Atoi(cell)
		if err != nil || v < 0 || v > MaxStarValue || cell != strconv.Itoa(v) {
			errs = append(errs, cellError(string(s), "%q is not 0, 1 or 2", cell))
			continue
		}
		values[s] = v
		total += v
	}
	if errs != nil {
		return nil, 0, errs
	}
	return values, total, nil
}

// ParseStarRow is DefaultStarRules().ParseStarRow.
func ParseStarRow(c pingyi.Category, cells map[pingyi.Star]string) (map[pingyi.Star]int, int, []CellError) {
	return defaultStarRules.ParseStarRow(c, cells)
}

// StarRecord is one member's validated star total for a year. BranchCode is
// the org the member belongs to.
type StarRecord struct {
	MemberCode string
	BranchCode string
	Category   pingyi.Category
	Stars      int
}

// FinalRow is one line of `pingyi star finalize`:
// member_code,stars,cap,level,helper_code.
type FinalRow struct {
	MemberCode string
	BranchCode string
	Stars      int
	Cap        int
	Level      pingyi.StarLevel
	HelperCode string // for a poor member: the excellent member who helps
}

// QuotaViolation is a branch's cap group with more excellent members than
// the quota allows.
type QuotaViolation struct {
	BranchCode string
	Cap        int
	Count      int // excellent members
	Limit      int // allowed
	Members    int // members of the cap group rated in the branch
}

// String reads e.g. "branch B001: 4 excellent of cap 10, limit 3 (of 12 rated)".
func (v QuotaViolation) String() string {
	return fmt.Sprintf("branch %s: %d excellent of cap %d, limit %d (of %d rated)", v.BranchCode, v.Count, v.Cap, v.Limit, v.Members)
}

// Finalize levels each member, checks the quota and pairs helpers. Each
// member appears once in rows (the caller keeps the latest row of a year).
//
//   - Level: from the member's total and their category's cap.
//   - Quota (seed 003): in each branch and each cap group separately,
//     the excellent members may be at most Limit(members of that group
//     rated in that branch). Each group over it is a violation; violations
//     are sorted by branch code, then cap descending (10 before 6). The
//     caller refuses to finalize while there is any.
//   - Helpers (seed 003, 帮带后进党员): in each branch, poor members sorted
//     by member code are assigned in turn (round-robin) to the branch's
//     excellent members of any cap group, sorted by stars descending then
//     member code ascending. So each excellent member helps at most
//     ⌈poor/excellent⌉, and the best-rated help first. A poor member of a
//     branch with no excellent member has no helper ("").
//
// Results are sorted by member code.
func (r StarRules) Finalize(rows []StarRecord) ([]FinalRow, []QuotaViolation) {
	out := make([]FinalRow, len(rows))
	type key struct {
		branch string
		cap    int
	}
	type group struct {
		key
		n, exc int // members rated, excellent among them
	}
	groups := map[key]*group{}
	var order []*group
	poor := map[string][]int{}      // branch → indexes into out
	excellent := map[string][]int{} // branch → indexes into out
	for i, rec := range rows {
		c := r.Cap(rec.Category)
		lv := r.Level(rec.Stars, c)
		out[i] = FinalRow{MemberCode: rec.MemberCode, BranchCode: rec.BranchCode, Stars: rec.Stars, Cap: c, Level: lv}
		k := key{rec.BranchCode, c}
		g := groups[k]
		if g == nil {
			g = &group{key: k}
			groups[k] = g
			order = append(order, g)
		}
		g.n++
		switch lv {
		case pingyi.LevelExcellent:
			g.exc++
			excellent[rec.BranchCode] = append(excellent[rec.BranchCode], i)
		case pingyi.LevelPoor:
			poor[rec.BranchCode] = append(poor[rec.BranchCode], i)
		}
	}

	var violations []QuotaViolation
	for _, g := range order {
		if lim := r.Limit(g.n); g.exc > lim {
			violations = append(violations, QuotaViolation{BranchCode: g.branch, Cap: g.cap, Count: g.exc, Limit: lim, Members: g.n})
		}
	}
	sort.Slice(violations, func(i, j int) bool {
		if violations[i].BranchCode != violations[j].BranchCode {
			return violations[i].BranchCode < violations[j].BranchCode
		}
		return violations[i].Cap > violations[j].Cap
	})

	for branch, ps := range poor {
		ex := excellent[branch]
		if len(ex) == 0 {
			continue
		}
		sort.Slice(ps, func(i, j int) bool { return out[ps[i]].MemberCode < out[ps[j]].MemberCode })
		sort.Slice(ex, func(i, j int) bool {
			a, b := out[ex[i]], out[ex[j]]
			if a.Stars != b.Stars {
				return a.Stars > b.Stars
			}
			return a.MemberCode < b.MemberCode
		})
		for k, p := range ps {
			out[p].HelperCode = out[ex[k%len(ex)]].MemberCode
		}
	}

	sort.SliceStable(out, func(i, j int) bool { return out[i].MemberCode < out[j].MemberCode })
	return out, violations
}

// Finalize is DefaultStarRules().Finalize.
func Finalize(rows []StarRecord) ([]FinalRow, []QuotaViolation) {
	return defaultStarRules.Finalize(rows)
}

// MeanStars is the mean of several assessments of one star (e.g. the peer
// ratings, or the masses' ratings); false when there is none.
func MeanStars(values []int) (*big.Rat, bool) {
	if len(values) == 0 {
		return nil, false
	}
	var sum int64
	for _, v := range values {
		sum += int64(v)
	}
	return big.NewRat(sum, int64(len(values))), true
}

// Suggest is the value of one star offered to the branch committee from
// the self, peer and mass assessments (each 0..2, possibly a mean): their
// weighted mean, rounded to the nearest integer (halves up) and kept within
// 0..MaxStarValue. A nil assessment is missing and its weight is dropped
// (the others are re-normalized). It reports false when every assessment
// is missing or the weights present sum to 0. The committee decides; this
// is only a suggestion.
func Suggest(self, peer, mass *big.Rat, w Weights) (int, bool) {
	num, den := new(big.Rat), new(big.Rat)
	for _, p := range []struct{ v, w *big.Rat }{{self, w.Self}, {peer, w.Peer}, {mass, w.Mass}} {
		if p.v == nil || p.w == nil {
			continue
		}
		num.Add(num, new(big.Rat).Mul(p.v, p.w))
		den.Add(den, p.w)
	}
	if den.Sign() <= 0 {
		return 0, false
	}
	x := num.Quo(num, den)
	// ⌊x + 1/2⌋ = ⌊(2·a + b) / (2·b)⌋ for x = a/b, b > 0.
	a := new(big.Int).Mul(x.Num(), big.NewInt(2))
	a.Add(a, x.Denom())
	b := new(big.Int).Mul(x.Denom(), big.NewInt(2))
	q := new(big.Int).Div(a, b) // Euclidean division: floor, b > 0
	v := q.Int64()
	if !q.IsInt64() || v > MaxStarValue {
		v = MaxStarValue
	}
	if q.Sign() < 0 {
		v = 0
	}
	return int(v), true
}
