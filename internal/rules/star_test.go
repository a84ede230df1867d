package rules

import (
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"pgregory.net/rapid"
)

func TestCapAndStars(t *testing.T) {
	five := []pingyi.Star{pingyi.StarIdeology, pingyi.StarCompliance, pingyi.StarCivilization, pingyi.StarJointService, pingyi.StarPostDuty}
	three := five[:3]
	cases := []struct {
		c     pingyi.Category
		cap   int
		stars []pingyi.Star
	}{
		{pingyi.CategoryCadre, 10, five},
		{pingyi.CategoryFarming, 10, five},
		{pingyi.CategoryInService, 10, five},
		{pingyi.CategoryElderly, 6, three},
		{pingyi.CategoryMigrant, 6, three},
		{"retired", 0, nil},
	}
	for _, c := range cases {
		if got := Cap(c.c); got != c.cap {
			t.Errorf("Cap(%s) = %d, want %d", c.c, got, c.cap)
		}
		if got := StarsFor(c.c); !reflect.DeepEqual(got, c.stars) {
			t.Errorf("StarsFor(%s) = %v, want %v", c.c, got, c.stars)
		}
	}
	for _, c := range pingyi.Categories {
		if Cap(c) == 0 {
			t.Errorf("category %s has no cap", c)
		}
	}
}

func TestLevel(t *testing.T) {
	cases := []struct {
		stars, cap int
		want       pingyi.StarLevel
	}{
		{10, 10, pingyi.LevelExcellent},
		{9, 10, pingyi.LevelExcellent},
		{8, 10, pingyi.LevelGood},
		{4, 10, pingyi.LevelGood},
		{3, 10, pingyi.LevelPoor},
		{0, 10, pingyi.LevelPoor},
		{6, 6, pingyi.LevelExcellent},
		{5, 6, pingyi.LevelExcellent},
		{4, 6, pingyi.LevelGood},
		{3, 6, pingyi.LevelGood},
		{2, 6, pingyi.LevelPoor},
		{0, 6, pingyi.LevelPoor},
	}
	for _, c := range cases {
		if got := Level(c.stars, c.cap); got != c.want {
			t.Errorf("Level(%d of %d) = %s, want %s", c.stars, c.cap, got, c.want)
		}
	}
}

func TestLimit(t *testing.T) {
	// ⌊30% × n⌋, written out by hand.
	want := []int{0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6} // index n = 0..20
	for n := 0; n <= 20; n++ {
		if got := Limit(n); got != want[n] {
			t.Errorf("Limit(%d) = %d, want %d", n, got, want[n])
		}
		if want[n] != n*3/10 {
			t.Fatalf("hand table wrong at %d", n)
		}
	}
	r := DefaultStarRules()
	r.QuotaPercent = 15
	if got := r.Limit(20); got != 3 {
		t.Errorf("15%% of 20 = %d, want 3", got)
	}
}

func cells(vals ...string) map[pingyi.Star]string {
	m := map[pingyi.Star]string{}
	for i, v := range vals {
		m[pingyi.Stars[i]] = v
	}
	return m
}

func TestParseStarRow(t *testing.T) {
	cases := []struct {
		name   string
		c      pingyi.Category
		cells  map[pingyi.Star]string
		total  int
		errCol []string // columns refused, in order
	}{
		{"cadre full", pingyi.CategoryCadre, cells("2", "2", "2", "2", "1"), 9, nil},
		{"farming zeros", pingyi.CategoryFarming, cells("0", "0", "0", "0", "0"), 0, nil},
		{"spaces trimmed", pingyi.CategoryInService, cells(" 1", "1 ", "1", "1", "1"), 5, nil},
		{"elderly three", pingyi.CategoryElderly, cells("2", "2", "1", "", ""), 5, nil},
		{"migrant missing keys", pingyi.CategoryMigrant, cells("1", "0", "1"), 2, nil},
		{"elderly with joint_service", pingyi.CategoryElderly, cells("2", "2", "1", "1", ""), 0, []string{"joint_service"}},
		{"migrant with both", pingyi.CategoryMigrant, cells("2", "2", "1", "0", "0"), 0, []string{"joint_service", "post_duty"}},
		{"cadre without post_duty", pingyi.CategoryCadre, cells("2", "2", "2", "2", ""), 0, []string{"post_duty"}},
		{"in_service missing keys", pingyi.CategoryInService, cells("2", "2", "2"), 0, []string{"joint_service", "post_duty"}},
		{"value 3", pingyi.CategoryFarming, cells("3", "2", "2", "2", "2"), 0, []string{"ideology"}},
		{"negative", pingyi.CategoryFarming, cells("2", "-1", "2", "2", "2"), 0, []string{"compliance"}},
		{"not a number", pingyi.CategoryFarming, cells("2", "2", "x", "2", "2"), 0, []string{"civilization"}},
		{"leading zero, plus, decimal", pingyi.CategoryFarming, cells("01", "+1", "1.0", "2", "2"), 0, []string{"ideology", "compliance", "civilization"}},
		{"elderly missing ideology", pingyi.CategoryElderly, cells("", "1", "1", "", ""), 0, []string{"ideology"}},
		{"unknown category", "retired", cells("1", "1", "1", "1", "1"), 0, []string{"category"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vals, total, errs := ParseStarRow(c.c, c.cells)
			var cols []string
			for _, e := range errs {
				cols = append(cols, e.Column)
				if e.Message == "" || !strings.Contains(e.Error(), e.Column) {
					t.Errorf("poor error %q", e.Error())
				}
			}
			if !reflect.DeepEqual(cols, c.errCol) {
				t.Fatalf("refused columns %v, want %v (%v)", cols, c.errCol, errs)
			}
			if errs != nil {
				return
			}
			if total != c.total {
				t.Errorf("total %d, want %d", total, c.total)
			}
			if len(vals) != len(StarsFor(c.c)) {
				t.Errorf("values %v for %s", vals, c.c)
			}
		})
	}
}

