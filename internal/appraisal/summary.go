package appraisal

import (
	"bytes"
	"context"
	"database/sql"
	"math/big"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pingyi/pingyi/internal/store"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// Target type codes of a Summary, in the order of the types' names (the
// order of the results file: member < org < secretary).
const (
	TypeMember uint8 = iota
	TypeOrg
	TypeSecretary
	NumTypes
)

// TypeNames names the summary's target type codes.
var TypeNames = [NumTypes]pingyi.TargetType{pingyi.TargetMember, pingyi.TargetOrg, pingyi.TargetSecretary}

// TypeCode returns the summary code of a target type.
func TypeCode(t pingyi.TargetType) (uint8, bool) {
	for i, n := range TypeNames {
		if n == t {
			return uint8(i), true
		}
	}
	return 0, false
}

// SumTarget is one target in a Summary: integers only (its code and name
// are read from the database for the rows shown, see ResultRows).
type SumTarget struct {
	ID    int64
	Tally rules.CompactTally
	Unit  int32 // index in Summary.Units
	Type  uint8 // TypeMember, TypeOrg or TypeSecretary
	Flags rules.Flags
}

// RulesTally is the target's tally.
func (t *SumTarget) RulesTally() rules.Tally { return t.Tally.Tally() }

// Valid is the number of valid ratings.
func (t *SumTarget) Valid() int64 { return t.Tally.Valid() }

// Total is the number of ratings, abstentions included (the anonymity
// threshold counts these).
func (t *SumTarget) Total() int64 { return t.Tally.Total() }

// SumUnit is one evaluation unit of a Summary: the org and its ballots by
// evaluator category (R4).
type SumUnit struct {
	OrgID            int64
	Code, Name, Path string
	ByCategory       [8]int64 // in the order of pingyi.EvaluatorCategories
	Ballots          int64
	MassBallots      int64
	Low              bool // R4
	Tallied          bool // has ballot counts (unit_tallies rows)
	Targets, Rated   [NumTypes]int32
}

// Input is the unit as rules see it.
func (u *SumUnit) Input() rules.UnitInput {
	return rules.UnitInput{Unit: u.Code, Ballots: u.Ballots, MassBallots: u.MassBallots}
}

// Summary is a campaign's evaluated results in compact form: per target
// its tallies and flags, per unit its composition, and the totals. It is
// cached per Store (Store.Summary) and shared: callers must not modify it.
type Summary struct {
	CampaignID   int64
	Kind         pingyi.Kind
	MinMassShare *big.Rat
	Targets      []SumTarget            // by type then code (the results file's order)
	TypeStart    [NumTypes + 1]int32    // Targets[TypeStart[k]:TypeStart[k+1]] are of type k
	Units        []SumUnit              // by code
	OrgAverage   *big.Rat               // R3; nil without org targets with valid ratings
	Ballots      int64                  // all units' ballots
	FlagCounts   [rules.NumFlagBits]int // targets per flag bit (index: bit number)

	unitsByPath []int32           // indexes of Units by path
	unitByOrg   map[int64]int32   // org ID → index in Units
	byID        []int32           // indexes of Targets by ID
	orgRates    rules.OrgRates    // R3's rates, for updates
	prior       map[string]int    // regular campaigns: PriorBelowAverage by org code
	catIndex    map[string]int    // evaluator category → index in ByCategory
	mu          sync.Mutex        // guards views
	views       map[int]*AnonView // by anonymity threshold
}

// TypeRange returns the targets of one type.
func (sm *Summary) TypeRange(typ uint8) []SumTarget {
	return sm.Targets[sm.TypeStart[typ]:sm.TypeStart[typ+1]]
}

// TargetByID returns a target's index in Targets.
func (sm *Summary) TargetByID(id int64) (int32, bool) {
	i := sort.Search(len(sm.byID), func(i int) bool { return sm.Targets[sm.byID[i]].ID >= id })
	if i < len(sm.byID) && sm.Targets[sm.byID[i]].ID == id {
		return sm.byID[i], true
	}
	return 0, false
}

// UnitByCode returns a unit's index in Units.
func (sm *Summary) UnitByCode(code string) (int32, bool) {
	i := sort.Search(len(sm.Units), func(i int) bool { return sm.Units[i].Code >= code })
	if i < len(sm.Units) && sm.Units[i].Code == code {
		return int32(i), true
	}
	return 0, false
}

// UnitsIn returns the indexes (in Units, ascending: by code) of the units
// in a subtree.
func (sm *Summary) UnitsIn(scope pingyi.Scope) []int32 {
	if scope.All() {
		out := make([]int32, len(sm.Units))
		for i := range out {
			out[i] = int32(i)
		}
		return out
	}
	lo := sort.Search(len(sm.unitsByPath), func(i int) bool { return sm.Units[sm.unitsByPath[i]].Path >= scope.Path })
	var out []int32
	for _, u := range sm.unitsByPath[lo:] {
		if !strings.HasPrefix(sm.Units[u].Path, scope.Path) {
			break
		}
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

// FlagCount is the number of targets carrying a flag.
func (sm *Summary) FlagCount(flag string) int {
	b := rules.FlagBit(flag)
	for i := range rules.NumFlagBits {
		if b == 1<<i {
			return sm.FlagCounts[i]
		}
	}
	return 0
}

// UnitAgg counts a unit's targets as a page shows them under an anonymity
// threshold.
type UnitAgg struct {
	Targets, Rated [NumTypes]int32 // targets; those with valid ratings
	Shown, Hidden  [NumTypes]int32 // at or above the threshold; below it
	Dist           [NumTypes]rules.Tally
	Attention      int32 // members shown and flagged admonish or not_typical
}

func (a *UnitAgg) add(b *UnitAgg) {
	for k := range NumTypes {
		a.Targets[k] += b.Targets[k]
		a.Rated[k] += b.Rated[k]
		a.Shown[k] += b.Shown[k]
		a.Hidden[k] += b.Hidden[k]
		a.Dist[k] = a.Dist[k].Plus(b.Dist[k])
	}
	a.Attention += b.Attention
}

// AnonView is a Summary seen under one anonymity threshold.
type AnonView struct {
	Threshold int
	Units     []UnitAgg // parallel to Summary.Units
	All       UnitAgg
	// Attention lists the members shown and flagged for attention
	// (admonish or not_typical), as indexes in Targets, in order.
	Attention []int32
	// AverageWithheld: an org target with valid ratings is under the
	// threshold (the average would give its rate away).
	AverageWithheld bool
}

// AttentionFlags are the flags for which a member stays listed when a
// page cannot list every member.
const AttentionFlags = rules.BitAdmonish | rules.BitNotTypical

// Hidden reports whether a target's counts are withheld on pages.
func (v *AnonView) Hidden(t *SumTarget) bool { return rules.Withheld(t.Total(), v.Threshold) }

// View returns the summary seen under an anonymity threshold (computed
// once per threshold).
func (sm *Summary) View(threshold int) *AnonView {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	if v := sm.views[threshold]; v != nil {
		return v
	}
	v := &AnonView{Threshold: threshold, Units: make([]UnitAgg, len(sm.Units))}
	for i := range sm.Targets {
		t := &sm.Targets[i]
		a := &v.Units[t.Unit]
		a.Targets[t.Type]++
		valid := t.Valid() > 0
		if valid {
			a.Rated[t.Type]++
		}
		if v.Hidden(t) {
			a.Hidden[t.Type]++
			if t.Type == TypeOrg && valid {
				v.AverageWithheld = true
			}
			continue
		}
		a.Shown[t.Type]++
		a.Dist[t.Type] = a.Dist[t.Type].Plus(t.Tally.Tally())
		if t.Type == TypeMember && t.Flags&AttentionFlags != 0 {
			a.Attention++
			v.Attention = append(v.Attention, int32(i))
		}
	}
	for i := range v.Units {
		v.All.add(&v.Units[i])
	}
	if sm.views == nil {
		sm.views = map[int]*AnonView{}
	}
	sm.views[threshold] = v
	return v
}

// Sum adds up the aggregates of some units (UnitsIn).
func (v *AnonView) Sum(units []int32) UnitAgg {
	if len(units) == len(v.Units) {
		return v.All
	}
	var a UnitAgg
	for _, u := range units {
		a.add(&v.Units[u])
	}
	return a
}

// Filter chooses targets of a Summary for a page.
type Filter struct {
	Type uint8
	// Units: the units kept (UnitsIn; nil keeps all), as a mask built by
	// Mask.
	Units []bool
	// Attention keeps only the members listed in View.Attention.
	Attention *AnonView
}

// Mask turns unit indexes into a mask over Units (nil for all of them).
func (sm *Summary) Mask(units []int32) []bool {
	if len(units) == len(sm.Units) {
		return nil
	}
	m := make([]bool, len(sm.Units))
	for _, u := range units {
		m[u] = true
	}
	return m
}

// Page returns the indexes in Targets of the targets kept by f, skipping
// offset and at most limit.
func (sm *Summary) Page(f Filter, offset, limit int) []int32 {
	var out []int32
	keep := func(i int32) bool {
		if f.Units != nil && !f.Units[sm.Targets[i].Unit] {
			return false
		}
		if offset > 0 {
			offset--
			return false
		}
		out = append(out, i)
		return true
	}
	if f.Attention != nil {
		if f.Units == nil {
			lo := min(offset, len(f.Attention.Attention))
			hi := min(lo+limit, len(f.Attention.Attention))
			return slices.Clone(f.Attention.Attention[lo:hi])
		}
		for _, i := range f.Attention.Attention {
			if len(out) >= limit {
				break
			}
			keep(i)
		}
		return out
	}
	lo, hi := sm.TypeStart[f.Type], sm.TypeStart[f.Type+1]
	if f.Units == nil {
		lo = min(lo+int32(offset), hi)
		hi = min(lo+int32(limit), hi)
		out = make([]int32, 0, hi-lo)
		for i := lo; i < hi; i++ {
			out = append(out, i)
		}
		return out
	}
	for i := lo; i < hi && len(out) < limit; i++ {
		keep(i)
	}
	return out
}

// buildSummary reads a campaign's tallies and evaluates R1–R5 on
// integers.
//
// Targets come in the results file's order (type, then code byte by
// byte): on SQLite from the (campaign_id, type, code) index, integers
// only; on PostgreSQL, whose sort of a city's targets by code takes
// seconds, unordered with their codes, sorted here and the codes dropped.
func (s *Store) buildSummary(ctx context.Context, c *pingyi.Campaign) (*Summary, error) {
	share, err := rules.ParseShare(c.MinMassShare)
	if err != nil {
		return nil, err
	}
	sm := &Summary{CampaignID: c.ID, Kind: c.Kind, MinMassShare: share, unitByOrg: map[int64]int32{}, catIndex: map[string]int{}}
	for i, cat := range pingyi.EvaluatorCategories {
		sm.catIndex[string(cat)] = i
	}
	orgOf, err := s.readSumTargets(ctx, sm, c.ID)
	if err != nil {
		return nil, err
	}
	uts, err := s.readUnitTallies(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if err := s.readSumUnits(ctx, sm, orgOf, uts); err != nil {
		return nil, err
	}
	orgOf = nil
	sm.index()
	if c.Kind == pingyi.KindRegular {
		if sm.prior, err = s.priorBelowAverage(ctx, c); err != nil {
			return nil, err
		}
	}
	sm.orgRates = rules.OrgRates{}
	for i := range sm.TypeRange(TypeOrg) {
		sm.orgRates.Add(sm.Targets[int(sm.TypeStart[TypeOrg])+i].RulesTally(), 1)
	}
	sm.evaluate()
	return sm, nil
}

// readSumTargets reads a campaign's targets with their tallies into sm, in
// the results file's order, and returns each target's unit org.
func (s *Store) readSumTargets(ctx context.Context, sm *Summary, campaignID int64) ([]int64, error) {
	withCodes := s.Dialect != store.SQLite
	q := `SELECT id, CASE type WHEN 'member' THEN 0 WHEN 'org' THEN 1 ELSE 2 END, unit_org_id,
		satisfied, fairly_satisfied, basically_satisfied, dissatisfied, abstain`
	if withCodes {
		q += `, code FROM targets WHERE campaign_id = ?`
	} else {
		var n int
		if err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM targets WHERE campaign_id = ?`, campaignID).Scan(&n); err != nil {
			return nil, err
		}
		sm.Targets = make([]SumTarget, 0, n)
		q += ` FROM targets WHERE campaign_id = ? ORDER BY type, code`
	}
	rows, err := s.R().Query(ctx, q, campaignID)
	if err != nil {
		return nil, err
	}
	var orgOf []int64 // each target's unit org, until units are known
	// The codes, end to end in one arena (a string each would cost a
	// city ≈ 40 MB while building).
	var arena []byte
	var ends []int32
	for rows.Next() {
		var t SumTarget
		var org int64
		var tl rules.Tally
		var code sql.RawBytes
		dest := tl.Dest(&t.ID, &t.Type, &org)
		if withCodes {
			dest = append(dest, &code)
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		t.Tally = tl.Compact()
		sm.Targets = append(sm.Targets, t)
		orgOf = append(orgOf, org)
		if withCodes {
			arena = append(arena, code...)
			ends = append(ends, int32(len(arena)))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if withCodes {
		perm := make([]int32, len(sm.Targets))
		for i := range perm {
			perm[i] = int32(i)
		}
		code := func(i int32) []byte {
			start := int32(0)
			if i > 0 {
				start = ends[i-1]
			}
			return arena[start:ends[i]]
		}
		slices.SortFunc(perm, func(a, b int32) int {
			if x, y := sm.Targets[a].Type, sm.Targets[b].Type; x != y {
				return int(x) - int(y)
			}
			return bytes.Compare(code(a), code(b))
		})
		arena, ends = nil, nil
		// Targets[k] = old Targets[perm[k]], in place, cycle by cycle.
		for k := range perm {
			if perm[k] < 0 {
				continue
			}
			t, o := sm.Targets[k], orgOf[k]
			j := int32(k)
			for perm[j] != int32(k) {
				next := perm[j]
				sm.Targets[j], orgOf[j] = sm.Targets[next], orgOf[next]
				perm[j] = -1
				j = next
			}
			sm.Targets[j], orgOf[j] = t, o
			perm[j] = -1
		}
	}
	sm.Targets = slices.Clip(sm.Targets)
	return orgOf, nil
}

// unitTally is a unit's ballots of one evaluator category.
type unitTally struct {
	org int64
	cat string
	n   int64
}

// readUnitTallies reads a campaign's ballot counts by unit and category.
func (s *Store) readUnitTallies(ctx context.Context, campaignID int64) ([]unitTally, error) {
	var uts []unitTally
	rows, err := s.R().Query(ctx, `SELECT unit_org_id, category, ballots FROM unit_tallies WHERE campaign_id = ?`, campaignID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var u unitTally
		if err := rows.Scan(&u.org, &u.cat, &u.n); err != nil {
			rows.Close()
			return nil, err
		}
		uts = append(uts, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return uts, nil
}

// readSumUnits reads the units into sm — every org that is the unit of a
// target (orgOf) or has ballot counts (uts) — with their ballots, and
// points each target at its unit.
func (s *Store) readSumUnits(ctx context.Context, sm *Summary, orgOf []int64, uts []unitTally) error {
	ids := map[int64]bool{}
	for _, o := range orgOf {
		ids[o] = true
	}
	for _, u := range uts {
		ids[u.org] = true
	}
	idList := make([]int64, 0, len(ids))
	for id := range ids {
		idList = append(idList, id)
	}
	slices.Sort(idList)
	for len(idList) > 0 {
		n := min(len(idList), 500)
		args := make([]any, n)
		for i, id := range idList[:n] {
			args[i] = id
		}
		rows, err := s.R().Query(ctx, `SELECT id, code, name, path FROM orgs WHERE id IN (`+store.Placeholders(n)+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var u SumUnit
			if err := rows.Scan(&u.OrgID, &u.Code, &u.Name, &u.Path); err != nil {
				rows.Close()
				return err
			}
			sm.Units = append(sm.Units, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		idList = idList[n:]
	}
	slices.SortFunc(sm.Units, func(a, b SumUnit) int { return strings.Compare(a.Code, b.Code) })
	for i := range sm.Units {
		sm.unitByOrg[sm.Units[i].OrgID] = int32(i)
	}
	sm.unitsByPath = make([]int32, len(sm.Units))
	for i := range sm.unitsByPath {
		sm.unitsByPath[i] = int32(i)
	}
	slices.SortFunc(sm.unitsByPath, func(a, b int32) int { return strings.Compare(sm.Units[a].Path, sm.Units[b].Path) })
	for _, u := range uts {
		if ui, ok := sm.unitByOrg[u.org]; ok {
			sm.addUnitBallots(ui, u.cat, u.n)
		}
	}
	for i := range sm.Targets {
		sm.Targets[i].Unit = sm.unitByOrg[orgOf[i]]
	}
	return nil
}

// index sets the summary's type ranges and its targets' order by ID.
func (sm *Summary) index() {
	for i := range sm.Targets {
		sm.TypeStart[sm.Targets[i].Type+1] = int32(i + 1)
	}
	for k := 1; k <= int(NumTypes); k++ { // empty types start where the previous ends
		sm.TypeStart[k] = max(sm.TypeStart[k], sm.TypeStart[k-1])
	}
	sm.byID = make([]int32, len(sm.Targets))
	for i := range sm.byID {
		sm.byID[i] = int32(i)
	}
	slices.SortFunc(sm.byID, func(a, b int32) int {
		x, y := sm.Targets[a].ID, sm.Targets[b].ID
		if x < y {
			return -1
		}
		if x > y {
			return 1
		}
		return 0
	})
}

// addUnitBallots counts n ballots of an evaluator category in a unit.
func (sm *Summary) addUnitBallots(ui int32, cat string, n int64) {
	u := &sm.Units[ui]
	u.Tallied = true
	if k, ok := sm.catIndex[cat]; ok {
		u.ByCategory[k] += n
	}
	u.Ballots += n
	sm.Ballots += n
	if pingyi.EvaluatorCategory(cat).IsMasses() {
		u.MassBallots += n
	}
}

// evaluate sets R4 on units, R3's average, every target's flags and the
// counts by flag.
func (sm *Summary) evaluate() {
	for i := range sm.Units {
		u := &sm.Units[i]
		u.Low = rules.MassShareBelow(u.Ballots, u.MassBallots, sm.MinMassShare)
		u.Targets, u.Rated = [NumTypes]int32{}, [NumTypes]int32{}
	}
	sm.OrgAverage, _ = sm.orgRates.Average()
	below := map[[2]int64]bool{} // R3 by (valid − d, valid)
	sm.FlagCounts = [rules.NumFlagBits]int{}
	for i := range sm.Targets {
		t := &sm.Targets[i]
		sm.flag(t, below)
		u := &sm.Units[t.Unit]
		u.Targets[t.Type]++
		if t.Valid() > 0 {
			u.Rated[t.Type]++
		}
		for b := range rules.NumFlagBits {
			if t.Flags&(1<<b) != 0 {
				sm.FlagCounts[b]++
			}
		}
	}
	sm.mu.Lock()
	sm.views = nil
	sm.mu.Unlock()
}

// flag sets one target's flags (below memoizes R3's comparison).
func (sm *Summary) flag(t *SumTarget, below map[[2]int64]bool) {
	tl := t.RulesTally()
	typ := TypeNames[t.Type]
	prior := 0
	var avg *big.Rat
	if t.Type == TypeOrg && sm.OrgAverage != nil && tl.Valid() > 0 {
		// R3 through the memo; TargetFlags then only sees an average
		// that the rate is or is not below.
		k := [2]int64{tl.Valid() - tl.Dissatisfied, tl.Valid()}
		b, ok := below[k]
		if !ok {
			b = tl.RateBelow(sm.OrgAverage)
			below[k] = b
		}
		if b {
			avg = sm.OrgAverage
		}
		if sm.prior != nil {
			prior = sm.prior[sm.Units[t.Unit].Code]
		}
	}
	t.Flags = rules.TargetFlags(typ, tl, sm.Kind, avg, prior, sm.Units[t.Unit].Low)
}

// TargetName is what a page shows of a target besides its counts.
type TargetName struct{ Code, Name string }

// targetNames reads the codes and names of some targets.
func (s *Store) targetNames(ctx context.Context, ids []int64) (map[int64]TargetName, error) {
	out := make(map[int64]TargetName, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		rows, err := s.R().Query(ctx, `SELECT id, code, name FROM targets WHERE id IN (`+store.Placeholders(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var tn TargetName
			if err := rows.Scan(&id, &tn.Code, &tn.Name); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = tn
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// result is target i with its code and name, as Evaluate would give it.
func (sm *Summary) result(i int32, tn TargetName) TargetResult {
	t := &sm.Targets[i]
	u := &sm.Units[t.Unit]
	r := TargetResult{ID: t.ID, Name: tn.Name, UnitCode: u.Code, UnitName: u.Name, UnitPath: u.Path}
	r.Type, r.Code, r.Unit, r.Tally = TypeNames[t.Type], tn.Code, u.Code, t.RulesTally()
	r.Score, r.HasValid = r.Tally.Score()
	r.Rate, _ = r.Tally.Rate()
	r.Flags = t.Flags.Names()
	return r
}

// ResultRows returns the results of some targets of a summary (indexes in
// Targets), with their codes and names read from the database.
func (s *Store) ResultRows(ctx context.Context, sm *Summary, rows []int32) ([]TargetResult, error) {
	ids := make([]int64, len(rows))
	for k, i := range rows {
		ids[k] = sm.Targets[i].ID
	}
	names, err := s.targetNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]TargetResult, len(rows))
	for k, i := range rows {
		out[k] = sm.result(i, names[sm.Targets[i].ID])
	}
	return out, nil
}

// resultsChunk is how many targets EachResult reads names for at once.
const resultsChunk = 2000

// EachResult calls fn with the results of the summary's targets in order
// (type, then code), those of the units in mask only (nil: all), reading
// codes and names chunk by chunk so that a whole city is never held at
// once as strings.
func (s *Store) EachResult(ctx context.Context, sm *Summary, mask []bool, fn func(TargetResult) error) error {
	chunk := make([]int32, 0, resultsChunk)
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		rs, err := s.ResultRows(ctx, sm, chunk)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := fn(r); err != nil {
				return err
			}
		}
		chunk = chunk[:0]
		return nil
	}
	for i := range sm.Targets {
		if mask != nil && !mask[sm.Targets[i].Unit] {
			continue
		}
		chunk = append(chunk, int32(i))
		if len(chunk) == resultsChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
