package appraisal_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/appraisal/appraisaltest"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// sealSeed: a committee D over a branch B (secretary M1, member M2; M3 of
// D), a mass campaign over D (open, no end) and accounts: the branch
// secretary, D's org admin, D's secretary, and an org admin of D who is
// herself the member M2 of B.
func sealSeed(t *testing.T, s *store.Store) (*pingyi.Campaign, map[string]store.Actor) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.ImportOrgs(ctx, []store.OrgRow{
		{Line: 2, Code: "D", Name: "某镇党委", Type: "committee", Domain: "rural"},
		{Line: 3, Code: "B", Name: "某村党支部", Type: "branch", Domain: "rural", ParentCode: "D"},
	}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportMembers(ctx, []store.MemberRow{
		{Line: 2, Code: "M1", Name: "陈书记", OrgCode: "B", Category: "farming", IsSecretary: "true"},
		{Line: 3, Code: "M2", Name: "周敏", OrgCode: "B", Category: "farming"},
		{Line: 4, Code: "M3", Name: "王镇书记", OrgCode: "D", Category: "cadre", IsSecretary: "true"},
	}, store.CLI); err != nil {
		t.Fatal(err)
	}
	d, _ := s.Org(ctx, "D")
	b, _ := s.Org(ctx, "B")
	member := func(code string) int64 {
		m, _, err := s.Member(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	actors := map[string]store.Actor{}
	for _, u := range []*pingyi.User{
		{Username: "bsec", Role: pingyi.RoleSecretary, OrgID: b.ID, MemberID: member("M1")},
		{Username: "dadmin", Role: pingyi.RoleOrgAdmin, OrgID: d.ID},
		{Username: "dsec", Role: pingyi.RoleSecretary, OrgID: d.ID, MemberID: member("M3")},
		{Username: "dtarget", Role: pingyi.RoleOrgAdmin, OrgID: d.ID, MemberID: member("M2")},
	} {
		u.PasswordHash = "x"
		if err := s.CreateUser(ctx, u, store.CLI); err != nil {
			t.Fatal(err)
		}
		actors[u.Username] = store.Actor{UserID: u.ID, Username: u.Username}
	}
	c := &pingyi.Campaign{Code: "S", Name: "封存", ScopeCode: "D", Kind: pingyi.KindMass, Year: 2026}
	if err := appraisal.New(s).CreateCampaign(ctx, c, store.CLI); err != nil {
		t.Fatal(err)
	}
	return c, actors
}

func paperBallots(from, n int, rating string) []appraisal.BallotRow {
	var rows []appraisal.BallotRow
	for i := range n {
		no := "P" + string(rune('A'+from+i))
		for _, tg := range [][2]string{{"org", "B"}, {"secretary", "B"}, {"member", "M1"}, {"member", "M2"}} {
			rows = append(rows, appraisal.BallotRow{Line: len(rows) + 2, BallotNo: no, EvaluatorCategory: "mass_rep", TargetType: tg[0], TargetCode: tg[1], Rating: rating})
		}
	}
	return rows
}

func ago(d time.Duration) string { return time.Now().Add(-d).UTC().Format(time.RFC3339) }

// inputErrOn reports whether err is an InputError naming column col.
func inputErrOn(err error, col string) bool {
	var ie *pingyi.InputError
	if !errors.As(err, &ie) {
		return false
	}
	for _, e := range ie.Errors {
		if e.Column == col {
			return true
		}
	}
	return false
}

// Issue 10, point 1: results read, the campaign reopened, one ballot
// cast, closed again — the results would show that one ballot. Reopening
// (clearing or moving the close) is refused once ballots exist, and so is
// any ballot after the close: phone (even through an intake whose cached
// window is still open) and paper.
func TestSealNoReopen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, _ := sealSeed(t, s)
		if _, err := appraisal.New(s).ImportBallots(ctx, c, paperBallots(0, 3, "satisfied"), store.CLI); err != nil {
			t.Fatal(err)
		}
		codes, err := appraisal.New(s).IssueCodes(ctx, c, "B", pingyi.EvalMassRep, 3, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		in := appraisal.New(s).NewIntake()
		defer in.Close()
		ratings := []appraisal.RatingInput{{TargetType: "org", TargetCode: "B", Rating: "dissatisfied"}}
		if _, err := in.Submit(ctx, codes[0], ratings, ""); err != nil {
			t.Fatal(err)
		}
		// Closed now: the intake's cache still has the campaign open.
		c.Opens, c.Closes = ago(48*time.Hour), ago(time.Second)
		if err := appraisal.New(s).UpdateCampaign(ctx, c, "", "", store.CLI); err != nil {
			t.Fatal(err)
		}
		before := appraisaltest.State(t, s)
		if _, err := in.Submit(ctx, codes[1], ratings, ""); !errors.Is(err, appraisal.ErrCampaignClosed) {
			t.Errorf("a phone ballot after the close: %v", err)
		}
		if _, err := appraisal.New(s).SubmitBallot(ctx, codes[2], ratings, ""); !errors.Is(err, appraisal.ErrCampaignClosed) {
			t.Errorf("a direct ballot after the close: %v", err)
		}
		if _, err := appraisal.New(s).ImportBallots(ctx, c, paperBallots(5, 1, "dissatisfied"), store.CLI); !inputErrOn(err, "campaign") {
			t.Errorf("paper ballots after the close: %v", err)
		}
		res, err := appraisal.New(s).Results(ctx, c)
		if err != nil || res.Ballots != 4 {
			t.Fatalf("results: %v %v", res, err)
		}
		for name, w := range map[string][2]string{
			"close cleared":       {c.Opens, ""},
			"close moved later":   {c.Opens, time.Now().Add(time.Hour).UTC().Format(time.RFC3339)},
			"close moved earlier": {c.Opens, ago(time.Hour)},
			"start moved":         {ago(24 * time.Hour), c.Closes},
		} {
			re := *c
			re.Opens, re.Closes = w[0], w[1]
			if err := appraisal.New(s).UpdateCampaign(ctx, &re, "", "", store.CLI); !inputErrOn(err, "closes") {
				t.Errorf("%s: %v", name, err)
			}
		}
		// The name and texts still change; the window stays.
		same := *c
		same.Name = "封存（改名）"
		if err := appraisal.New(s).UpdateCampaign(ctx, &same, "全体党员", "", store.CLI); err != nil {
			t.Fatal(err)
		}
		if got, _ := appraisal.New(s).Campaign(ctx, "S"); got.Closes != c.Closes || got.Opens != c.Opens || appraisal.State(got, time.Now()) != appraisal.StateClosed {
			t.Errorf("window now %q..%q", got.Opens, got.Closes)
		}
		if after := appraisaltest.State(t, s); after != before {
			t.Errorf("ballots changed after the close:\n%s\nwant\n%s", after, before)
		}
	})
}