// mk makes n records of a branch and category with the given stars each.
func mk(branch, prefix string, c pingyi.Category, stars ...int) []StarRecord {
	var out []StarRecord
	for i, s := range stars {
		out = append(out, StarRecord{MemberCode: fmt.Sprintf("%s%02d", prefix, i+1), BranchCode: branch, Category: c, Stars: s})
	}
	return out
}

func TestFinalizeQuota(t *testing.T) {
	var rows []StarRecord
	// B001: 10 cap-10 members, 4 excellent → limit 3: violation.
	rows = append(rows, mk("B001", "A", pingyi.CategoryFarming, 9, 10, 9, 9, 8, 7, 6, 5, 4, 4)...)
	// B002: 10 cap-10 members, 3 excellent → fine; 4 cap-6 members, 2
	// excellent → limit 1: violation (cap groups are counted apart).
	rows = append(rows, mk("B002", "B", pingyi.CategoryCadre, 9, 9, 10, 8, 8, 8, 8, 8, 8, 8)...)
	rows = append(rows, mk("B002", "C", pingyi.CategoryElderly, 5, 6, 4, 3)...)
	// B003: cap-10 group of 4 with 2 excellent (limit 1) beside a cap-6
	// group of 6 with none: pooled (10 members, limit 3) it would pass.
	rows = append(rows, mk("B003", "D", pingyi.CategoryInService, 9, 9, 5, 5)...)
	rows = append(rows, mk("B003", "E", pingyi.CategoryMigrant, 4, 4, 4, 3, 3, 3)...)
	// B004: 3 members, 0 excellent allowed, none: fine. 4 members, 1
	// allowed, 1: fine.
	rows = append(rows, mk("B004", "F", pingyi.CategoryCadre, 8, 8, 8)...)
	rows = append(rows, mk("B004", "G", pingyi.CategoryMigrant, 6, 4, 4, 4)...)
	// B005: a single excellent member alone: limit 0.
	rows = append(rows, mk("B005", "H", pingyi.CategoryCadre, 10)...)

	_, viol := Finalize(rows)
	want := []QuotaViolation{
		{BranchCode: "B001", Cap: 10, Count: 4, Limit: 3, Members: 10},
		{BranchCode: "B002", Cap: 6, Count: 2, Limit: 1, Members: 4},
		{BranchCode: "B003", Cap: 10, Count: 2, Limit: 1, Members: 4},
		{BranchCode: "B005", Cap: 10, Count: 1, Limit: 0, Members: 1},
	}
	if !reflect.DeepEqual(viol, want) {
		t.Fatalf("violations\n%+v\nwant\n%+v", viol, want)
	}
	if s := viol[0].String(); !strings.Contains(s, "B001") || !strings.Contains(s, "4 excellent") || !strings.Contains(s, "cap 10") || !strings.Contains(s, "limit 3") {
		t.Errorf("String() = %q", s)
	}
}

