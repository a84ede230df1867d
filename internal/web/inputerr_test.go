package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// Refused files and forms are explained in the user's language: the
// store's English messages go through the catalog of internal/i18n, the
// columns are named too.
func TestRefusedInputTranslated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		orgs, members := len(testOrgs), len(testMembers)
		orgHeader := "code,name,type,domain,parent_code,window_unit\n"
		badOrgs := orgHeader + "V9,北山村党支部,branch,rural,T9,\nV8,,brunch,rural,T2,maybe\n"
		row := func(line, column, message string) string {
			return `<td class="num">` + line + `</td><td>` + column + `</td><td>` + message + `</td>`
		}
		run(t, f, []scenario{
			{name: "a bad org file in Chinese", as: "admin", path: "/import/orgs", file: &upload{"orgs.csv", badOrgs}, status: 422,
				has: []string{
					row("2", "上级组织代码 <code>parent_code</code>", "上级组织“T9”在文件和数据库中均不存在。"),
					row("3", "名称 <code>name</code>", "名称不能为空。"),
					row("3", "类型 <code>type</code>", "未知的组织类型“brunch”（应为 committee、general_branch 或 branch）。"),
					row("3", "窗口单位 <code>window_unit</code>", "“maybe”不是 true 或 false（可填 true/false、1/0、yes/no 或 是/否）。"),
				},
				hasNot: []string{"unknown type", "exists neither"},
				after:  unchanged(orgs, members)},
			{name: "a bad header in Chinese", as: "admin", path: "/import/orgs",
				file: &upload{"orgs.csv", "code,name,type,,domain,colour\nV9,北山村党支部,branch,,rural,red\n"}, status: 422,
				has: []string{
					row("1", "第 4 列 <code>#4</code>", "第 4 列没有列名。"),
					row("1", "<code>colour</code>", "未知的列（应为：code, name, type, domain, parent_code, window_unit）。"),
					row("1", "上级组织代码 <code>parent_code</code>", "缺少此列。"),
				},
				after: unchanged(orgs, members)},
			{name: "a bad member file in Chinese", as: "admin", path: "/import/members",
				file:   &upload{"members.csv", "code,name,org_code,category,is_secretary,phone\nM9,孙国庆,V1,farmer,false,12345\n"},
				status: 422,
				has: []string{
					row("2", "类别 <code>category</code>", "未知的党员类别“farmer”（应为 cadre、farming、elderly、migrant 或 in_service）。"),
					row("2", "手机 <code>phone</code>", "“12345”不是有效的手机号码。"),
				},
				after: unchanged(orgs, members)},
		})

		// The same file in English, after the language switch.
		c := f.as("admin")
		if st, _, _ := c.do("GET", "/locale?lang=en&next=/import", nil, ""); st != http.StatusSeeOther {
			t.Fatalf("language switch: %d", st)
		}
		st, body := c.upload("/import/orgs", "orgs.csv", badOrgs)
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("English upload: status %d", st)
		}
		for _, s := range []string{
			row("2", "Parent org code <code>parent_code</code>", "The parent &#34;T9&#34; exists neither in the file nor in the database."),
			row("3", "Type <code>type</code>", "Unknown org type &#34;brunch&#34; (committee, general_branch or branch)."),
		} {
			if !strings.Contains(body, s) {
				t.Errorf("English page lacks %q\n%s", s, excerpt(body))
			}
		}
		if strings.Contains(body, "未知的组织类型") {
			t.Error("English page has the Chinese message")
		}
	})
}