// While open with ballots the start cannot move after now (the campaign
// would be "not open" and then open again); without ballots it may.
func TestSealStartNotLater(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, _ := sealSeed(t, s)
		later := *c
		later.Opens = time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		if err := appraisal.New(s).UpdateCampaign(ctx, &later, "", "", store.CLI); err != nil {
			t.Fatalf("without ballots: %v", err)
		}
		later.Opens = ""
		if err := appraisal.New(s).UpdateCampaign(ctx, &later, "", "", store.CLI); err != nil {
			t.Fatal(err)
		}
		if _, err := appraisal.New(s).ImportBallots(ctx, c, paperBallots(0, 1, "satisfied"), store.CLI); err != nil {
			t.Fatal(err)
		}
		later.Opens = time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		if err := appraisal.New(s).UpdateCampaign(ctx, &later, "", "", store.CLI); !inputErrOn(err, "opens") {
			t.Errorf("start after now with ballots: %v", err)
		}
	})
}

// Issue 10, point 2: the threshold lowered after the close, down to 1,
// showed a unit's single ballot. The threshold is never below 3, and
// never lowered once ballots exist.
func TestSealThreshold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, _ := sealSeed(t, s)
		for _, n := range []int{1, 2, 101} {
			bad := &pingyi.Campaign{Code: "T", Name: "低阈值", ScopeCode: "D", Kind: pingyi.KindMass, Year: 2026, Anonymity: n}
			if err := appraisal.New(s).CreateCampaign(ctx, bad, store.CLI); !inputErrOn(err, "anonymity") {
				t.Errorf("created with threshold %d: %v", n, err)
			}
		}
		up := *c
		up.Anonymity = 5
		if err := appraisal.New(s).UpdateCampaign(ctx, &up, "", "", store.CLI); err != nil {
			t.Fatal(err)
		}
		if _, err := appraisal.New(s).ImportBallots(ctx, c, paperBallots(0, 1, "satisfied"), store.CLI); err != nil {
			t.Fatal(err)
		}
		up.Opens, up.Closes = ago(48*time.Hour), ago(time.Hour)
		if err := appraisal.New(s).UpdateCampaign(ctx, &up, "", "", store.CLI); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{4, 3, 1} {
			low := up
			low.Anonymity = n
			if err := appraisal.New(s).UpdateCampaign(ctx, &low, "", "", store.CLI); !inputErrOn(err, "anonymity") {
				t.Errorf("lowered to %d: %v", n, err)
			}
		}
		if got, _ := appraisal.New(s).Campaign(ctx, "S"); got.Anonymity != 5 {
			t.Errorf("threshold %d", got.Anonymity)
		}
		up.Anonymity = 7
		if err := appraisal.New(s).UpdateCampaign(ctx, &up, "", "", store.CLI); err != nil {
			t.Errorf("raised: %v", err)
		}
	})
}