func TestFinalizeSameBranchBothCaps(t *testing.T) {
	rows := append(mk("B1", "X", pingyi.CategoryCadre, 10, 10, 2, 2), mk("B1", "Y", pingyi.CategoryElderly, 6, 6)...)
	_, viol := Finalize(rows)
	var got []string
	for _, v := range viol {
		got = append(got, v.String())
	}
	want := []string{
		"branch B1: 2 excellent of cap 10, limit 1 (of 4 rated)",
		"branch B1: 2 excellent of cap 6, limit 0 (of 2 rated)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestFinalizeRowsAndHelpers(t *testing.T) {
	rows := []StarRecord{
		// Branch B1: 10 cap-10 members, 3 excellent (at the limit).
		{MemberCode: "P3", BranchCode: "B1", Category: pingyi.CategoryFarming, Stars: 3},
		{MemberCode: "E2", BranchCode: "B1", Category: pingyi.CategoryFarming, Stars: 9},
		{MemberCode: "P1", BranchCode: "B1", Category: pingyi.CategoryFarming, Stars: 0},
		{MemberCode: "E1", BranchCode: "B1", Category: pingyi.CategoryCadre, Stars: 10},
		{MemberCode: "E0", BranchCode: "B1", Category: pingyi.CategoryFarming, Stars: 9},
		{MemberCode: "P4", BranchCode: "B1", Category: pingyi.CategoryFarming, Stars: 1},
		{MemberCode: "G1", BranchCode: "B1", Category: pingyi.CategoryFarming, Stars: 8},
		{MemberCode: "G2", BranchCode: "B1", Category: pingyi.CategoryFarming, Stars: 4},
		{MemberCode: "G3", BranchCode: "B1", Category: pingyi.CategoryFarming, Stars: 6},
		{MemberCode: "G4", BranchCode: "B1", Category: pingyi.CategoryFarming, Stars: 7},
		// A cap-6 poor member of B1 is helped too (helpers come from any
		// cap group of the branch).
		{MemberCode: "P2", BranchCode: "B1", Category: pingyi.CategoryElderly, Stars: 2},
		{MemberCode: "G5", BranchCode: "B1", Category: pingyi.CategoryElderly, Stars: 3},
		{MemberCode: "G6", BranchCode: "B1", Category: pingyi.CategoryElderly, Stars: 4},
		// Branch B2: a poor member and no excellent one: no helper, even
		// though B1 has excellent members.
		{MemberCode: "Q1", BranchCode: "B2", Category: pingyi.CategoryMigrant, Stars: 0},
		{MemberCode: "Q2", BranchCode: "B2", Category: pingyi.CategoryMigrant, Stars: 4},
	}
	res, viol := Finalize(rows)
	if len(viol) != 0 {
		t.Fatalf("unexpected violations %v", viol)
	}
	// Excellent of B1 by stars desc, code asc: E1(10), E0(9), E2(9).
	// Poor of B1 by code: P1, P2, P3, P4 → E1, E0, E2, E1.
	want := []FinalRow{
		{"E0", "B1", 9, 10, pingyi.LevelExcellent, ""},
		{"E1", "B1", 10, 10, pingyi.LevelExcellent, ""},
		{"E2", "B1", 9, 10, pingyi.LevelExcellent, ""},
		{"G1", "B1", 8, 10, pingyi.LevelGood, ""},
		{"G2", "B1", 4, 10, pingyi.LevelGood, ""},
		{"G3", "B1", 6, 10, pingyi.LevelGood, ""},
		{"G4", "B1", 7, 10, pingyi.LevelGood, ""},
		{"G5", "B1", 3, 6, pingyi.LevelGood, ""},
		{"G6", "B1", 4, 6, pingyi.LevelGood, ""},
		{"P1", "B1", 0, 10, pingyi.LevelPoor, "E1"},
		{"P2", "B1", 2, 6, pingyi.LevelPoor, "E0"},
		{"P3", "B1", 3, 10, pingyi.LevelPoor, "E2"},
		{"P4", "B1", 1, 10, pingyi.LevelPoor, "E1"},
		{"Q1", "B2", 0, 6, pingyi.LevelPoor, ""},
		{"Q2", "B2", 4, 6, pingyi.LevelGood, ""},
	}
	if !reflect.DeepEqual(res, want) {
		t.Fatalf("rows\n%+v\nwant\n%+v", res, want)
	}
}

func TestPropertyFinalize(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 40).Draw(t, "n")
		rows := make([]StarRecord, n)
		for i := range rows {
			c := rapid.SampledFrom(pingyi.Categories).Draw(t, "category")
			rows[i] = StarRecord{
				MemberCode: fmt.Sprintf("M%03d", i),
				BranchCode: fmt.Sprintf("B%d", rapid.IntRange(0, 3).Draw(t, "branch")),
				Category:   c,
				Stars:      rapid.IntRange(0, Cap(c)).Draw(t, "stars"),
			}
		}
		res, viol := Finalize(rows)
		perm := rapid.Permutation(rows).Draw(t, "perm")
		res2, viol2 := Finalize(perm)
		if !reflect.DeepEqual(res, res2) || !reflect.DeepEqual(viol, viol2) {
			t.Fatal("row order changed the result")
		}
		if len(res) != n {
			t.Fatalf("%d rows for %d members", len(res), n)
		}
		byCode := map[string]FinalRow{}
		type key struct {
			b string
			c int
		}
		members, exc := map[key]int{}, map[key]int{}
		helped := map[string]int{}
		for i, r := range res {
			if i > 0 && res[i-1].MemberCode >= r.MemberCode {
				t.Fatal("rows not sorted by member code")
			}
			byCode[r.MemberCode] = r
			members[key{r.BranchCode, r.Cap}]++
			if r.Level == pingyi.LevelExcellent {
				exc[key{r.BranchCode, r.Cap}]++
			}
		}
		excInBranch := map[string]int{}
		for k, v := range exc {
			excInBranch[k.b] += v
		}
		poorInBranch := map[string]int{}
		for _, r := range res {
			if r.Level == pingyi.LevelPoor {
				poorInBranch[r.BranchCode]++
			}
		}
		for _, r := range res {
			if r.HelperCode == "" {
				if r.Level == pingyi.LevelPoor && excInBranch[r.BranchCode] > 0 {
					t.Fatalf("%s poor without helper though branch has excellent", r.MemberCode)
				}
				continue
			}
			h := byCode[r.HelperCode]
			if r.Level != pingyi.LevelPoor || h.Level != pingyi.LevelExcellent || h.BranchCode != r.BranchCode {
				t.Fatalf("bad pairing %+v → %+v", r, h)
			}
			helped[h.MemberCode]++
		}
		for code, k := range helped {
			b := byCode[code].BranchCode
			e := excInBranch[b]
			if k > (poorInBranch[b]+e-1)/e {
				t.Fatalf("%s helps %d, more than ⌈%d/%d⌉", code, k, poorInBranch[b], e)
			}
		}
		var wantViol int
		for k, m := range members {
			if exc[k] > m*3/10 {
				wantViol++
			}
		}
		if len(viol) != wantViol {
			t.Fatalf("%d violations, want %d", len(viol), wantViol)
		}
	})
}

