package web

import (
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// The star import template: Chinese headers (党员编码 and the five stars),
// an example row, 0/1/2 as drop-down lists; uploaded as it is, it imports.
func TestStarImportTemplate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.New(t, db, New)
		c := f.As("orgadmin")
		if st, page := c.Get("/stars/import"); st != 200 || !strings.Contains(page, `href="/stars/import/template"`) {
			t.Fatalf("the import page does not link the template: %d", st)
		}
		st, body, h := c.Do("GET", "/stars/import/template", nil, "")
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
		want := []string{"党员编码", "思想政治星", "遵规守纪星", "文明创建星", "联户服务星", "岗位奉献星"}
		if len(rows) != 2 || strings.Join(rows[0], ",") != strings.Join(want, ",") {
			t.Fatalf("template rows: %q", rows)
		}
		if len(dvs) != len(pingyi.Stars) {
			t.Errorf("drop-down lists: %d, want one a star", len(dvs))
		}
		if st, res := c.Upload("/stars/import", "stars.xlsx", body); st != 200 || !strings.Contains(res, "新增 1") {
			t.Fatalf("the template does not import back: %d\n%s", st, webtest.Excerpt(res))
		}
		rs, err := stars.New(db).Ratings(context.Background(), pingyi.Scope{}, thisYear)
		if err != nil || len(rs) != 1 || rs[0].MemberCode != "M1" {
			t.Errorf("the template's rating: %+v, %v", rs, err)
		}
	})
}
