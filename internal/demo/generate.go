package demo

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// kind is what an org is, for the members it gets.
type kind uint8

const (
	kindCommittee        kind = iota
	kindVillage               // a village branch, or a sub-branch of a village 党总支
	kindVillageGeneral        // a village 党总支: its own committee members
	kindCommunity             // a community branch, or a sub-branch of a community 党总支
	kindCommunityGeneral      // a community 党总支: its own committee members
	kindAgency
	kindEnterprise
	kindNewEconomic
	kindNewSocial
)

// node is one generated org and what its members need to know.
type node struct {
	org  pingyi.Org
	kind kind
	town int    // index in district.towns; -1 at district level
	sub  bool   // a sub-branch of a 党总支
	unit string // home unit of its in-service members; "" for varied employers
	comm string // community nodes: the code of the community's top org
}

type town struct {
	short       string // 观海卫
	street      bool
	code        string
	communities []string // codes of the top orgs of its communities
}

func (t *town) full() string {
	if t.street {
		return t.short + "街道"
	}
	return t.short + "镇"
}

// district is one county-level district: planned (the fields up to cixi),
// then built (towns, nodes) once for the orgs and again for the members.
type district struct {
	code   string // org code of its committee
	parent string // "" for a District-level root
	short  string // 慈溪
	suffix string // 市, 区 or 县
	area   string // 行政区划代码 for ID numbers; "" for none
	city   string // short name of its city: 宁波
	cixi   bool

	seat      string   // short name of the seat town
	towns     []town   // built
	nodes     []node   // built
	employers []string // district agencies, as employers of community members
}

func (d *district) full() string { return d.short + d.suffix }

// Salts separate the random streams of the plan, the structure of each
// district and the members of each org.
const (
	saltPlan   = 0x9e3779b97f4a7c15
	saltStruct = 0xc2b2ae3d27d4eb4f
	saltMember = 0x165667b19e3779f9
)

type generator struct {
	s     Scale
	seed  uint64
	pcg   *rand.PCG
	r     *rand.Rand
	width int // digits of member codes
	next  int // number of the next member
	used  map[string]bool
	ids   map[uint64]struct{}
	d     district // the district being built
}

// Generate streams the orgs of scale s to org, parents before children, and
// then its members to member. The same seed always gives the same output.
// Either callback may be nil to skip that part; an error from a callback
// stops the generation and is returned.
//
// Org IDs are left 0; ParentCode names the parent. Each org with members has
// exactly one secretary among them; committees have no members of their own.
func Generate(s Scale, seed uint64, org func(pingyi.Org) error, member func(pingyi.Member) error) error {
	if err := s.Validate(); err != nil {
		return err
	}
	pcg := rand.NewPCG(0, 0)
	g := &generator{s: s, seed: seed, pcg: pcg, r: rand.New(pcg),
		used: map[string]bool{}, ids: map[uint64]struct{}{}, next: 1}
	uppers, dists := g.plan()
	g.width = max(7, digits(len(dists)*s.maxMembers()))
	if org != nil {
		for _, o := range uppers {
			if err := org(o); err != nil {
				return err
			}
		}
		for i := range dists {
			g.build(&dists[i])
			for j := range g.d.nodes {
				if err := org(g.d.nodes[j].org); err != nil {
					return err
				}
			}
		}
	}
	if member != nil {
		for i := range dists {
			g.build(&dists[i])
			if err := g.members(member); err != nil {
				return err
			}
		}
	}
	return nil
}

// reseed restarts the shared random stream for (salt, key) and returns it.
func (g *generator) reseed(salt uint64, key string) *rand.Rand {
	h := uint64(14695981039346656037) // FNV-1a
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= 1099511628211
	}
	g.pcg.Seed(g.seed^salt, h)
	return g.r
}

// unique draws names until one is unused (giving up after a few tries) and
// marks it used.
func (g *generator) unique(draw func() string) string {
	var s string
	for try := 0; try < 30; try++ {
		s = draw()
		if !g.used[s] {
			break
		}
	}
	g.used[s] = true
	return s
}

// twoOf is two different syllables of list.
func twoOf(r *rand.Rand, list []string) string {
	a := r.IntN(len(list))
	b := r.IntN(len(list) - 1)
	if b >= a {
		b++
	}
	return list[a] + list[b]
}

