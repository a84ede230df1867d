package appraisal_test

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// summarySeed makes a committee with 5 branches (one under a general
// branch), 4 members each (the first the secretary), and a year-end
// campaign over all of them with a minimum mass share of 0.8.
func summarySeed(t *testing.T, s *store.Store) *pingyi.Campaign {
	t.Helper()
	ctx := context.Background()
	orgs := []store.OrgRow{{Line: 2, Code: "D", Name: "街道党工委", Type: "committee", Domain: "community"},
		{Line: 3, Code: "G", Name: "总支", Type: "general_branch", Domain: "community", ParentCode: "D"}}
	var members []store.MemberRow
	for i := range 5 {
		parent := "D"
		if i == 4 {
			parent = "G"
		}
		code := fmt.Sprintf("B%d", i)
		orgs = append(orgs, store.OrgRow{Line: 4 + i, Code: code, Name: "支部" + code, Type: "branch", Domain: "community", ParentCode: parent})
		for j := range 4 {
			members = append(members, store.MemberRow{Line: 2 + len(members), Code: fmt.Sprintf("M%d%d", i, j), Name: fmt.Sprintf("党员%d%d", i, j),
				OrgCode: code, Category: "in_service", IsSecretary: fmt.Sprint(j == 0)})
		}
	}
	if _, err := s.ImportOrgs(ctx, orgs, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportMembers(ctx, members, store.CLI); err != nil {
		t.Fatal(err)
	}
	c := &pingyi.Campaign{Code: "Y", Name: "年终", ScopeCode: "D", Kind: pingyi.KindYearEnd, MinMassShare: "0.8"}
	if err := appraisal.New(s).CreateCampaign(ctx, c, store.CLI); err != nil {
		t.Fatal(err)
	}
	return c
}

// randomTallies writes random tallies and unit counts into the database
// directly (small counts, so that ties with the thresholds and the average
// are frequent).
func randomTallies(t *testing.T, s *store.Store, c *pingyi.Campaign, rng *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	rows, err := s.R().Query(ctx, `SELECT id FROM targets WHERE campaign_id = ?`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		n := func() int64 { return int64(rng.IntN(4)) }
		if _, err := s.DB.ExecContext(ctx, s.Rebind(`UPDATE targets SET satisfied = ?, fairly_satisfied = ?, basically_satisfied = ?, dissatisfied = ?, abstain = ? WHERE id = ?`),
			n(), 0, n(), n(), n(), id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DB.ExecContext(ctx, s.Rebind(`DELETE FROM unit_tallies WHERE campaign_id = ?`), c.ID); err != nil {
		t.Fatal(err)
	}
	units, err := appraisal.New(s).Units(ctx, c.ID, pingyi.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		for _, cat := range []pingyi.EvaluatorCategory{pingyi.EvalPartyMember, pingyi.EvalMassRep, pingyi.EvalServiceObject} {
			if n := rng.IntN(5); n > 0 {
				if _, err := s.DB.ExecContext(ctx, s.Rebind(`INSERT INTO unit_tallies (campaign_id, unit_org_id, category, ballots) VALUES (?, ?, ?, ?)`),
					c.ID, u.ID, string(cat), n); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// reference evaluates the campaign as results did before summaries: every
// target with its code and unit through rules.Evaluate on big.Rat.
func reference(t *testing.T, s *store.Store, c *pingyi.Campaign) ([]rules.TargetResult, *big.Rat, map[string]bool) {
	t.Helper()
	ctx := context.Background()
	in := rules.CampaignInput{Kind: c.Kind}
	in.MinMassShare, _ = rules.ParseShare(c.MinMassShare)
	rows, err := s.R().Query(ctx, `SELECT t.type, t.code, o.code, t.satisfied, t.fairly_satisfied, t.basically_satisfied, t.dissatisfied, t.abstain
		FROM targets t JOIN orgs o ON o.id = t.unit_org_id WHERE t.campaign_id = ?`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ti rules.TargetInput
		rows.Scan(&ti.Type, &ti.Code, &ti.Unit, &ti.Tally.Satisfied, &ti.Tally.FairlySatisfied, &ti.Tally.BasicallySatisfied, &ti.Tally.Dissatisfied, &ti.Tally.Abstain)
		in.Targets = append(in.Targets, ti)
	}
	rows.Close()
	units := map[string]*rules.UnitInput{}
	rows, err = s.R().Query(ctx, `SELECT o.code, u.category, u.ballots FROM unit_tallies u JOIN orgs o ON o.id = u.unit_org_id WHERE u.campaign_id = ?`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code, cat string
		var n int64
		rows.Scan(&code, &cat, &n)
		if units[code] == nil {
			units[code] = &rules.UnitInput{Unit: code}
		}
		units[code].Ballots += n
		if pingyi.EvaluatorCategory(cat).IsMasses() {
			units[code].MassBallots += n
		}
	}
	rows.Close()
	low := map[string]bool{}
	for code, u := range units {
		in.Units = append(in.Units, *u)
		low[code] = rules.LowMassShare(*u, in.MinMassShare)
	}
	avg, _ := rules.OrgAverage(in.Targets)
	return rules.Evaluate(in), avg, low
}

// compareWithReference checks Results (built from the summary) against
// the big.Rat evaluation, target by target, in order.
func compareWithReference(t *testing.T, s *store.Store, c *pingyi.Campaign) {
	t.Helper()
	want, avg, low := reference(t, s, c)
	got, err := appraisal.New(s).Results(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Targets) != len(want) {
		t.Fatalf("%d targets, reference %d", len(got.Targets), len(want))
	}
	if (avg == nil) != (got.OrgAverage == nil) || avg != nil && avg.Cmp(got.OrgAverage) != 0 {
		t.Errorf("average %v, reference %v", got.OrgAverage, avg)
	}
	for i, w := range want {
		g := got.Targets[i]
		if g.Type != w.Type || g.Code != w.Code || g.Unit != w.Unit || g.Tally != w.Tally || g.HasValid != w.HasValid ||
			!slices.Equal(g.Flags, w.Flags) || rules.FormatScore(g.Score) != rules.FormatScore(w.Score) || rules.FormatRate(g.Rate) != rules.FormatRate(w.Rate) ||
			(w.Score != nil && g.Score.Cmp(w.Score) != 0) {
			t.Fatalf("target %d: got %s %s %+v %v, reference %s %s %+v %v", i, g.Type, g.Code, g.Tally, g.Flags, w.Type, w.Code, w.Tally, w.Flags)
		}
	}
	for _, u := range got.Units {
		if u.Low != low[u.Code] {
			t.Errorf("unit %s: low %v, reference %v", u.Code, u.Low, low[u.Code])
		}
	}
}

// The summary's integer evaluation gives exactly what rules.Evaluate gives
// on big.Rat, over random tallies.
func TestSummaryAgreesWithEvaluate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := summarySeed(t, s)
		for seed := range uint64(6) {
			randomTallies(t, s, c, rand.New(rand.NewPCG(seed, 7)))
			compareWithReference(t, s, c)
		}
	})
}

// equalSummaries compares what a summary holds.
func equalSummaries(t *testing.T, got, want *appraisal.Summary) {
	t.Helper()
	if !slices.Equal(got.Targets, want.Targets) {
		for i := range want.Targets {
			if i < len(got.Targets) && got.Targets[i] != want.Targets[i] {
				t.Fatalf("target %d: %+v, rebuilt %+v", i, got.Targets[i], want.Targets[i])
			}
		}
		t.Fatalf("targets differ: %d, rebuilt %d", len(got.Targets), len(want.Targets))
	}
	if !slices.Equal(got.Units, want.Units) {
		t.Fatalf("units %+v\nrebuilt %+v", got.Units, want.Units)
	}
	if got.Ballots != want.Ballots || got.FlagCounts != want.FlagCounts || got.TypeStart != want.TypeStart {
		t.Fatalf("ballots %d, flags %v, types %v; rebuilt %d, %v, %v", got.Ballots, got.FlagCounts, got.TypeStart, want.Ballots, want.FlagCounts, want.TypeStart)
	}
	if (got.OrgAverage == nil) != (want.OrgAverage == nil) || want.OrgAverage != nil && got.OrgAverage.Cmp(want.OrgAverage) != 0 {
		t.Fatalf("average %v, rebuilt %v", got.OrgAverage, want.OrgAverage)
	}
}

// Tally changes folded into the database and passed to applyTallyDeltas
// update the cached summary in place of a rebuild: it equals a summary
// built afresh, and its fingerprint still matches the database.
func TestApplyTallyDeltas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := summarySeed(t, s)
		rng := rand.New(rand.NewPCG(3, 4))
		randomTallies(t, s, c, rng)
		// Members without ratings, rated for the first time in round 5.
		if _, err := s.DB.ExecContext(ctx, s.Rebind(`UPDATE targets SET satisfied = 0, fairly_satisfied = 0, basically_satisfied = 0, dissatisfied = 0
			WHERE campaign_id = ? AND type = 'member' AND code LIKE 'M_1'`), c.ID); err != nil {
			t.Fatal(err)
		}
		old, err := appraisal.New(s).Summary(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		units, _ := appraisal.New(s).Units(ctx, c.ID, pingyi.Scope{})
		// Rounds 0–4 move R3's average and R4's shares (every flag again);
		// rounds 5–8 change members and secretaries only (their flags
		// alone).
		for round := range 9 {
			people := round >= 5
			builds := appraisal.New(s).SummaryBuilds()
			targets := map[int64]*rules.Tally{}
			for i := range old.Targets {
				unrated := old.Targets[i].Valid() == 0
				first := round == 5 && unrated
				if !first && (rng.IntN(3) > 0 || people && old.Targets[i].Type == appraisal.TypeOrg || !people && unrated) {
					continue
				}
				d := &rules.Tally{}
				for k := range 5 {
					d.AddSlot(k, int64(rng.IntN(3)))
				}
				d.FairlySatisfied = 0 // a 3-level scale
				if first {
					d.Satisfied++
				}
				targets[old.Targets[i].ID] = d
				if _, err := s.DB.ExecContext(ctx, s.Rebind(`UPDATE targets SET satisfied = satisfied + ?, basically_satisfied = basically_satisfied + ?,
					dissatisfied = dissatisfied + ?, abstain = abstain + ? WHERE id = ?`), d.Satisfied, d.BasicallySatisfied, d.Dissatisfied, d.Abstain, old.Targets[i].ID); err != nil {
					t.Fatal(err)
				}
			}
			targets[-1] = &rules.Tally{Satisfied: 1} // another campaign's target: ignored
			var ud []appraisal.UnitDelta
			for _, u := range units {
				if people {
					break
				}
				cat := []pingyi.EvaluatorCategory{pingyi.EvalPartyMember, pingyi.EvalMassRep, pingyi.EvalTwoReps}[rng.IntN(3)]
				n := int64(rng.IntN(4))
				if n == 0 {
					continue
				}
				ud = append(ud, appraisal.UnitDelta{Campaign: c.ID, Unit: u.ID, Category: string(cat), N: n})
				if _, err := s.DB.ExecContext(ctx, s.Rebind(`INSERT INTO unit_tallies (campaign_id, unit_org_id, category, ballots) VALUES (?, ?, ?, ?)
					ON CONFLICT (campaign_id, unit_org_id, category) DO UPDATE SET ballots = unit_tallies.ballots + excluded.ballots`),
					c.ID, u.ID, string(cat), n); err != nil {
					t.Fatal(err)
				}
			}
			appraisal.New(s).ApplyTallyDeltas(c.ID, targets, ud)
			got, err := appraisal.New(s).Summary(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if appraisal.New(s).SummaryBuilds() != builds {
				t.Fatalf("round %d: the summary was rebuilt (fingerprint out of step)", round)
			}
			if got == old {
				t.Fatalf("round %d: the cached summary was not updated", round)
			}
			want, err := appraisal.New(s).BuildSummary(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			equalSummaries(t, got, want)
			compareWithReference(t, s, c)
			old = got
		}
		// An unknown unit: the summary is dropped, the next read rebuilds.
		builds := appraisal.New(s).SummaryBuilds()
		appraisal.New(s).ApplyTallyDeltas(c.ID, nil, []appraisal.UnitDelta{{Campaign: c.ID, Unit: -5, Category: "mass_rep", N: 1}})
		if _, err := appraisal.New(s).Summary(ctx, c); err != nil {
			t.Fatal(err)
		}
		if appraisal.New(s).SummaryBuilds() != builds+1 {
			t.Error("a summary that could not take a change was kept")
		}
	})
}

// Page lists the targets of a type in the units chosen, in order, page
// by page; UnitsIn finds a subtree's units.
func TestSummaryPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := summarySeed(t, s)
		randomTallies(t, s, c, rand.New(rand.NewPCG(1, 2)))
		sm, err := appraisal.New(s).Summary(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		g, err := s.Org(ctx, "G")
		if err != nil {
			t.Fatal(err)
		}
		sub := sm.UnitsIn(pingyi.Scope{Path: g.Path})
		var codes []string
		for _, u := range sub {
			codes = append(codes, sm.Units[u].Code)
		}
		if !slices.Equal(codes, []string{"B4", "G"}) {
			t.Fatalf("units under G: %v, want [B4 G]", codes)
		}
		if all := sm.UnitsIn(pingyi.Scope{}); len(all) != len(sm.Units) {
			t.Fatalf("all units: %d of %d", len(all), len(sm.Units))
		}
		for _, mask := range [][]bool{nil, sm.Mask(sub)} {
			for typ := range appraisal.NumTypes {
				var want []int32
				for i := sm.TypeStart[typ]; i < sm.TypeStart[typ+1]; i++ {
					if mask == nil || mask[sm.Targets[i].Unit] {
						want = append(want, i)
					}
				}
				var got []int32
				for off := 0; ; off += 3 {
					p := sm.Page(appraisal.Filter{Type: typ, Units: mask}, off, 3)
					if len(p) == 0 {
						break
					}
					got = append(got, p...)
				}
				if !slices.Equal(got, want) {
					t.Errorf("type %d, mask %v: pages %v, want %v", typ, mask != nil, got, want)
				}
			}
		}
		v := sm.View(3)
		var att []int32
		for i := sm.TypeStart[appraisal.TypeMember]; i < sm.TypeStart[appraisal.TypeMember+1]; i++ {
			if t := &sm.Targets[i]; !v.Hidden(t) && t.Flags&appraisal.AttentionFlags != 0 {
				att = append(att, i)
			}
		}
		if !slices.Equal(v.Attention, att) || int(v.All.Attention) != len(att) {
			t.Errorf("attention %v (%d), want %v", v.Attention, v.All.Attention, att)
		}
		// Names come from the database for the rows asked.
		rows, err := appraisal.New(s).ResultRows(ctx, sm, sm.Page(appraisal.Filter{Type: appraisal.TypeOrg}, 0, 2))
		if err != nil || len(rows) != 2 || rows[0].Code != "B0" || rows[0].Name != "支部B0" || rows[1].Code != "B1" {
			t.Fatalf("org rows %+v, %v", rows, err)
		}
	})
}

// Concurrent reads of a campaign whose summary is not cached share one
// build.
func TestSummaryBuiltOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := summarySeed(t, s)
		builds := appraisal.New(s).SummaryBuilds()
		got := make([]*appraisal.Summary, 8)
		errs := make([]error, 8)
		var wg sync.WaitGroup
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = appraisal.New(s).Summary(context.Background(), c)
			}()
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil || got[i] != got[0] {
				t.Fatalf("read %d: %p %v; read 0: %p", i, got[i], errs[i], got[0])
			}
		}
		if n := appraisal.New(s).SummaryBuilds() - builds; n != 1 {
			t.Errorf("%d builds for 8 concurrent reads, want 1", n)
		}
	})
}

