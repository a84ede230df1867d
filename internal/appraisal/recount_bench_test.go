package appraisal_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// tallies reads every target's tally and every unit tally of a campaign.
func tallies(t testing.TB, s *store.Store, c *pingyi.Campaign) map[string]string {
	t.Helper()
	out := map[string]string{}
	if err := appraisal.New(s).FoldBallots(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	rows, err := s.R().Query(context.Background(), `SELECT type, code, satisfied, fairly_satisfied, basically_satisfied, dissatisfied, abstain
		FROM targets WHERE campaign_id = ?`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var typ, code string
		var v rules.Tally
		rows.Scan(v.Dest(&typ, &code)...)
		out[typ+" "+code] = fmt.Sprint(v.Slots())
	}
	rows.Close()
	rows, err = s.R().Query(context.Background(), `SELECT unit_org_id, category, ballots FROM unit_tallies WHERE campaign_id = ?`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var unit int64
		var cat string
		var n int64
		rows.Scan(&unit, &cat, &n)
		out[fmt.Sprintf("unit %d %s", unit, cat)] = fmt.Sprint(n)
	}
	rows.Close()
	return out
}

// TestRecountCampaign: on tallies kept by the intake, paper ballots and a
// window unit's instant ratings, a recount changes nothing; after the
// tallies are spoiled, it restores them exactly.
func TestRecountCampaign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, targets := recountSeed(t, s)
		// Ballots through the intake.
		codes, err := appraisal.New(s).IssueCodes(ctx, c, "B01", pingyi.EvalMassRep, 30, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		in := appraisal.New(s).NewIntake()
		r := rand.New(rand.NewPCG(3, 3))
		for _, k := range codes {
			if _, err := in.Submit(ctx, k, ballot12(r, targets["B01"]), ""); err != nil {
				t.Fatal(err)
			}
		}
		in.Close()
		// Paper ballots in another unit.
		var rows []appraisal.BallotRow
		for i, m := range targets["B02"][2:8] {
			rows = append(rows, appraisal.BallotRow{Line: i + 2, BallotNo: fmt.Sprint("P", i%3), EvaluatorCategory: "party_member",
				TargetType: string(m.Type), TargetCode: m.Code, Rating: "dissatisfied"})
		}
		if _, err := appraisal.New(s).ImportBallots(ctx, c, rows, store.CLI); err != nil {
			t.Fatal(err)
		}
		// Instant ratings of a window unit.
		wcode, err := appraisal.New(s).WindowCode(ctx, c, "B03", store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		w, err := appraisal.New(s).LookupWindow(ctx, wcode)
		if err != nil {
			t.Fatal(err)
		}
		for _, rt := range []pingyi.Rating{pingyi.Satisfied, pingyi.Satisfied, pingyi.Dissatisfied} {
			if err := appraisal.New(s).RateWindow(ctx, w, rt); err != nil {
				t.Fatal(err)
			}
		}
		want := tallies(t, s, c)
		st, err := appraisal.New(s).RecountCampaign(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if st.Changed != 0 || st.Ballots != 30+3+3 || st.Ratings != 30*12+6+3 {
			t.Errorf("recount of right tallies: %+v; want 0 changed, 36 ballots, 369 ratings", st)
		}
		if got := tallies(t, s, c); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("recount changed right tallies:\n got %v\nwant %v", got, want)
		}
		// Spoil: every tally of one unit, a stray count elsewhere, a unit tally.
		for _, q := range []string{
			`UPDATE targets SET satisfied = satisfied + 7, abstain = 2 WHERE campaign_id = ? AND unit_org_id = (SELECT id FROM orgs WHERE code = 'B01')`,
			`UPDATE targets SET dissatisfied = 5 WHERE campaign_id = ? AND code = 'B04'`,
			`DELETE FROM unit_tallies WHERE campaign_id = ? AND category = 'party_member'`,
		} {
			if _, err := s.R().Exec(ctx, q, c.ID); err != nil {
				t.Fatal(err)
			}
		}
		st, err = appraisal.New(s).RecountCampaign(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if st.Changed == 0 {
			t.Errorf("recount of spoiled tallies changed nothing")
		}
		if got := tallies(t, s, c); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("recount did not restore the tallies:\n got %v\nwant %v", got, want)
		}
	})
}

// recountSeed is a committee over four branches of 20 members (B03 a
// window unit) and an open campaign over it.
func recountSeed(t testing.TB, s *store.Store) (*pingyi.Campaign, map[string][]pingyi.Target) {
	t.Helper()
	ctx := context.Background()
	bl, err := s.NewBulkLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			bl.Rollback()
			t.Fatal(err)
		}
	}
	must(bl.Org(pingyi.Org{Code: "C", Name: "某镇党委", Type: pingyi.OrgCommittee, Domain: pingyi.DomainRural}))
	for u := 1; u <= 4; u++ {
		code := fmt.Sprintf("B%02d", u)
		must(bl.Org(pingyi.Org{Code: code, Name: code + "党支部", Type: pingyi.OrgBranch, Domain: pingyi.DomainRural, ParentCode: "C", WindowUnit: u == 3}))
		for m := 0; m < 20; m++ {
			must(bl.Member(pingyi.Member{Code: fmt.Sprintf("M%02d%03d", u, m), Name: "党员", OrgCode: code,
				Category: pingyi.CategoryFarming, IsSecretary: m == 0}))
		}
	}
	if err := bl.Commit(store.CLI, "test"); err != nil {
		t.Fatal(err)
	}
	c := &pingyi.Campaign{Code: "K", Name: "recount", ScopeCode: "C", Kind: pingyi.KindMass}
	if err := appraisal.New(s).CreateCampaign(ctx, c, store.CLI); err != nil {
		t.Fatal(err)
	}
	units, err := appraisal.New(s).Units(ctx, c.ID, pingyi.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string][]pingyi.Target{}
	for _, u := range units {
		if targets[u.Code], err = appraisal.New(s).UnitTargets(ctx, c.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	return c, targets
}