// plan returns the orgs above the districts (root and cities, parents first)
// and the districts.
func (g *generator) plan() ([]pingyi.Org, []district) {
	s := g.s
	r := g.reseed(saltPlan, "plan")
	clear(g.used)
	committee := func(code, name, parent string) pingyi.Org {
		return pingyi.Org{Code: code, Name: name, Type: pingyi.OrgCommittee, Domain: pingyi.DomainAgency, ParentCode: parent}
	}
	nb := zhejiang[ningbo]
	switch s.Level {
	case LevelDistrict:
		cx := nb.districts[0]
		return nil, []district{{code: cx.code, short: cx.short, suffix: cx.suffix, area: cx.area, city: nb.short, cixi: true}}
	case LevelCity:
		return []pingyi.Org{committee(nb.code, "中共"+nb.short+"市委", "")}, g.cityDistricts(r, nb, nb.code)
	}
	const root = "ZJ"
	uppers := []pingyi.Org{committee(root, "中共浙江省委", "")}
	var dists []district
	for _, c := range zhejiang {
		g.used[c.short] = true
	}
	for i := 0; i < s.Cities; i++ {
		var c realCity
		if i < len(zhejiang) {
			c = zhejiang[i]
		} else {
			c = realCity{code: padded("", i+1, 2), area: padded("33", i+1, 2),
				short: g.unique(func() string { return twoOf(r, placeA) })}
		}
		code := root + c.code
		uppers = append(uppers, committee(code, "中共"+c.short+"市委", root))
		dists = append(dists, g.cityDistricts(r, c, code)...)
	}
	return uppers, dists
}

// cityDistricts plans the districts of city c, whose committee has code.
func (g *generator) cityDistricts(r *rand.Rand, c realCity, code string) []district {
	n := g.s.Districts
	if n == 0 {
		n = len(c.districts)
	}
	names := map[string]bool{}
	for _, rd := range c.districts {
		names[rd.short] = true
	}
	var out []district
	for i := 0; i < n; i++ {
		d := district{parent: code, city: c.short}
		if i < len(c.districts) {
			rd := c.districts[i]
			d.code, d.short, d.suffix, d.area = code+rd.code, rd.short, rd.suffix, rd.area
			d.cixi = c.code == "NB" && rd.code == "CX"
		} else {
			// Made-up districts: digit codes never clash with the letter ones;
			// area codes 90–99 stay clear of the real ones.
			d.code, d.suffix = code+padded("", i+1, 2), "区"
			for {
				d.short = twoOf(r, placeA)
				if !names[d.short] {
					break
				}
			}
			names[d.short] = true
			if j := i - len(c.districts); len(c.districts) == 0 && len(c.area) == 4 {
				d.area = padded(c.area, i+1, 2)
			} else if j < 10 && len(c.area) == 4 {
				d.area = padded(c.area, 90+j, 2)
			}
		}
		out = append(out, d)
	}
	return out
}

// apportion splits total over len(w) parts in proportion to the weights
// (largest remainder), giving each part at least least when total allows.
func apportion(total int, w []float64, least int) []int {
	n := len(w)
	out := make([]int, n)
	if least*n > total {
		least = 0
	}
	rest := total - least*n
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	frac := make([]float64, n)
	given := 0
	for i, x := range w {
		q := float64(rest) * x / sum
		out[i] = least + int(q)
		frac[i] = q - float64(int(q))
		given += int(q)
	}
	for ; given < rest; given++ {
		best := 0
		for i := range frac {
			if frac[i] > frac[best] {
				best = i
			}
		}
		out[best]++
		frac[best] = -1
	}
	return out
}