// A closed campaign's summary is compared with the database at most once
// a second, but one last checked while the campaign was open is compared
// again as soon as it has closed: ballots of its last moments show.
func TestSummaryCheckedAgainOnClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := summarySeed(t, s)
		randomTallies(t, s, c, rand.New(rand.NewPCG(5, 6)))
		open, err := appraisal.New(s).Summary(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		units, _ := appraisal.New(s).Units(ctx, c.ID, pingyi.Scope{})
		add := func() { // a ballot counted by another process
			t.Helper()
			if _, err := s.DB.ExecContext(ctx, s.Rebind(`INSERT INTO unit_tallies (campaign_id, unit_org_id, category, ballots) VALUES (?, ?, ?, 1)
				ON CONFLICT (campaign_id, unit_org_id, category) DO UPDATE SET ballots = unit_tallies.ballots + 1`),
				c.ID, units[0].ID, string(pingyi.EvalMassRep)); err != nil {
				t.Fatal(err)
			}
		}
		add()
		closed := *c
		closed.Closes = time.Now().Add(-time.Second).UTC().Format(time.RFC3339)
		got, err := appraisal.New(s).Summary(ctx, &closed)
		if err != nil {
			t.Fatal(err)
		}
		if got.Ballots != open.Ballots+1 {
			t.Fatalf("after close: %d ballots, want %d", got.Ballots, open.Ballots+1)
		}
		// Checked after closing: served without a check within the second.
		add()
		if again, _ := appraisal.New(s).Summary(ctx, &closed); again != got {
			t.Error("a closed campaign's summary was checked again at once")
		}
	})
}

