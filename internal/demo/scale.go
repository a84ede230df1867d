// Package demo generates a deterministic, realistic Party organization tree
// and its members, modelled on Cixi (慈溪市, Ningbo, Zhejiang): 297 villages
// and 48 communities in twenty towns and streets (seed 004), plus agency,
// enterprise and "two new" organizations. It feeds `pingyi serve --demo` and
// the scale benchmarks.
//
// Generate streams: it emits every org (parents before children) and then
// every member, rebuilding one district's skeleton at a time, so even the
// Province scale (millions of members) never sits in memory.
package demo

import (
	"fmt"
	"math"
)

// Level is the level of the root of a generated tree.
type Level int

const (
	// LevelDistrict roots the tree at one county-level district: 中共慈溪市委.
	LevelDistrict Level = iota
	// LevelCity roots it at a prefecture-level city (中共宁波市委) over its districts.
	LevelCity
	// LevelProvince roots it at a province (中共浙江省委) over its cities.
	LevelProvince
)

// Range is an inclusive range of members per branch.
type Range struct{ Min, Max int }

// Scale sizes a generated tree. Counts are per district unless named per town;
// the *PerTown rates are means, spread over the towns of a district so that
// the district total is the rate times the towns, rounded.
type Scale struct {
	Name  string
	Level Level

	// Cities under the province root (LevelProvince): Zhejiang's eleven first,
	// then made-up ones. At most 99.
	Cities int
	// Districts per city (LevelCity, LevelProvince): 0 takes each city's real
	// county-level districts (Ningbo's ten; Zhejiang's ninety); more than the
	// real ones adds made-up ones. At most 99.
	Districts int

	Towns   int // towns and streets (镇/街道) per district
	Streets int // how many of them are streets (街道党工委); Cixi keeps its real five

	Villages    int // village (村) Party organizations per district
	Communities int // community (社区) Party organizations per district
	// GeneralBranchShare is the share of villages and communities organized as
	// a 党总支 over 2–4 sub-branches (a big village or community).
	GeneralBranchShare float64

	Agencies         int // branches under each district's 机关工委
	StateEnterprises int // branches under each district's 国资委党委

	AgenciesPerTown    float64 // town agencies: 机关, 便民服务中心, 卫生院, schools …
	EnterprisesPerTown float64 // 供电所, 农商银行支行, collective companies …
	NewEconomicPerTown float64 // private companies (新经济组织)
	NewSocialPerTown   float64 // associations, law firms, private schools … (新社会组织)

	VillageSize   Range // members of a village branch
	CommunitySize Range // members of a community branch
	OtherSize     Range // members of any other branch
}

// District is one county-level district modelled on Cixi: 20 towns and
// streets, 297 villages, 48 communities, ≈ 425 branches, ≈ 40,000 members.
var District = Scale{
	Name:  "district",
	Level: LevelDistrict,

	Towns:   20,
	Streets: 5,

	Villages:           297,
	Communities:        48,
	GeneralBranchShare: 0.04,

	Agencies:         12,
	StateEnterprises: 4,

	AgenciesPerTown:    0.75,
	EnterprisesPerTown: 0.3,
	NewEconomicPerTown: 0.6,
	NewSocialPerTown:   0.25,

	VillageSize:   Range{40, 150},
	CommunitySize: Range{30, 120},
	OtherSize:     Range{10, 60},
}

// City is Ningbo (宁波) with its ten districts: ≈ 600,000 members.
var City = Scale{
	Name:  "city",
	Level: LevelCity,

	Towns:   15,
	Streets: 6,

	Villages:           300,
	Communities:        100,
	GeneralBranchShare: 0.06,

	Agencies:         40,
	StateEnterprises: 12,

	AgenciesPerTown:    2,
	EnterprisesPerTown: 1,
	NewEconomicPerTown: 20,
	NewSocialPerTown:   4,

	VillageSize:   Range{40, 160},
	CommunitySize: Range{30, 120},
	OtherSize:     Range{5, 50},
}