// build lays out the orgs of district d into g.d: its committee, the 机关工委
// and 国资委党委 with their branches, then each town with its own.
func (g *generator) build(plan *district) {
	s := g.s
	r := g.reseed(saltStruct, plan.code)
	clear(g.used)
	d := &g.d
	towns, nodes := d.towns[:0], d.nodes[:0]
	*d = *plan
	add := func(n node) { nodes = append(nodes, n) }
	orgOf := func(code, name string, t pingyi.OrgType, dom pingyi.Domain, parent string, window bool) pingyi.Org {
		return pingyi.Org{Code: code, Name: name, Type: t, Domain: dom, ParentCode: parent, WindowUnit: window}
	}

	// Towns and streets.
	tw := max(2, digits(s.Towns))
	for i := 0; i < s.Towns; i++ {
		var t town
		if d.cixi && i < len(cixiTowns) {
			t.short, t.street = cixiTowns[i].name, cixiTowns[i].street
		} else {
			t.street = !d.cixi && i < s.Streets
			for {
				t.short = twoOf(r, placeA)
				if t.short != d.short && !g.used[t.full()] {
					break
				}
			}
		}
		g.used[t.full()] = true
		t.code = padded(d.code, i+1, tw)
		towns = append(towns, t)
	}
	d.seat = towns[0].short
	d.employers = d.employers[:0]
	for _, u := range districtAgencies[:20] {
		d.employers = append(d.employers, d.full()+expand(u.unit, d, nil))
	}

	add(node{org: orgOf(d.code, "中共"+d.full()+"委", pingyi.OrgCommittee, pingyi.DomainAgency, d.parent, false), town: -1})

	if s.Agencies > 0 {
		jg := d.code + "J"
		add(node{org: orgOf(jg, d.suffix+"级机关工委", pingyi.OrgCommittee, pingyi.DomainAgency, d.code, false), town: -1})
		w := max(2, digits(s.Agencies))
		for j := 0; j < s.Agencies; j++ {
			u := districtAgencies[j%len(districtAgencies)]
			unit := expand(u.unit, d, nil)
			base := d.suffix + unit
			if u.bureau {
				base += "机关"
			}
			add(node{org: orgOf(padded(jg, j+1, w), base+nth(j/len(districtAgencies))+"党支部", pingyi.OrgBranch, pingyi.DomainAgency, jg, u.window),
				kind: kindAgency, town: -1, unit: d.full() + unit})
		}
	}
	if s.StateEnterprises > 0 {
		gz := d.code + "Q"
		add(node{org: orgOf(gz, d.suffix+"国资委党委", pingyi.OrgCommittee, pingyi.DomainEnterprise, d.code, false), town: -1})
		w := max(2, digits(s.StateEnterprises))
		for j := 0; j < s.StateEnterprises; j++ {
			u := stateEnterprises[j%len(stateEnterprises)]
			unit := d.full() + u.unit
			add(node{org: orgOf(padded(gz, j+1, w), unit+nth(j/len(stateEnterprises))+"党支部", pingyi.OrgBranch, pingyi.DomainEnterprise, gz, u.window),
				kind: kindEnterprise, town: -1, unit: unit})
		}
	}

	// How many of each kind every town gets.
	nt := len(towns)
	jitter := func(street, other float64) []float64 {
		w := make([]float64, nt)
		for i := range towns {
			f := other
			if towns[i].street {
				f = street
			}
			w[i] = f * (0.6 + 0.8*r.Float64())
		}
		return w
	}
	nVillages := apportion(s.Villages, jitter(0.4, 1), 0)
	nCommunities := apportion(s.Communities, jitter(5, 1), 1)
	nAgencies := apportion(s.perDistrict(s.AgenciesPerTown), jitter(1, 1), 0)
	nEnterprises := apportion(s.perDistrict(s.EnterprisesPerTown), jitter(1, 1), 0)
	nNewEconomic := apportion(s.perDistrict(s.NewEconomicPerTown), jitter(0.8, 1), 0)
	nNewSocial := apportion(s.perDistrict(s.NewSocialPerTown), jitter(1.5, 1), 0)

	for i := range towns {
		t := &towns[i]
		t.communities = t.communities[:0]
		tdom, tname := pingyi.DomainRural, t.full()+"党委"
		if t.street {
			tdom, tname = pingyi.DomainCommunity, t.full()+"党工委"
		}
		add(node{org: orgOf(t.code, tname, pingyi.OrgCommittee, tdom, d.code, false), town: i})

		// Agencies: the town's 机关 first; the seat's police station is the district's.
		w := max(2, digits(nAgencies[i]))
		k := 0
		for a := 0; a < nAgencies[i]; a++ {
			u := townAgencies[k%len(townAgencies)]
			if i == 0 && k%len(townAgencies) == 4 {
				k++
				u = townAgencies[k%len(townAgencies)]
			}
			name := expand(u.unit, d, t) + nth(k/len(townAgencies)) + "党支部"
			unit := expand(strings.Replace(u.unit, "{P}", "{d}", 1), d, t)
			if k%len(townAgencies) == 0 {
				unit = t.full() + "人民政府"
				if t.street {
					unit = t.full() + "办事处"
				}
			}
			k++
			add(node{org: orgOf(padded(t.code+"A", a+1, w), name, pingyi.OrgBranch, pingyi.DomainAgency, t.code, u.window),
				kind: kindAgency, town: i, unit: unit})
		}

		// Villages, some of them big ones with a 党总支 over sub-branches.
		w = max(3, digits(nVillages[i]))
		realNames := cixiVillages[t.short]
		if !d.cixi {
			realNames = nil
		}
		for v := 0; v < nVillages[i]; v++ {
			var name string
			if v < len(realNames) && !g.used[realNames[v]+"村"] {
				name = realNames[v] + "村"
				g.used[name] = true
			} else {
				name = g.unique(func() string { return villageName(r) })
			}
			code := padded(t.code+"V", v+1, w)
			if r.Float64() < s.GeneralBranchShare {
				add(node{org: orgOf(code, name+"党总支", pingyi.OrgGeneralBranch, pingyi.DomainRural, t.code, false), kind: kindVillageGeneral, town: i})
				for b := range 2 + r.IntN(3) {
					add(node{org: orgOf(code+"B"+itoa(b+1), name+"第"+ordinal[b]+"党支部", pingyi.OrgBranch, pingyi.DomainRural, code, false),
						kind: kindVillage, town: i, sub: true})
				}
			} else {
				add(node{org: orgOf(code, name+"党支部", pingyi.OrgBranch, pingyi.DomainRural, t.code, false), kind: kindVillage, town: i})
			}
		}

		// Communities, likewise.
		w = max(2, digits(nCommunities[i]))
		for c := 0; c < nCommunities[i]; c++ {
			name := g.unique(func() string { return communityName(r) })
			code := padded(t.code+"C", c+1, w)
			t.communities = append(t.communities, code)
			unit := t.full() + name + "居民委员会"
			if r.Float64() < s.GeneralBranchShare {
				add(node{org: orgOf(code, name+"党总支", pingyi.OrgGeneralBranch, pingyi.DomainCommunity, t.code, false),
					kind: kindCommunityGeneral, town: i, unit: unit, comm: code})
				for b := range 2 + r.IntN(3) {
					add(node{org: orgOf(code+"B"+itoa(b+1), name+"第"+ordinal[b]+"党支部", pingyi.OrgBranch, pingyi.DomainCommunity, code, false),
						kind: kindCommunity, town: i, sub: true, unit: unit, comm: code})
				}
			} else {
				add(node{org: orgOf(code, name+"党支部", pingyi.OrgBranch, pingyi.DomainCommunity, t.code, false),
					kind: kindCommunity, town: i, unit: unit, comm: code})
			}
		}

		// The town's enterprises, in turn so that towns differ.
		w = max(2, digits(nEnterprises[i]))
		for e := 0; e < nEnterprises[i]; e++ {
			u := townEnterprises[(i+e)%len(townEnterprises)]
			unit := expand(u.unit, d, t)
			add(node{org: orgOf(padded(t.code+"E", e+1, w), unit+nth(e/len(townEnterprises))+"党支部", pingyi.OrgBranch, pingyi.DomainEnterprise, t.code, u.window),
				kind: kindEnterprise, town: i, unit: unit})
		}

		// Private companies; some small ones share a 联合党支部.
		w = max(2, digits(nNewEconomic[i]))
		for e := 0; e < nNewEconomic[i]; e++ {
			var name, unit string
			if r.IntN(100) < 12 {
				name = g.unique(func() string { return t.full() + twoOf(r, brand) + "工业园区联合党支部" })
			} else {
				unit = g.unique(func() string { return companyName(r, d) })
				name = unit + "党支部"
			}
			add(node{org: orgOf(padded(t.code+"N", e+1, w), name, pingyi.OrgBranch, pingyi.DomainNewEconomic, t.code, false),
				kind: kindNewEconomic, town: i, unit: unit})
		}

		// Social organizations.
		w = max(2, digits(nNewSocial[i]))
		for e := 0; e < nNewSocial[i]; e++ {
			unit := g.unique(func() string { return socialName(r, d, t) })
			add(node{org: orgOf(padded(t.code+"S", e+1, w), unit+"党支部", pingyi.OrgBranch, pingyi.DomainNewSocial, t.code, false),
				kind: kindNewSocial, town: i, unit: unit})
		}
	}
	d.towns, d.nodes = towns, nodes
}

