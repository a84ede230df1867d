package appraisal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

func workflowSeed(t *testing.T, s *store.Store, test bool) *pingyi.Campaign {
	t.Helper()
	ctx := context.Background()
	if _, err := s.ImportOrgs(ctx, []store.OrgRow{
		{Line: 2, Code: "D", Name: "某街道党工委", Type: "committee", Domain: "community"},
		{Line: 3, Code: "W", Name: "行政服务中心党支部", Type: "branch", Domain: "agency", ParentCode: "D", WindowUnit: "true"},
		{Line: 4, Code: "B", Name: "社区党支部", Type: "branch", Domain: "community", ParentCode: "D"},
	}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportMembers(ctx, []store.MemberRow{
		{Line: 2, Code: "M1", Name: "陈书记", OrgCode: "W", Category: "in_service", IsSecretary: "true"},
		{Line: 3, Code: "M2", Name: "周敏", OrgCode: "B", Category: "in_service"},
	}, store.CLI); err != nil {
		t.Fatal(err)
	}
	c := &pingyi.Campaign{Code: "I", Name: "窗口即时评议", ScopeCode: "D", Kind: pingyi.KindInstant, TestMode: test,
		TargetTypes: []pingyi.TargetType{pingyi.TargetOrg}}
	if err := appraisal.New(s).CreateCampaign(ctx, c, store.CLI); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWindowRatingsCountInResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := workflowSeed(t, s, false)
		if _, err := appraisal.New(s).WindowCode(ctx, c, "B", store.CLI); err == nil {
			t.Error("a standing code for a unit that is not a window unit was made")
		}
		code, err := appraisal.New(s).WindowCode(ctx, c, "W", store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := appraisal.New(s).WindowCode(ctx, c, "W", store.CLI)
		if again != code {
			t.Errorf("standing code changed: %s then %s", code, again)
		}
		w, err := appraisal.New(s).LookupWindow(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []pingyi.Rating{pingyi.Satisfied, pingyi.Satisfied, pingyi.Satisfied, pingyi.Dissatisfied} {
			if err := appraisal.New(s).RateWindow(ctx, w, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := appraisal.New(s).RateWindow(ctx, w, pingyi.FairlySatisfied); err == nil {
			t.Error("a 4-level rating was accepted on a 3-level campaign")
		}
		days, _ := appraisal.New(s).WindowDays(ctx, c, w.Org.ID)
		if len(days) != 1 || days[0].Tally.Satisfied != 3 || days[0].Tally.Dissatisfied != 1 {
			t.Fatalf("daily aggregate %+v, want one day with 3 satisfied and 1 dissatisfied", days)
		}
		res, err := appraisal.New(s).Results(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Targets {
			if r.Code == "W" {
				if r.Tally.Valid() != 4 || !r.HasFlag("not_typical") {
					t.Errorf("window unit result: %d valid, flags %v; want 4 valid and not_typical (75%%)", r.Tally.Valid(), r.Flags)
				}
			}
		}
	})
}

func TestWipeTestCampaign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := workflowSeed(t, s, true)
		codes, err := appraisal.New(s).IssueCodes(ctx, c, "B", pingyi.EvalMassRep, 2, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := appraisal.New(s).SubmitBallot(ctx, codes[0], []appraisal.RatingInput{{TargetType: "org", TargetCode: "B", Rating: "satisfied"}}, ""); err != nil {
			t.Fatal(err)
		}
		if err := appraisal.New(s).WipeTestCampaign(ctx, c, store.CLI); err != nil {
			t.Fatal(err)
		}
		var ballots, ncodes, tally int
		s.R().QueryRow(ctx, `SELECT COUNT(*) FROM ballots`).Scan(&ballots)
		s.R().QueryRow(ctx, `SELECT COUNT(*) FROM codes`).Scan(&ncodes)
		s.R().QueryRow(ctx, `SELECT SUM(satisfied) FROM targets`).Scan(&tally)
		if ballots != 0 || ncodes != 0 || tally != 0 {
			t.Errorf("after wipe: %d ballots, %d codes, tally %d; want none", ballots, ncodes, tally)
		}
		c, _ = appraisal.New(s).Campaign(ctx, "I")
		if c.TestMode {
			t.Error("campaign still in test mode after the wipe")
		}
		if err := appraisal.New(s).WipeTestCampaign(ctx, c, store.CLI); err == nil {
			t.Error("a formal campaign was wiped")
		}
	})
}

func TestObjectionsAndRectifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := workflowSeed(t, s, false)
		if _, err := appraisal.New(s).FileObjection(ctx, c, 0, "  ", ""); err == nil {
			t.Error("an empty objection was accepted")
		}
		id, err := appraisal.New(s).FileObjection(ctx, c, 0, "评议结果与实际不符", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := appraisal.New(s).AnswerObjection(ctx, c, id, "经核实，结果无误。", store.Actor{Username: "admin"}); err != nil {
			t.Fatal(err)
		}
		obs, _ := appraisal.New(s).Objections(ctx, c)
		if len(obs) != 1 || obs[0].Answer == "" || obs[0].AnsweredBy != "admin" {
			t.Fatalf("objections %+v", obs)
		}
		o, _ := s.Org(ctx, "B")
		r := &appraisal.Rectification{CampaignID: c.ID, OrgID: o.ID, Problem: "联系群众不够", Deadline: "2020-01-31", Status: appraisal.RectVerified}
		if err := appraisal.New(s).SaveRectification(ctx, r, store.CLI); err != nil {
			t.Fatal(err)
		}
		got, _ := appraisal.New(s).Rectification(ctx, r.ID)
		if got.Status != appraisal.RectDone {
			t.Errorf("the owner marked an item %q; only the superior verifies", got.Status)
		}
		got.Status = appraisal.RectOpen
		appraisal.New(s).SaveRectification(ctx, got, store.CLI)
		if !got.Overdue(time.Now()) {
			t.Error("an open item past its deadline is not overdue")
		}
		if err := appraisal.New(s).VerifyRectification(ctx, r.ID, true, "已核实", store.CLI); err != nil {
			t.Fatal(err)
		}
		got, _ = appraisal.New(s).Rectification(ctx, r.ID)
		if got.Status != appraisal.RectVerified || got.Overdue(time.Now()) {
			t.Errorf("after verification: %q overdue=%v", got.Status, got.Overdue(time.Now()))
		}
		if err := appraisal.New(s).SaveRectification(ctx, &appraisal.Rectification{CampaignID: c.ID, OrgID: o.ID, Problem: "x", Deadline: "31/01/2020"}, store.CLI); err == nil {
			t.Error("a bad deadline was accepted")
		}
		if err := appraisal.New(s).AnswerObjection(ctx, c, 12345, "x", store.CLI); !errors.Is(err, pingyi.ErrNotFound) {
			t.Errorf("answering a missing objection: %v", err)
		}
	})
}