func TestSuggest(t *testing.T) {
	w := DefaultWeights()
	q := func(a, b int64) *big.Rat { return big.NewRat(a, b) }
	cases := []struct {
		self, peer, mass *big.Rat
		want             int
		ok               bool
	}{
		{q(2, 1), q(2, 1), q(2, 1), 2, true},
		{q(0, 1), q(0, 1), q(0, 1), 0, true},
		{q(2, 1), q(0, 1), q(1, 1), 1, true}, // 0.4+0+0.5 = 0.9
		{q(1, 1), q(0, 1), q(0, 1), 0, true}, // 0.2
		{q(0, 1), q(0, 1), q(1, 1), 1, true}, // 0.5 exactly: half up
		{q(2, 1), q(1, 1), q(0, 1), 1, true}, // 0.7
		{q(1, 1), q(1, 1), q(2, 1), 2, true}, // 1.5 exactly: half up
		{q(2, 1), q(2, 1), q(1, 1), 2, true}, // 1.5
		{q(0, 1), q(2, 1), q(1, 1), 1, true}, // 1.1
		{q(2, 1), q(7, 5), q(1, 1), 1, true}, // 0.4+0.42+0.5 = 1.32
		{q(2, 1), q(1, 1), nil, 1, true},     // (0.4+0.3)/0.5 = 1.4
		{nil, nil, q(3, 2), 2, true},         // mass alone 1.5
		{nil, nil, q(7, 5), 1, true},         // 1.4
		{nil, nil, nil, 0, false},
	}
	for _, c := range cases {
		got, ok := Suggest(c.self, c.peer, c.mass, w)
		if got != c.want || ok != c.ok {
			t.Errorf("Suggest(%v,%v,%v) = %d,%v; want %d,%v", c.self, c.peer, c.mass, got, ok, c.want, c.ok)
		}
	}
	// Equal weights need not sum to 1.
	eq := Weights{Self: q(1, 1), Peer: q(1, 1), Mass: q(1, 1)}
	if got, _ := Suggest(q(2, 1), q(1, 1), q(0, 1), eq); got != 1 {
		t.Errorf("equal weights: %d, want 1", got)
	}
	if got, _ := Suggest(q(2, 1), q(2, 1), q(1, 1), eq); got != 2 { // 5/3
		t.Errorf("equal weights 5/3: %d, want 2", got)
	}
	if _, ok := Suggest(q(1, 1), nil, nil, Weights{Self: q(0, 1), Peer: q(1, 1), Mass: q(1, 1)}); ok {
		t.Error("zero weight alone must not suggest")
	}
}

func TestMeanStars(t *testing.T) {
	if m, ok := MeanStars([]int{2, 1, 1, 0, 2}); !ok || m.Cmp(big.NewRat(6, 5)) != 0 {
		t.Errorf("mean = %v", m)
	}
	if _, ok := MeanStars(nil); ok {
		t.Error("mean of nothing")
	}
}