func villageName(r *rand.Rand) string {
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	switch x := r.IntN(100); {
	case x < 30:
		return pick(placeS) + "家" + pick(placeP) + "村" // 陈家堰村
	case x < 70:
		return twoOf(r, placeA) + "村" // 潭南村
	case x < 85:
		return twoOf(r, placeA) + pick(placeP) + "村" // 海晏庙村
	case x < 93:
		return pick(placeN) + pick(placeP) + "村" // 五塘村
	default:
		return pick(placeN) + pick(placeA) + pick(placeP) + "村" // 三洞闸村
	}
}

func communityName(r *rand.Rand) string {
	if r.IntN(100) < 60 {
		return twoOf(r, placeA) + "社区"
	}
	return twoOf(r, placeA) + commX[r.IntN(len(commX))] + "社区"
}

func companyName(r *rand.Rand, d *district) string {
	prefix := d.full()
	if r.IntN(100) < 45 {
		prefix = d.city
	}
	suffix := "有限公司"
	switch x := r.IntN(100); {
	case x < 10:
		suffix = "股份有限公司"
	case x < 15:
		suffix = "集团有限公司"
	}
	return prefix + twoOf(r, brand) + industry[r.IntN(len(industry))] + suffix
}

func socialName(r *rand.Rand, d *district, t *town) string {
	b := twoOf(r, brand)
	switch r.IntN(10) {
	case 0:
		return d.full() + industry[r.IntN(len(industry))] + "行业协会"
	case 1:
		return t.full() + "商会"
	case 2:
		return "浙江" + b + "律师事务所"
	case 3:
		return d.full() + b + "会计师事务所"
	case 4:
		return t.full() + b + "幼儿园"
	case 5:
		return d.full() + b + "社会工作服务中心"
	case 6:
		return d.full() + b + "职业技能培训学校"
	case 7:
		return t.full() + b + "颐养院"
	case 8:
		return d.full() + b + "医院"
	default:
		return d.full() + t.short + b + "志愿者协会"
	}
}

