package demo

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// collect generates s fully in memory (small scales only).
func collect(t testing.TB, s Scale, seed uint64) ([]pingyi.Org, []pingyi.Member) {
	t.Helper()
	var orgs []pingyi.Org
	var members []pingyi.Member
	err := Generate(s, seed,
		func(o pingyi.Org) error { orgs = append(orgs, o); return nil },
		func(m pingyi.Member) error { members = append(members, m); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return orgs, members
}

// digest hashes the whole output of Generate.
func digest(t *testing.T, s Scale, seed uint64) string {
	t.Helper()
	h := sha256.New()
	write := func(h hash.Hash, v any) { fmt.Fprintf(h, "%#v\n", v) }
	orgsDone := false
	err := Generate(s, seed,
		func(o pingyi.Org) error {
			if orgsDone {
				t.Fatalf("org %s after members", o.Code)
			}
			write(h, o)
			return nil
		},
		func(m pingyi.Member) error { orgsDone = true; write(h, m); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	a, b := digest(t, District, 42), digest(t, District, 42)
	if a != b {
		t.Fatalf("same seed, different output: %s vs %s", a, b)
	}
	if c := digest(t, District, 43); c == a {
		t.Fatalf("seeds 42 and 43 gave the same output")
	}
	// A small multi-district scale is deterministic too.
	small := City
	small.Districts, small.Towns, small.Streets, small.Villages, small.Communities = 3, 4, 1, 20, 6
	small.NewEconomicPerTown = 3
	if digest(t, small, 7) != digest(t, small, 7) {
		t.Fatalf("small city: same seed, different output")
	}
}

var (
	phoneRE      = regexp.MustCompile(`^1[3-9]\d{9}$`)
	memberCodeRE = regexp.MustCompile(`^M\d{7}$`)
)

// validID checks a 居民身份证号码 independently of the package: ISO 7064
// MOD 11-2 over all 18 characters (X counts 10) must leave 1.
func validID(id string) bool {
	if len(id) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 18; i++ {
		c := id[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c == 'X' && i == 17:
			v = 10
		default:
			return false
		}
		sum = (sum*2 + v) % 11 // Horner: Σ v_i·2^(17-i)
	}
	return sum == 1
}

func TestValidIDChecker(t *testing.T) {
	for _, id := range []string{"11010519491231002X", "440524188001010014"} {
		if !validID(id) {
			t.Errorf("validID(%s) = false, want true", id)
		}
		if got := idNumber(id[:6], atoi(id[6:10]), atoi(id[10:12]), atoi(id[12:14]), atoi(id[14:17])); got != id {
			t.Errorf("idNumber = %s, want %s", got, id)
		}
	}
	for _, id := range []string{"110105194912310021", "440524188001010015", "11010519491231002", "1101051949123100X2"} {
		if validID(id) {
			t.Errorf("validID(%s) = true, want false", id)
		}
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func TestDistrict(t *testing.T) {
	start := time.Now()
	orgs, members := collect(t, District, 1)
	t.Logf("District: %d orgs, %d members in %v", len(orgs), len(members), time.Since(start))

	byCode := map[string]*pingyi.Org{}
	var roots int
	types := map[pingyi.OrgType]int{}
	domains := map[pingyi.Domain]int{}
	windows := 0
	for i := range orgs {
		o := &orgs[i]
		if o.Code == "" || o.Name == "" {
			t.Fatalf("org %d: empty code or name: %+v", i, *o)
		}
		if byCode[o.Code] != nil {
			t.Fatalf("duplicate org code %s", o.Code)
		}
		if o.ID != 0 || o.ParentID != 0 {
			t.Fatalf("org %s: IDs set", o.Code)
		}
		if !pingyi.ValidOrgType(string(o.Type)) || !pingyi.ValidDomain(string(o.Domain)) {
			t.Fatalf("org %s: bad type %q or domain %q", o.Code, o.Type, o.Domain)
		}
		if o.ParentCode == "" {
			roots++
		} else {
			p := byCode[o.ParentCode]
			if p == nil {
				t.Fatalf("org %s: parent %s missing or after it", o.Code, o.ParentCode)
			}
			if p.Type == pingyi.OrgBranch {
				t.Fatalf("org %s: parent %s is a branch", o.Code, p.Code)
			}
			if !strings.HasPrefix(o.Code, p.Code) {
				t.Fatalf("org %s: code not under parent %s", o.Code, p.Code)
			}
		}
		if o.WindowUnit {
			windows++
			if o.Domain != pingyi.DomainAgency && o.Domain != pingyi.DomainEnterprise {
				t.Errorf("window unit %s %s in domain %s", o.Code, o.Name, o.Domain)
			}
		}
		byCode[o.Code] = o
		types[o.Type]++
		domains[o.Domain]++
	}
	if roots != 1 || orgs[0].Code != "CX" || orgs[0].Name != "中共慈溪市委" {
		t.Fatalf("want the single root CX 中共慈溪市委, got %d roots, first %+v", roots, orgs[0])
	}
	t.Logf("orgs by type %v, by domain %v, window units %d", types, domains, windows)

	// Shape: ~20 towns, ~300 villages, ~50 communities, 350–450 branches.
	towns, villages, communities := 0, 0, 0
	for _, o := range orgs {
		if o.ParentCode == "CX" && len(o.Code) == 4 {
			towns++
		}
		if len(o.Code) > 4 && byCode[o.ParentCode] != nil && len(o.ParentCode) == 4 && o.ParentCode != "CXJ" {
			switch o.Domain {
			case pingyi.DomainRural:
				villages++
			case pingyi.DomainCommunity:
				communities++
			}
		}
	}
	if towns != 20 || villages != 297 || communities != 48 {
		t.Errorf("towns %d villages %d communities %d, want 20, 297, 48", towns, villages, communities)
	}
	if n := types[pingyi.OrgBranch]; n < 350 || n > 450 {
		t.Errorf("%d branches, want 350..450", n)
	}
	for _, d := range pingyi.Domains {
		if domains[d] == 0 {
			t.Errorf("no org in domain %s", d)
		}
	}
	if windows < 3 {
		t.Errorf("only %d window units", windows)
	}
	if n := len(members); n < 30000 || n > 50000 {
		t.Errorf("%d members, want 30000..50000", n)
	}

	// Members.
	seen := map[string]bool{}
	ids := map[string]bool{}
	secretaries := map[string]int{}
	withMembers := map[string]int{}
	cats := map[pingyi.Category]int{}
	ruralCats := map[pingyi.Category]int{}
	for _, m := range members {
		if !memberCodeRE.MatchString(m.Code) {
			t.Fatalf("member code %q", m.Code)
		}
		if seen[m.Code] {
			t.Fatalf("duplicate member code %s", m.Code)
		}
		seen[m.Code] = true
		o := byCode[m.OrgCode]
		if o == nil {
			t.Fatalf("member %s: org %s missing", m.Code, m.OrgCode)
		}
		if o.Type == pingyi.OrgCommittee {
			t.Fatalf("member %s in committee %s", m.Code, o.Code)
		}
		if m.OrgName != o.Name {
			t.Fatalf("member %s: org name %q, want %q", m.Code, m.OrgName, o.Name)
		}
		if n := len([]rune(m.Name)); n < 2 || n > 3 {
			t.Fatalf("member %s: name %q", m.Code, m.Name)
		}
		if !pingyi.ValidCategory(string(m.Category)) {
			t.Fatalf("member %s: category %q", m.Code, m.Category)
		}
		rural := o.Domain == pingyi.DomainRural
		if rural && m.Category == pingyi.CategoryInService ||
			!rural && m.Category != pingyi.CategoryInService && m.Category != pingyi.CategoryElderly {
			t.Fatalf("member %s: category %s in a %s org", m.Code, m.Category, o.Domain)
		}
		if m.Gender != "male" && m.Gender != "female" {
			t.Fatalf("member %s: gender %q", m.Code, m.Gender)
		}
		if m.BirthYear < 1935 || m.BirthYear > 2002 {
			t.Fatalf("member %s: birth year %d", m.Code, m.BirthYear)
		}
		if m.Phone != "" && !phoneRE.MatchString(m.Phone) {
			t.Fatalf("member %s: phone %q", m.Code, m.Phone)
		}
		if m.IDNumber != "" {
			if !validID(m.IDNumber) || !strings.HasPrefix(m.IDNumber, "330282") ||
				m.IDNumber[6:10] != strconv.Itoa(m.BirthYear) {
				t.Fatalf("member %s: ID %s (born %d)", m.Code, m.IDNumber, m.BirthYear)
			}
			if _, err := time.Parse("20060102", m.IDNumber[6:14]); err != nil {
				t.Fatalf("member %s: ID %s: bad date", m.Code, m.IDNumber)
			}
			if odd := (m.IDNumber[16]-'0')%2 == 1; odd != (m.Gender == "male") {
				t.Fatalf("member %s: ID %s does not match gender %s", m.Code, m.IDNumber, m.Gender)
			}
			if ids[m.IDNumber] {
				t.Fatalf("duplicate ID number %s", m.IDNumber)
			}
			ids[m.IDNumber] = true
		}
		if m.Category == pingyi.CategoryInService {
			c := byCode[m.CommunityCode]
			if m.HomeUnit == "" || c == nil || c.Domain != pingyi.DomainCommunity || c.Type == pingyi.OrgCommittee {
				t.Fatalf("member %s: in service with home unit %q, community %q", m.Code, m.HomeUnit, m.CommunityCode)
			}
			// Town-level orgs report to a community of the same town.
			if len(o.Code) > 4 && o.Code[2] >= '0' && o.Code[2] <= '9' && !strings.HasPrefix(c.Code, o.Code[:4]) {
				t.Fatalf("member %s of %s reports to community %s of another town", m.Code, o.Code, c.Code)
			}
		} else if m.HomeUnit != "" || m.CommunityCode != "" {
			t.Fatalf("member %s: %s with home unit %q, community %q", m.Code, m.Category, m.HomeUnit, m.CommunityCode)
		}
		if m.IsSecretary {
			secretaries[m.OrgCode]++
		}
		withMembers[m.OrgCode]++
		cats[m.Category]++
		if rural {
			ruralCats[m.Category]++
		}
	}
	if len(ids) < len(members)*99/100 {
		t.Errorf("only %d of %d members have ID numbers", len(ids), len(members))
	}
	for code, n := range secretaries {
		if n > 1 {
			t.Fatalf("org %s has %d secretaries", code, n)
		}
	}
	for _, o := range orgs {
		if withMembers[o.Code] > 0 && secretaries[o.Code] != 1 {
			t.Fatalf("org %s (%s) has %d members and %d secretaries", o.Code, o.Type, withMembers[o.Code], secretaries[o.Code])
		}
		if o.Type == pingyi.OrgBranch && withMembers[o.Code] == 0 {
			t.Fatalf("branch %s has no members", o.Code)
		}
	}
	t.Logf("members by category %v", cats)

	// Village categories per SPEC §1 / seed 003: cadre ≈10%, farming ≈45%,
	// elderly ≈25%, migrant ≈20%.
	var rural int
	for _, n := range ruralCats {
		rural += n
	}
	want := map[pingyi.Category][2]float64{
		pingyi.CategoryCadre: {0.07, 0.14}, pingyi.CategoryFarming: {0.40, 0.50},
		pingyi.CategoryElderly: {0.20, 0.30}, pingyi.CategoryMigrant: {0.16, 0.25},
	}
	for c, w := range want {
		if f := float64(ruralCats[c]) / float64(rural); f < w[0] || f > w[1] {
			t.Errorf("rural %s share %.3f, want %.2f..%.2f", c, f, w[0], w[1])
		}
	}
	if ruralCats[pingyi.CategoryInService] != 0 {
		t.Errorf("%d in-service members in villages", ruralCats[pingyi.CategoryInService])
	}
}

func TestCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := Generate(District, 1, func(pingyi.Org) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	}, nil)
	if !errors.Is(err, stop) || n != 10 {
		t.Fatalf("org callback error: got %v after %d orgs", err, n)
	}
	n = 0
	err = Generate(District, 1, nil, func(pingyi.Member) error {
		if n++; n == 100 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 100 {
		t.Fatalf("member callback error: got %v after %d members", err, n)
	}
}

func TestValidate(t *testing.T) {
	for _, s := range Scales {
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
		if got, ok := ScaleByName(s.Name); !ok || got.Name != s.Name {
			t.Errorf("ScaleByName(%q) = %v, %v", s.Name, got.Name, ok)
		}
	}
	bad := []func(*Scale){
		func(s *Scale) { s.Towns = 0 },
		func(s *Scale) { s.Streets = s.Towns + 1 },
		func(s *Scale) { s.Villages = -1 },
		func(s *Scale) { s.VillageSize = Range{10, 5} },
		func(s *Scale) { s.OtherSize.Min = 0 },
		func(s *Scale) { s.GeneralBranchShare = 1.5 },
		func(s *Scale) { s.Level = 7 },
		func(s *Scale) { s.Level, s.Cities = LevelProvince, 0 },
	}
	for i, f := range bad {
		s := District
		f(&s)
		if err := s.Validate(); err == nil {
			t.Errorf("bad scale %d accepted", i)
		}
		if err := Generate(s, 1, nil, nil); err == nil {
			t.Errorf("bad scale %d generated", i)
		}
	}
}

// count streams a scale, checking the tree, secretaries and memory use
// without keeping the items.
func count(t *testing.T, s Scale) (orgs, branches, members int) {
	t.Helper()
	start := time.Now()
	parents := map[string]bool{}  // orgs that are not branches
	perOrg := map[string][2]int{} // members, secretaries
	var peak uint64
	err := Generate(s, 1, func(o pingyi.Org) error {
		if o.ParentCode != "" && !parents[o.ParentCode] {
			return fmt.Errorf("org %s before its parent %s, or under a branch", o.Code, o.ParentCode)
		}
		if _, dup := perOrg[o.Code]; dup {
			return fmt.Errorf("duplicate org %s", o.Code)
		}
		perOrg[o.Code] = [2]int{}
		if o.Type != pingyi.OrgBranch {
			parents[o.Code] = true
		}
		orgs++
		if o.Type == pingyi.OrgBranch {
			branches++
		}
		return nil
	}, func(m pingyi.Member) error {
		c, ok := perOrg[m.OrgCode]
		if !ok {
			return fmt.Errorf("member %s of unknown org %s", m.Code, m.OrgCode)
		}
		c[0]++
		if m.IsSecretary {
			c[1]++
		}
		perOrg[m.OrgCode] = c
		if members++; members%500_000 == 0 {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for code, c := range perOrg {
		if c[0] > 0 && c[1] != 1 {
			t.Fatalf("org %s: %d members, %d secretaries", code, c[0], c[1])
		}
	}
	t.Logf("%s: %d orgs (%d branches), %d members in %v, peak heap %d MB",
		s.Name, orgs, branches, members, time.Since(start), peak>>20)
	// Streaming: holding the members would take gigabytes at Province scale.
	if peak > 400<<20 {
		t.Errorf("%s: heap reached %d MB while streaming", s.Name, peak>>20)
	}
	return orgs, branches, members
}

// TestOddScale runs made-up cities and districts beyond the real ones.
func TestOddScale(t *testing.T) {
	s := Province
	s.Name, s.Cities, s.Districts, s.Towns, s.Streets = "odd", 13, 12, 3, 1
	s.Villages, s.Communities, s.Agencies, s.StateEnterprises = 12, 2, 50, 16
	s.AgenciesPerTown, s.EnterprisesPerTown, s.NewEconomicPerTown, s.NewSocialPerTown = 11, 9, 2, 1
	s.GeneralBranchShare = 0.5
	orgs, _, members := count(t, s)
	if orgs == 0 || members == 0 {
		t.Fatal("nothing generated")
	}
}

func TestCity(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	_, _, members := count(t, City)
	if members < 500_000 || members > 700_000 {
		t.Errorf("City: %d members, want ≈ 600,000", members)
	}
}

func TestProvince(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("short or race")
	}
	orgs, _, members := count(t, Province)
	if orgs < 170_000 || orgs > 230_000 || members < 3_500_000 || members > 4_500_000 {
		t.Errorf("Province: %d orgs, %d members, want ≈ 200,000 and ≈ 4,000,000", orgs, members)
	}
}

func BenchmarkDistrict(b *testing.B) {
	for b.Loop() {
		n := 0
		if err := Generate(District, 1, func(pingyi.Org) error { return nil }, func(pingyi.Member) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