func TestPublicityWorkingDays(t *testing.T) {
	// Friday 2026-11-20 + 5 working days: Fri, Mon, Tue, Wed, Thu → ends Thu 26th.
	start, end, active := appraisal.Publicity(nil, "2026-11-20", 5, time.Date(2026, 11, 23, 12, 0, 0, 0, time.Local))
	if start != "2026-11-20" || end != "2026-11-26" || !active {
		t.Errorf("publicity %s..%s active=%v; want 2026-11-20..2026-11-26 active", start, end, active)
	}
	if _, _, active := appraisal.Publicity(nil, "2026-11-20", 5, time.Date(2026, 11, 27, 12, 0, 0, 0, time.Local)); active {
		t.Error("publicity still active after its last working day")
	}
	// On the calendar (SPEC §7): from Wednesday 2026-09-30, 国庆 10/1–10/7
	// off and Saturday 10/10 worked: 9/30, 10/8, 10/9, 10/10, 10/12.
	cal := rules.NewCalendar([]rules.CalendarDay{{Date: "2026-10-01", Kind: rules.Holiday}, {Date: "2026-10-02", Kind: rules.Holiday},
		{Date: "2026-10-05", Kind: rules.Holiday}, {Date: "2026-10-06", Kind: rules.Holiday}, {Date: "2026-10-07", Kind: rules.Holiday},
		{Date: "2026-10-10", Kind: rules.Workday}})
	if _, end, _ := appraisal.Publicity(cal, "2026-09-30", 5, time.Date(2026, 10, 9, 12, 0, 0, 0, time.Local)); end != "2026-10-12" {
		t.Errorf("publicity over 国庆 ends %s, want 2026-10-12", end)
	}
}
