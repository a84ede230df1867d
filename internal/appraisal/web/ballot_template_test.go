package web

import (
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The paper ballots template: Chinese headers, an example row naming a
// real target of the campaign, the categories, types and the campaign's
// ratings as drop-down lists; uploaded as it is, it imports one ballot.
func TestBallotTemplate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		mkCampaign(t, f, "TPL1", "T1", nil)
		admin := f.as("orgadmin")
		if _, page := admin.get("/campaigns/TPL1/ballots"); !strings.Contains(page, `href="/campaigns/TPL1/ballots/template"`) {
			t.Fatal("the ballots page does not link the template")
		}
		st, body, h := admin.do("GET", "/campaigns/TPL1/ballots/template", nil, "")
		if st != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("template: %d %v", st, h)
		}
		x, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := x.GetSheetName(0)
		rows, _ := x.GetRows(sheet)
		dvs, _ := x.GetDataValidations(sheet)
		x.Close()
		if len(rows) != 2 || strings.Join(rows[0], ",") != "票号,评议人类别,对象类型,对象编码,评价" || rows[1][3] == "" {
			t.Fatalf("template rows: %q", rows)
		}
		var ratings string
		for _, dv := range dvs {
			if strings.Contains(dv.Formula1, "满意") {
				ratings = dv.Formula1
			}
		}
		if !strings.Contains(ratings, "基本满意") || strings.Contains(ratings, "比较满意") { // a three-level campaign
			t.Errorf("ratings offered: %q", ratings)
		}
		if st, res := admin.upload("/campaigns/TPL1/ballots", "ballots.xlsx", body); st != 200 || !strings.Contains(res, "导入完成：1 张选票，1 项评价") {
			t.Fatalf("the template does not import back: %d\n%s", st, excerpt(res))
		}
	})
}
