package appraisal_test

import (
	"context"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// A cached campaign result must not hide a ballot submitted after it was
// read, nor the effect of a wipe.
func TestResultsCacheSeesNewBallots(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := workflowSeed(t, s, true)
		codes, err := appraisal.New(s).IssueCodes(ctx, c, "B", pingyi.EvalMassRep, 2, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		valid := func() (int64, int64) {
			t.Helper()
			res, err := appraisal.New(s).Results(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if res.Campaign != c {
				t.Error("result carries another campaign value")
			}
			for _, r := range res.Targets {
				if r.Code == "B" {
					return r.Tally.Valid(), res.Ballots
				}
			}
			t.Fatal("no result for target B")
			return 0, 0
		}
		if v, b := valid(); v != 0 || b != 0 {
			t.Fatalf("before any ballot: %d valid, %d ballots", v, b)
		}
		valid() // served from the cache
		for i, code := range codes {
			if _, err := appraisal.New(s).SubmitBallot(ctx, code, []appraisal.RatingInput{{TargetType: "org", TargetCode: "B", Rating: "satisfied"}}, ""); err != nil {
				t.Fatal(err)
			}
			if v, b := valid(); v != int64(i+1) || b != int64(i+1) {
				t.Fatalf("after ballot %d: %d valid, %d ballots", i+1, v, b)
			}
		}
		if err := appraisal.New(s).WipeTestCampaign(ctx, c, store.CLI); err != nil {
			t.Fatal(err)
		}
		if v, b := valid(); v != 0 || b != 0 {
			t.Fatalf("after wipe: %d valid, %d ballots", v, b)
		}
	})
}

// Subtree member counts are cached; an import in this process shows at once.
func TestSubtreeMemberCountsAfterImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		workflowSeed(t, s, false)
		d, err := s.Org(ctx, "D")
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.SubtreeMemberCounts(ctx, []string{d.Path})
		if err != nil || n[d.Path] != 2 {
			t.Fatalf("counts %v, %v; want 2", n, err)
		}
		if _, err := s.ImportMembers(ctx, []store.MemberRow{
			{Line: 2, Code: "M3", Name: "李娜", OrgCode: "B", Category: "in_service"},
		}, store.CLI); err != nil {
			t.Fatal(err)
		}
		if n, _ = s.SubtreeMemberCounts(ctx, []string{d.Path}); n[d.Path] != 3 {
			t.Fatalf("after import: counts %v; want 3", n)
		}
	})
}

// A cached summary is built again after orgs change in this process (a
// unit renamed shows in the results at once), and not before.
func TestResultsCacheSeesOrgChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := workflowSeed(t, s, false)
		ap := appraisal.New(s)
		name := func() string {
			t.Helper()
			res, err := ap.Results(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res.Targets {
				if r.Code == "B" {
					return r.Name
				}
			}
			t.Fatal("no result for target B")
			return ""
		}
		name()
		builds := ap.SummaryBuilds()
		name()
		if n := ap.SummaryBuilds() - builds; n != 0 {
			t.Fatalf("%d builds for a read of an unchanged campaign, want 0", n)
		}
		if _, err := s.ImportOrgs(ctx, []store.OrgRow{
			{Line: 2, Code: "B", Name: "社区党支部（新）", Type: "branch", Domain: "community", ParentCode: "D"},
		}, store.CLI); err != nil {
			t.Fatal(err)
		}
		name()
		if n := ap.SummaryBuilds() - builds; n != 1 {
			t.Errorf("%d builds after an org import, want 1", n)
		}
	})
}