// Issue 10, point 6: the branch secretary, a target, issued 500 codes of
// her own unit and rated herself. Only an org above the unit issues its
// codes, and never a person who is of the unit or one of its targets.
func TestSealCodeIssuers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, actors := sealSeed(t, s)
		for name, want := range map[string]bool{"bsec": false, "dtarget": false, "dadmin": true, "dsec": true} {
			codes, err := appraisal.New(s).IssueCodes(ctx, c, "B", pingyi.EvalMassRep, 500, actors[name])
			if want && (err != nil || len(codes) != 500) {
				t.Errorf("%s: %d codes, %v", name, len(codes), err)
			}
			if !want && !inputErrOn(err, "unit") {
				t.Errorf("%s issued codes of B: %d, %v", name, len(codes), err)
			}
		}
		counts, _ := appraisal.New(s).CodeCounts(ctx, c.ID)
		if len(counts) != 1 || counts[0].Issued != 1000 {
			t.Errorf("counts %+v", counts)
		}
		if _, err := appraisal.New(s).IssueCodes(ctx, c, "B", pingyi.EvalMassRep, 1, store.CLI); err != nil {
			t.Errorf("the command line: %v", err)
		}
		if !strings.Contains(storetest.Dump(t, s), "issue_codes") {
			t.Error("no audit of the codes issued")
		}
	})
}

// A window unit's rating after the close is refused in the store too (its
// page's cached campaign may still say open).
func TestSealWindowAfterClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := workflowSeed(t, s, false)
		code, err := appraisal.New(s).WindowCode(ctx, c, "W", store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		w, err := appraisal.New(s).LookupWindow(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if err := appraisal.New(s).RateWindow(ctx, w, pingyi.Satisfied); err != nil {
			t.Fatal(err)
		}
		c.Opens, c.Closes = ago(48*time.Hour), ago(time.Second)
		if err := appraisal.New(s).UpdateCampaign(ctx, c, "", "", store.CLI); err != nil {
			t.Fatal(err)
		}
		if err := appraisal.New(s).RateWindow(ctx, w, pingyi.Dissatisfied); !errors.Is(err, appraisal.ErrCampaignClosed) {
			t.Errorf("window rating after the close: %v", err)
		}
		reopen := *c
		reopen.Closes = ""
		if err := appraisal.New(s).UpdateCampaign(ctx, &reopen, "", "", store.CLI); !inputErrOn(err, "closes") {
			t.Errorf("reopened with window ratings only: %v", err)
		}
	})
}

// Issue 10, point 7: coverage while open said "1 ballot received;
// secretary rated, org not". While open it counts targets and the ballots
// per unit only; after the close it tells which targets were rated.
func TestSealCoverageWhileOpen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, _ := sealSeed(t, s)
		codes, err := appraisal.New(s).IssueCodes(ctx, c, "B", pingyi.EvalMassRep, 1, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := appraisal.New(s).SubmitBallot(ctx, codes[0], []appraisal.RatingInput{{TargetType: "secretary", TargetCode: "B", Rating: "satisfied"}}, ""); err != nil {
			t.Fatal(err)
		}
		cov, err := appraisal.New(s).CampaignCoverage(ctx, c, pingyi.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if !cov.Sealed || cov.Rated != 0 || len(cov.Unrated) != 0 || cov.Targets != 4 || cov.ByType[pingyi.TargetSecretary][1] != 0 {
			t.Errorf("coverage while open: %+v", cov)
		}
		us, err := appraisal.New(s).UnitStatuses(ctx, c, pingyi.Scope{})
		if err != nil || len(us) != 1 || us[0].Ballots != 1 || us[0].NoBallots != 0 || !us[0].Sealed {
			t.Errorf("unit status while open: %+v %v", us, err)
		}
		c.Opens, c.Closes = ago(48*time.Hour), ago(time.Second)
		if err := appraisal.New(s).UpdateCampaign(ctx, c, "", "", store.CLI); err != nil {
			t.Fatal(err)
		}
		cov, _ = appraisal.New(s).CampaignCoverage(ctx, c, pingyi.Scope{})
		if cov.Sealed || cov.Rated != 1 || len(cov.Unrated) != 3 {
			t.Errorf("coverage after the close: %+v", cov)
		}
		us, _ = appraisal.New(s).UnitStatuses(ctx, c, pingyi.Scope{})
		if us[0].Sealed || us[0].NoBallots != 3 {
			t.Errorf("unit status after the close: %+v", us)
		}
	})
}
