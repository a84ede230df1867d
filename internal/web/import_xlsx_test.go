package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

func xlsxOf(t *testing.T, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// An XLSX member file from an org admin goes through the spool: the scope
// check and both passes of the import read it, a row outside the subtree
// refuses the file, the good file is imported (a phone stored as a number
// read in plain digits).
func TestImportMembersXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		c := f.as("orgadmin")
		head := []any{"code", "name", "org_code", "category", "is_secretary", "phone"}
		st, body := c.upload("/import/members", "members.xlsx", xlsxOf(t, [][]any{head,
			{"M9", "孙国庆", "V2", "farming", false, 13800138000},
			{"M8", "周红", "V3", "cadre", "false", ""}}))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "组织代码 V3 不在您的管理范围内") {
			t.Fatalf("outside row: %d\n%s", st, excerpt(body))
		}
		if _, _, err := f.st.Member(context.Background(), "M9"); err == nil {
			t.Fatal("a refused file imported M9")
		}
		st, body = c.upload("/import/members", "members.xlsx", xlsxOf(t, [][]any{head,
			{"M9", "孙国庆", "V2", "farming", false, 13800138000}}))
		if st != http.StatusOK || !strings.Contains(body, "导入完成：新建 1") {
			t.Fatalf("good file: %d\n%s", st, excerpt(body))
		}
		m, _, err := f.st.Member(context.Background(), "M9")
		if err != nil || m.Phone != "13800138000" {
			t.Fatalf("M9 = %+v, %v", m, err)
		}
	})
}

// The import templates: Chinese headers, an example row, drop-down lists
// of the allowed labels; downloaded and uploaded as they are, they import.
func TestImportTemplates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		admin := f.as("admin")
		for _, kind := range []string{"orgs", "members"} {
			st, body, h := admin.do("GET", "/import/template/"+kind, nil, "")
			if st != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("%s template: %d %v", kind, st, h)
			}
			x, err := excelize.OpenReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			sheet := x.GetSheetName(0)
			rows, _ := x.GetRows(sheet)
			dvs, _ := x.GetDataValidations(sheet)
			x.Close()
			if len(rows) != 2 || rows[0][0] != "编码" {
				t.Errorf("%s template rows: %q", kind, rows)
			}
			lists := 0
			for _, dv := range dvs {
				if strings.Contains(dv.Formula1, "党支部") || strings.Contains(dv.Formula1, "在村务农及无职党员") {
					lists++
				}
			}
			if lists == 0 {
				t.Errorf("%s template: no drop-down list of labels: %+v", kind, dvs)
			}
			if st, res := admin.upload("/import/"+kind, kind+".xlsx", body); st != 200 || !strings.Contains(res, "导入完成：新建 1") {
				t.Errorf("the %s template does not import back: %d\n%s", kind, st, excerpt(res))
			}
		}
		if _, err := db.Org(context.Background(), "V9"); err != nil {
			t.Errorf("the template's org: %v", err)
		}
		if st, _ := f.as("orgadmin").get("/import/template/orgs"); st != 404 {
			t.Errorf("an org admin gets the orgs template: %d", st)
		}
	})
}
