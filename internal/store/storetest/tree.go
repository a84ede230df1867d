package storetest

import (
	"context"
	"testing"

	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// The test tree every web test (shell and features) runs on:
//
//	D   中共测试区委 (committee)
//	├── T1  中共东湖镇委员会 (committee)
//	│   ├── V1  东湖村党支部 (branch): M1 张建国 (secretary), M2 李秀英
//	│   └── V2  西湖村党支部 (branch, window unit): M3 王德明
//	└── T2  中共南山镇委员会 (committee)
//	    └── V3  南山村党支部 (branch): M4 赵志刚 (secretary), M5 钱玉兰
//
// Accounts (password Password(username)): admin (everything); orgadmin
// (T1); secretary (V1, member M1); member (V1, member M2); inspector (T1);
// orgadmin2 (T2); disabled (T1, disabled).
var TreeOrgs = []store.OrgRow{
	{Line: 2, Code: "D", Name: "中共测试区委", Type: "committee", Domain: "agency"},
	{Line: 3, Code: "T1", Name: "中共东湖镇委员会", Type: "committee", Domain: "rural", ParentCode: "D"},
	{Line: 4, Code: "V1", Name: "东湖村党支部", Type: "branch", Domain: "rural", ParentCode: "T1"},
	{Line: 5, Code: "V2", Name: "西湖村党支部", Type: "branch", Domain: "rural", ParentCode: "T1", WindowUnit: "true"},
	{Line: 6, Code: "T2", Name: "中共南山镇委员会", Type: "committee", Domain: "rural", ParentCode: "D"},
	{Line: 7, Code: "V3", Name: "南山村党支部", Type: "branch", Domain: "rural", ParentCode: "T2"},
}

// Personal data of the tree's members.
var (
	PhoneM1 = "13800001111"
	PhoneM4 = "13900004444"
	IDM1    = WithCheck("33028219700101123")
)

// WithCheck completes an ID number with its check character.
func WithCheck(first17 string) string { return first17 + string(tabular.IDCheckChar(first17)) }

// TreeMembers are the tree's members.
var TreeMembers = []store.MemberRow{
	{Line: 2, Code: "M1", Name: "张建国", OrgCode: "V1", Category: "cadre", IsSecretary: "true", Phone: PhoneM1, IDNumber: IDM1},
	{Line: 3, Code: "M2", Name: "李秀英", OrgCode: "V1", Category: "farming", IsSecretary: "false", Phone: "13800002222"},
	{Line: 4, Code: "M3", Name: "王德明", OrgCode: "V2", Category: "elderly", IsSecretary: "false"},
	{Line: 5, Code: "M4", Name: "赵志刚", OrgCode: "V3", Category: "cadre", IsSecretary: "true", Phone: PhoneM4},
	{Line: 6, Code: "M5", Name: "钱玉兰", OrgCode: "V3", Category: "migrant", IsSecretary: "false"},
}

// CheapHash are argon2 parameters for tests: they log in hundreds of times.
var CheapHash = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Account is an account of the test tree.
type Account struct {
	Username string
	Role     pingyi.Role
	Org      string // org code ("" for none)
	Member   string // member code ("" for none)
	Disabled bool
}

// TreeAccounts are the tree's accounts.
var TreeAccounts = []Account{
	{"admin", pingyi.RoleAdmin, "", "", false},
	{"orgadmin", pingyi.RoleOrgAdmin, "T1", "", false},
	{"secretary", pingyi.RoleSecretary, "V1", "M1", false},
	{"member", pingyi.RoleMember, "V1", "M2", false},
	{"inspector", pingyi.RoleInspector, "T1", "", false},
	{"orgadmin2", pingyi.RoleOrgAdmin, "T2", "", false},
	{"disabled", pingyi.RoleOrgAdmin, "T1", "", true},
}

// Password is a test account's password.
func Password(username string) string { return "password-" + username }

// SeedTree imports the tree, its members and its accounts, and returns the
// accounts by username.
func SeedTree(t testing.TB, st *store.Store) map[string]*pingyi.User {
	t.Helper()
	ctx := context.Background()
	if _, err := st.ImportOrgs(ctx, TreeOrgs, store.CLI); err != nil {
		t.Fatal(err)
	}
	rows := make([]store.MemberRow, len(TreeMembers))
	for i, m := range TreeMembers {
		m.Has = map[string]bool{"phone": true, "id_number": true}
		rows[i] = m
	}
	if _, err := st.ImportMembers(ctx, rows, store.CLI); err != nil {
		t.Fatal(err)
	}
	users := map[string]*pingyi.User{}
	for _, a := range TreeAccounts {
		h, err := auth.HashWith(Password(a.Username), CheapHash)
		if err != nil {
			t.Fatal(err)
		}
		u := &pingyi.User{Username: a.Username, DisplayName: "测试" + a.Username, PasswordHash: h, Role: a.Role, Disabled: a.Disabled}
		if a.Org != "" {
			o, err := st.Org(ctx, a.Org)
			if err != nil {
				t.Fatal(err)
			}
			u.OrgID = o.ID
		}
		if a.Member != "" {
			m, _, err := st.Member(ctx, a.Member)
			if err != nil {
				t.Fatal(err)
			}
			u.MemberID = m.ID
		}
		if err := st.CreateUser(ctx, u, store.CLI); err != nil {
			t.Fatal(err)
		}
		users[a.Username] = u
	}
	return users
}
