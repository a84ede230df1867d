package web

import (
	"context"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

func TestImportScenarios(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		orgs, members := len(testOrgs), len(testMembers)
		orgHeader := "code,name,type,domain,parent_code,window_unit\n"
		memberHeader := "code,name,org_code,category,is_secretary\n"
		exists := func(code string) func(t *testing.T, f *fixture) {
			return func(t *testing.T, f *fixture) {
				if _, _, err := f.st.Member(context.Background(), code); err != nil {
					if _, err := f.st.Org(context.Background(), code); err != nil {
						t.Errorf("%s was not imported", code)
					}
				}
			}
		}
		run(t, f, []scenario{
			{name: "import page as admin", as: "admin", path: "/import", status: 200, has: []string{`action="/import/orgs"`, `action="/import/members"`}},
			{name: "import page as org admin: members only", as: "orgadmin", path: "/import", status: 200,
				has: []string{`action="/import/members"`}, hasNot: []string{`action="/import/orgs"`}},

			// Bad files: every line and column listed, nothing changed.
			{name: "bad org file", as: "admin", path: "/import/orgs",
				file:   &upload{"orgs.csv", orgHeader + "V9,北山村党支部,branch,rural,T9,\nV8,,brunch,rural,T2,maybe\n"},
				status: 422,
				has: []string{"文件未导入，没有任何修改", "<td class=\"num\">2</td><td>上级组织代码 <code>parent_code</code></td>",
					"<td class=\"num\">3</td><td>名称 <code>name</code></td>", "<td class=\"num\">3</td><td>类型 <code>type</code></td>",
					"<td class=\"num\">3</td><td>窗口单位 <code>window_unit</code></td>"},
				after: unchanged(orgs, members)},
			{name: "org file with a bad header", as: "admin", path: "/import/orgs",
				file:   &upload{"orgs.csv", "code,name,type\nV9,北山村党支部,branch\n"},
				status: 422, has: []string{"<code>domain</code>", "<code>parent_code</code>"}, after: unchanged(orgs, members)},
			{name: "unreadable file", as: "admin", path: "/import/orgs", file: &upload{"orgs.txt", "hello"},
				status: 400, has: []string{"无法读取此文件"}, after: unchanged(orgs, members)},
			{name: "bad member file", as: "admin", path: "/import/members",
				file:   &upload{"members.csv", memberHeader + "M9,孙国庆,V1,farmer,false\nM8,周红,NOPE,cadre,false\n"},
				status: 422, has: []string{"<code>category</code>", "<code>org_code</code>"}, after: unchanged(orgs, members)},
			{name: "org admin's file naming an org outside the subtree", as: "orgadmin", path: "/import/members",
				file:   &upload{"members.csv", memberHeader + "M9,孙国庆,V1,farming,false\nM8,周红,V3,cadre,false\nM7,吴敏,ZZZ,cadre,false\n"},
				status: 422,
				has: []string{"<td class=\"num\">3</td><td>所属组织代码 <code>org_code</code></td><td>组织代码 V3 不在您的管理范围内。",
					"<td class=\"num\">4</td><td>所属组织代码 <code>org_code</code></td><td>组织代码 ZZZ 不在您的管理范围内。"},
				hasNot: []string{"<td class=\"num\">2</td>"},
				after:  unchanged(orgs, members)},
			{name: "org admin's file moving a member in from outside", as: "orgadmin", path: "/import/members",
				file:   &upload{"members.csv", memberHeader + "M4,赵志刚,V1,cadre,false\n"},
				status: 422, has: []string{"<td class=\"num\">2</td><td>代码 <code>code</code></td>"},
				after: func(t *testing.T, f *fixture) {
					unchanged(orgs, members)(t, f)
					if m, _, _ := f.st.Member(context.Background(), "M4"); m.OrgCode != "V3" {
						t.Errorf("M4 moved to %s", m.OrgCode)
					}
				}},
			{name: "org admin cannot import orgs", as: "orgadmin", path: "/import/orgs", file: &upload{"orgs.csv", orgHeader + "V9,北山村党支部,branch,rural,T1,\n"},
				status: 403, after: unchanged(orgs, members)},

			// Good files.
			{name: "good org file", as: "admin", path: "/import/orgs",
				file:   &upload{"orgs.csv", "\ufeff" + orgHeader + "V9,北山村党支部,branch,rural,T2,false\nV1,东湖村党支部,branch,rural,T1,\n"},
				status: 200, has: []string{"导入完成：新建 1，更新 0，未变 1。"}, after: exists("V9")},
			{name: "good member file from the org admin", as: "orgadmin", path: "/import/members",
				file:   &upload{"members.csv", memberHeader + "M9,孙国庆,V2,farming,false\n"},
				status: 200, has: []string{"导入完成：新建 1"}, after: exists("M9")},
			{name: "the import is audited with the user", as: "admin", path: "/audit?entity=member", status: 200,
				has: []string{"orgadmin", "导入", "党员", "members.csv", "<b>created</b>: <ins>1</ins>"}},
		})
	})
}