// members emits the members of the district in g.d.
func (g *generator) members(emit func(pingyi.Member) error) error {
	s := g.s
	d := &g.d
	clear(g.ids)
	// District-level units report to communities of the streets (the seat).
	var seatComms, allComms []string
	for _, t := range d.towns {
		allComms = append(allComms, t.communities...)
		if t.street {
			seatComms = append(seatComms, t.communities...)
		}
	}
	if len(seatComms) == 0 {
		seatComms = allComms
	}
	for ni := range d.nodes {
		n := &d.nodes[ni]
		r := g.reseed(saltMember, n.org.Code)
		var size int
		switch n.kind {
		case kindCommittee:
			continue
		case kindVillageGeneral, kindCommunityGeneral:
			size = 3 + r.IntN(3) // the 党总支委员会
		case kindVillage:
			rg := s.VillageSize
			if n.sub {
				rg = shrink(rg)
			}
			// Skewed up: most villages are big.
			size = rg.Min + int(float64(rg.Max-rg.Min+1)*skewUp(r))
		case kindCommunity:
			rg := s.CommunitySize
			if n.sub {
				rg = shrink(rg)
			}
			size = rg.Min + r.IntN(rg.Max-rg.Min+1)
		default:
			size = s.OtherSize.Min + r.IntN(s.OtherSize.Max-s.OtherSize.Min+1)
		}
		comms := seatComms
		if n.town >= 0 && len(d.towns[n.town].communities) > 0 {
			comms = d.towns[n.town].communities
		}
		for i := 0; i < size; i++ {
			if err := emit(g.member(r, n, i == 0, comms)); err != nil {
				return err
			}
		}
	}
	return nil
}

// shrink is the size range of a sub-branch of a 党总支.
func shrink(rg Range) Range {
	lo := max(1, rg.Min*3/4)
	return Range{lo, max(lo, rg.Max*3/4)}
}

// skewUp is a number in [0,1) with density 2x.
func skewUp(r *rand.Rand) float64 {
	a, b := r.Float64(), r.Float64()
	return max(a, b)
}

// between is a year in [lo, hi], peaked in the middle.
func between(r *rand.Rand, lo, hi int) int {
	n := hi - lo + 1
	return lo + (r.IntN(n)+r.IntN(n))/2
}