// Province is Zhejiang (浙江) with its 11 cities and 90 districts:
// ≈ 4,000,000 members in ≈ 200,000 organizations, most of them small
// branches of private companies and social organizations.
var Province = Scale{
	Name:  "province",
	Level: LevelProvince,

	Cities: 11,

	Towns:   14,
	Streets: 4,

	Villages:           220,
	Communities:        50,
	GeneralBranchShare: 0.05,

	Agencies:         40,
	StateEnterprises: 20,

	AgenciesPerTown:    4,
	EnterprisesPerTown: 6,
	NewEconomicPerTown: 100,
	NewSocialPerTown:   20,

	VillageSize:   Range{30, 120},
	CommunitySize: Range{30, 120},
	OtherSize:     Range{3, 17},
}

// Scales lists the predefined scales, smallest first.
var Scales = []Scale{District, City, Province}

// ScaleByName returns the predefined scale with that name
// ("district", "city" or "province").
func ScaleByName(name string) (Scale, bool) {
	for _, s := range Scales {
		if s.Name == name {
			return s, true
		}
	}
	return Scale{}, false
}

// Validate reports whether s can be generated.
func (s Scale) Validate() error {
	switch {
	case s.Level < LevelDistrict || s.Level > LevelProvince:
		return fmt.Errorf("demo: scale %q: unknown level %d", s.Name, s.Level)
	case s.Level == LevelProvince && (s.Cities < 1 || s.Cities > 99):
		return fmt.Errorf("demo: scale %q: cities %d not in 1..99", s.Name, s.Cities)
	case s.Districts < 0 || s.Districts > 99:
		return fmt.Errorf("demo: scale %q: districts %d not in 0..99", s.Name, s.Districts)
	case s.Towns < 1 || s.Towns > 999:
		return fmt.Errorf("demo: scale %q: towns %d not in 1..999", s.Name, s.Towns)
	case s.Streets < 0 || s.Streets > s.Towns:
		return fmt.Errorf("demo: scale %q: streets %d not in 0..%d", s.Name, s.Streets, s.Towns)
	case s.Villages < 0 || s.Communities < 0 || s.Agencies < 0 || s.StateEnterprises < 0:
		return fmt.Errorf("demo: scale %q: negative count", s.Name)
	case s.Villages > 999*s.Towns:
		return fmt.Errorf("demo: scale %q: more than 999 villages per town", s.Name)
	case !(s.GeneralBranchShare >= 0 && s.GeneralBranchShare <= 1):
		return fmt.Errorf("demo: scale %q: general branch share %v not in [0,1]", s.Name, s.GeneralBranchShare)
	}
	for _, r := range []float64{s.AgenciesPerTown, s.EnterprisesPerTown, s.NewEconomicPerTown, s.NewSocialPerTown} {
		if !(r >= 0 && r <= 10000) {
			return fmt.Errorf("demo: scale %q: per-town rate %v not in [0,10000]", s.Name, r)
		}
	}
	for _, r := range []Range{s.VillageSize, s.CommunitySize, s.OtherSize} {
		if r.Min < 1 || r.Max < r.Min || r.Max > 100000 {
			return fmt.Errorf("demo: scale %q: bad branch size %d..%d", s.Name, r.Min, r.Max)
		}
	}
	return nil
}

// perDistrict is the number of town-level orgs of one kind in a district.
func (s Scale) perDistrict(rate float64) int {
	return int(math.Round(rate * float64(s.Towns)))
}

// maxMembers bounds the members of one district from above (for code widths).
func (s Scale) maxMembers() int {
	sub := func(r Range) int { // a general branch: 4 sub-branches and its own committee
		return 4*r.Max + 5
	}
	village := max(s.VillageSize.Max, sub(s.VillageSize))
	community := max(s.CommunitySize.Max, sub(s.CommunitySize))
	others := s.Agencies + s.StateEnterprises + s.perDistrict(s.AgenciesPerTown) +
		s.perDistrict(s.EnterprisesPerTown) + s.perDistrict(s.NewEconomicPerTown) +
		s.perDistrict(s.NewSocialPerTown)
	return s.Villages*village + s.Communities*community + others*s.OtherSize.Max
}