func TestAccountScenarios(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		form := func(kv ...string) map[string][]string {
			m := map[string][]string{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i]] = []string{kv[i+1]}
			}
			return m
		}
		noUser := func(name string) func(t *testing.T, f *fixture) {
			return func(t *testing.T, f *fixture) {
				if _, err := f.st.User(context.Background(), name); err == nil {
					t.Errorf("account %s was created", name)
				}
			}
		}
		id := func(name string) string { return itoa(int(f.users[name].ID)) }
		run(t, f, []scenario{
			{name: "admin lists all", as: "admin", path: "/accounts", status: 200, has: []string{"orgadmin2", "inspector", "系统管理员"}},
			{name: "org admin lists their subtree", as: "orgadmin", path: "/accounts", status: 200,
				has: []string{"inspector", "secretary"}, hasNot: []string{"orgadmin2", ">admin<"}},
			{name: "org admin cannot create an admin", as: "orgadmin", method: "POST", path: "/accounts/new",
				form:   form("username", "boss", "role", "admin", "password", "password-boss"),
				status: 422, has: []string{"不能设置此角色"}, after: noUser("boss")},
			{name: "org admin cannot scope outside", as: "orgadmin", method: "POST", path: "/accounts/new",
				form:   form("username", "spy", "role", "inspector", "org", "T2", "password", "password-spy"),
				status: 422, has: []string{"您的管理范围内没有此组织代码"}, after: noUser("spy")},
			{name: "secretary needs a member", as: "orgadmin", method: "POST", path: "/accounts/new",
				form:   form("username", "sec2", "role", "secretary", "org", "V2", "password", "password-sec2"),
				status: 422, has: []string{"须填写党员编号"}, after: noUser("sec2")},
			{name: "member outside the account's scope", as: "orgadmin", method: "POST", path: "/accounts/new",
				form:   form("username", "sec2", "role", "secretary", "org", "V2", "member", "M1", "password", "password-sec2"),
				status: 422, has: []string{"该党员不在此管理范围内"}, after: noUser("sec2")},
			{name: "short password", as: "orgadmin", method: "POST", path: "/accounts/new",
				form:   form("username", "sec2", "role", "secretary", "member", "M3", "password", "short"),
				status: 422, has: []string{"密码至少 8 个字符"}, after: noUser("sec2")},
			{name: "taken username", as: "admin", method: "POST", path: "/accounts/new",
				form:   form("username", "inspector", "role", "inspector", "org", "T2", "password", "password-x1"),
				status: 422, has: []string{"用户名已被使用"}},
			{name: "org admin creates a secretary", as: "orgadmin", method: "POST", path: "/accounts/new",
				form:   form("username", "sec2", "display_name", "王书记", "role", "secretary", "member", "M3", "password", "password-sec2"),
				status: 303,
				after: func(t *testing.T, f *fixture) {
					u, err := f.st.User(context.Background(), "sec2")
					if err != nil {
						t.Fatal(err)
					}
					if o, _ := f.st.OrgByID(context.Background(), u.OrgID); o == nil || o.Code != "V2" || u.MemberID == 0 {
						t.Errorf("sec2 scoped to %v, member %d; want V2 (M3's branch)", o, u.MemberID)
					}
				}},
			{name: "the new secretary logs in", as: "sec2", path: "/orgs/V2", status: 200, has: []string{"王德明"}},
			{name: "edit form", as: "orgadmin", path: "/accounts/" + id("inspector"), status: 200,
				has: []string{`value="T1"`, `value="inspector" selected`}, hasNot: []string{`value="admin"`}},
			{name: "org admin disables the inspector", as: "orgadmin", method: "POST", path: "/accounts/" + id("inspector"),
				form:   form("display_name", "督查", "role", "inspector", "org", "T1", "disabled", "1"),
				status: 303,
				after: func(t *testing.T, f *fixture) {
					u, _ := f.st.User(context.Background(), "inspector")
					if !u.Disabled || u.DisplayName != "督查" || u.PasswordHash != f.users["inspector"].PasswordHash {
						t.Errorf("inspector: disabled %v, name %q, password kept %v", u.Disabled, u.DisplayName, u.PasswordHash == f.users["inspector"].PasswordHash)
					}
				}},
			{name: "nobody locks themself out", as: "orgadmin", method: "POST", path: "/accounts/" + id("orgadmin"),
				form:   form("role", "org_admin", "org", "T1", "disabled", "1"),
				status: 422, has: []string{"不能停用自己的账号"}},
			{name: "org admin cannot edit outside", as: "orgadmin", method: "POST", path: "/accounts/" + id("orgadmin2"),
				form: form("role", "org_admin", "org", "T1"), status: 404},
			{name: "org admin cannot edit the admin", as: "orgadmin", path: "/accounts/" + id("admin"), status: 404},
			{name: "changes are audited", as: "admin", path: "/audit?entity=user", status: 200,
				has: []string{"sec2", "orgadmin", "新建", "修改", "账号", "<b>disabled</b>: <del>false</del> → <ins>true</ins>"}, hasNot: []string{"argon2id"}},
		})
	})
}