func (g *generator) member(r *rand.Rand, n *node, sec bool, comms []string) pingyi.Member {
	d := &g.d
	var cat pingyi.Category
	rural := n.kind == kindVillage || n.kind == kindVillageGeneral
	switch n.kind {
	case kindVillage, kindVillageGeneral:
		cat = pingyi.CategoryCadre
		if !sec && n.kind == kindVillage {
			switch x := r.IntN(100); {
			case x < 9:
			case x < 54:
				cat = pingyi.CategoryFarming
			case x < 79:
				cat = pingyi.CategoryElderly
			default:
				cat = pingyi.CategoryMigrant
			}
		}
	case kindCommunity, kindCommunityGeneral:
		cat = pingyi.CategoryInService
		if !sec && n.kind == kindCommunity && r.IntN(100) < 50 {
			cat = pingyi.CategoryElderly // retirees
		}
	case kindAgency:
		cat = pingyi.CategoryInService
		if !sec && r.IntN(100) < 8 {
			cat = pingyi.CategoryElderly
		}
	case kindEnterprise:
		cat = pingyi.CategoryInService
		if !sec && r.IntN(100) < 5 {
			cat = pingyi.CategoryElderly
		}
	default:
		cat = pingyi.CategoryInService
	}

	malePct := 60
	switch {
	case sec && (n.kind == kindCommunity || n.kind == kindCommunityGeneral):
		malePct = 40
	case sec:
		malePct = 82
	case rural && cat == pingyi.CategoryElderly:
		malePct = 85
	case rural:
		malePct = 76
	case n.kind == kindCommunity || n.kind == kindCommunityGeneral:
		malePct = 50
	case n.kind == kindEnterprise || n.kind == kindNewEconomic:
		malePct = 72
	case n.kind == kindNewSocial:
		malePct = 45
	}
	male := r.IntN(100) < malePct

	var birth int
	switch cat {
	case pingyi.CategoryCadre:
		birth = between(r, 1958, 1995)
	case pingyi.CategoryFarming:
		birth = between(r, 1945, 1985)
	case pingyi.CategoryElderly:
		if rural {
			birth = between(r, 1935, 1958)
		} else {
			birth = between(r, 1935, 1963)
		}
	case pingyi.CategoryMigrant:
		birth = between(r, 1970, 2002)
	default:
		if sec {
			birth = between(r, 1965, 1990)
		} else {
			birth = between(r, 1962, 2002)
		}
	}

	m := pingyi.Member{
		Code:        padded("M", g.next, g.width),
		Name:        personName(r, male, birth),
		OrgCode:     n.org.Code,
		OrgName:     n.org.Name,
		Category:    cat,
		IsSecretary: sec,
		Gender:      "female",
		BirthYear:   birth,
	}
	g.next++
	if male {
		m.Gender = "male"
	}
	noPhone := 2
	if cat == pingyi.CategoryElderly {
		noPhone = 40
	}
	if r.IntN(100) >= noPhone {
		m.Phone = phone(r)
	}
	if d.area != "" {
		m.IDNumber = g.idNumber(r, d.area, birth, male)
	}
	if cat == pingyi.CategoryInService {
		switch n.kind {
		case kindCommunity, kindCommunityGeneral:
			m.CommunityCode = n.comm
			if sec || n.kind == kindCommunityGeneral {
				m.HomeUnit = n.unit // the community's own workers
			} else {
				m.HomeUnit = g.employer(r)
			}
		default:
			m.HomeUnit = n.unit
			if m.HomeUnit == "" {
				m.HomeUnit = companyName(r, d)
			}
			if len(comms) > 0 {
				m.CommunityCode = comms[r.IntN(len(comms))]
			}
		}
	}
	return m
}

// employer is the work unit of an in-service member of a community branch.
func (g *generator) employer(r *rand.Rand) string {
	d := &g.d
	if r.IntN(100) < 40 {
		return d.employers[r.IntN(len(d.employers))]
	}
	return companyName(r, d)
}

// idNumber draws a birth date in year and an order code (odd for men) not
// yet used in this district, so numbers are unique; "" if none is found.
func (g *generator) idNumber(r *rand.Rand, area string, year int, male bool) string {
	days := 365
	if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 366
	}
	for try := 0; try < 8; try++ {
		doy := 1 + r.IntN(days)
		order := r.IntN(100)*10 + 2*r.IntN(5) // police station, then an even digit
		if male {
			order++
		}
		if order == 0 {
			continue
		}
		key := uint64(year*1000+doy)*1000 + uint64(order)
		if _, ok := g.ids[key]; ok {
			continue
		}
		g.ids[key] = struct{}{}
		date := time.Date(year, time.January, doy, 0, 0, 0, 0, time.UTC)
		return idNumber(area, year, int(date.Month()), date.Day(), order)
	}
	return ""
}
