package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The dashboard lists the appraisal's tasks (Feature.Tasks) in the
// viewer's subtree, with their count and a link, the overdue first.
func TestDashboardTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		ctx := context.Background()
		past := func(h int) string { return time.Now().Add(time.Duration(-h) * time.Hour).UTC().Format(time.RFC3339) }
		if _, b := f.as("orgadmin").get("/"); !strings.Contains(b, "眼下没有待办的事项") || !strings.Contains(b, "测评活动") {
			t.Errorf("empty dashboard:\n%s", excerpt(b))
		}
		open := &pingyi.Campaign{Code: "OPEN", Name: "无期限测评", ScopeCode: "T1", Kind: pingyi.KindMass}
		closed := &pingyi.Campaign{Code: "PUB", Name: "公示中的测评", ScopeCode: "T1", Kind: pingyi.KindMass, Opens: past(48), Closes: past(24)}
		for _, c := range []*pingyi.Campaign{open, closed} {
			if err := appraisal.New(db).CreateCampaign(ctx, c, store.CLI); err != nil {
				t.Fatal(err)
			}
		}
		if err := appraisal.New(db).StartPublicity(ctx, closed, store.CLI); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := appraisal.New(db).FileObjection(ctx, closed, 0, "结果有异议", ""); err != nil {
				t.Fatal(err)
			}
		}
		v1, err := db.Org(ctx, "V1")
		if err != nil {
			t.Fatal(err)
		}
		yesterday := time.Now().AddDate(0, 0, -1).Format("2006-01-02")
		if err := appraisal.New(db).SaveRectification(ctx, &appraisal.Rectification{CampaignID: closed.ID, OrgID: v1.ID, Problem: "台账不全", Deadline: yesterday}, store.CLI); err != nil {
			t.Fatal(err)
		}
		_, b := f.as("orgadmin").get("/")
		for _, want := range []string{"2 条对测评结果的异议待答复", "1 项整改已过期限未完成", "1 个测评活动进行中但未设结束时间", `href="/campaigns"`} {
			if !strings.Contains(b, want) {
				t.Errorf("dashboard lacks %q\n%s", want, excerpt(b))
			}
		}
		if i, j := strings.Index(b, "整改已过期限"), strings.Index(b, "异议待答复"); i < 0 || j < 0 || i > j {
			t.Error("the overdue task is not first")
		}
		// Outside the subtree: nothing of T1's.
		if _, b := f.as("orgadmin2").get("/"); strings.Contains(b, "异议待答复") || !strings.Contains(b, "眼下没有待办的事项") {
			t.Errorf("T2's dashboard shows T1's tasks:\n%s", excerpt(b))
		}
		c := f.as("admin")
		c.Lang = "en"
		if _, b := c.get("/"); !strings.Contains(b, "2 objections to results waiting for an answer") {
			t.Errorf("English tasks:\n%s", excerpt(b))
		}
	})
}