// A regular campaign's summary is cached too, and follows the earlier
// regular campaigns of the year that R3 reads.
func TestRegularSummaryFollowsEarlierCampaigns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		summarySeed(t, s)
		mk := func(code string) *pingyi.Campaign {
			c := &pingyi.Campaign{Code: code, Name: code, ScopeCode: "D", Kind: pingyi.KindRegular, Year: 2026,
				TargetTypes: []pingyi.TargetType{pingyi.TargetOrg}}
			if err := appraisal.New(s).CreateCampaign(ctx, c, store.CLI); err != nil {
				t.Fatal(err)
			}
			return c
		}
		first, second := mk("R1"), mk("R2")
		// rate of B0 in a campaign: good (1) or bad (0); the others 1.
		set := func(c *pingyi.Campaign, b0Good bool) {
			t.Helper()
			if _, err := s.DB.ExecContext(ctx, s.Rebind(`UPDATE targets SET satisfied = 4, dissatisfied = 0 WHERE campaign_id = ?`), c.ID); err != nil {
				t.Fatal(err)
			}
			if !b0Good {
				if _, err := s.DB.ExecContext(ctx, s.Rebind(`UPDATE targets SET satisfied = 1, dissatisfied = 3 WHERE campaign_id = ? AND code = 'B0'`), c.ID); err != nil {
					t.Fatal(err)
				}
			}
			units, _ := appraisal.New(s).Units(ctx, c.ID, pingyi.Scope{})
			if _, err := s.DB.ExecContext(ctx, s.Rebind(`INSERT INTO unit_tallies (campaign_id, unit_org_id, category, ballots) VALUES (?, ?, ?, 1)
				ON CONFLICT (campaign_id, unit_org_id, category) DO UPDATE SET ballots = unit_tallies.ballots + 1`),
				c.ID, units[0].ID, string(pingyi.EvalMassRep)); err != nil {
				t.Fatal(err)
			}
		}
		flagsOfB0 := func() []string {
			t.Helper()
			res, err := appraisal.New(s).Results(ctx, second)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res.Targets {
				if r.Code == "B0" {
					return r.Flags
				}
			}
			t.Fatal("no B0")
			return nil
		}
		set(first, true)
		set(second, false)
		if f := flagsOfB0(); !slices.Contains(f, rules.FlagBelowAverage) || slices.Contains(f, rules.FlagNoAdvancedCollective) {
			t.Fatalf("B0 below average for the first time: %v", f)
		}
		builds := appraisal.New(s).SummaryBuilds()
		flagsOfB0()
		if appraisal.New(s).SummaryBuilds() != builds {
			t.Error("a regular campaign's summary was not cached")
		}
		set(first, false) // B0 was below average in the earlier campaign too
		if f := flagsOfB0(); !slices.Contains(f, rules.FlagNoAdvancedCollective) {
			t.Fatalf("B0 below average twice: %v", f)
		}
	})
}
