package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

func TestUserAdd(t *testing.T) {
	for _, db := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storetest.SQLiteDSN}, {"postgres", storetest.PostgresDSN}} {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			st, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := context.Background()
			st.ImportOrgs(ctx, []store.OrgRow{
				{Line: 2, Code: "D", Name: "区委", Type: "committee", Domain: "agency"},
				{Line: 3, Code: "T1", Name: "镇党委", Type: "committee", Domain: "rural", ParentCode: "D"},
				{Line: 4, Code: "V1", Name: "村支部", Type: "branch", Domain: "rural", ParentCode: "T1"},
				{Line: 5, Code: "V2", Name: "另一村支部", Type: "branch", Domain: "rural", ParentCode: "D"},
			}, store.CLI)
			if _, err := st.ImportMembers(ctx, []store.MemberRow{{Line: 2, Code: "M1", Name: "张三", OrgCode: "V1", Category: "cadre", IsSecretary: "true"}}, store.CLI); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) (int, string, string) {
				var out, errb bytes.Buffer
				st := Main(append([]string{"--db", dsn, "user"}, args...), nil, &out, &errb)
				return st, out.String(), errb.String()
			}
			for _, c := range []struct {
				args []string
				want int
				msg  string
			}{
				{[]string{"add", "--username", "x"}, ExitUsage, "--role"},
				{[]string{"add", "--username", "x", "--role", "king"}, ExitUsage, "unknown role"},
				{[]string{"add", "--username", "x", "--role", "org_admin"}, ExitUsage, "--org"},
				{[]string{"add", "--username", "x", "--role", "secretary", "--org", "V1"}, ExitUsage, "--member"},
				{[]string{"add", "--username", "x", "--role", "admin", "--org", "D"}, ExitUsage, "admin"},
				{[]string{"add", "--username", "x", "--role", "admin", "--password", "short"}, ExitUsage, "8"},
				{[]string{"add", "--username", "x", "--role", "org_admin", "--org", "NOPE"}, ExitRefused, "NOPE"},
				{[]string{"add", "--username", "x", "--role", "secretary", "--member", "M1", "--org", "V2"}, ExitRefused, "not in the subtree"},
			} {
				st, _, errs := run(c.args...)
				if st != c.want || !strings.Contains(errs, c.msg) {
					t.Errorf("user %s: %d %q, want %d with %q", strings.Join(c.args, " "), st, errs, c.want, c.msg)
				}
			}
			if n, _ := st.CountUsers(ctx); n != 0 {
				t.Fatalf("%d accounts after refusals", n)
			}

			// A generated password is printed and works.
			code, out, errs := run("add", "--username", "town", "--role", "org_admin", "--org", "T1")
			pw := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out)
			if code != ExitOK || pw == nil {
				t.Fatalf("add: %d %q %q", code, out, errs)
			}
			u, err := st.User(ctx, "town")
			if err != nil || u.Role != pingyi.RoleOrgAdmin || !auth.Verify(u.PasswordHash, pw[1]) || u.OrgPath == "" {
				t.Fatalf("town: %+v %v", u, err)
			}
			// A secretary defaults to their branch and name.
			if code, out, errs := run("add", "--username", "zhang", "--role", "secretary", "--member", "M1", "--password", "secret-pass"); code != ExitOK || strings.Contains(out, "password:") {
				t.Fatalf("add secretary: %d %q %q", code, out, errs)
			}
			u, _ = st.User(ctx, "zhang")
			if o, _ := st.OrgByID(ctx, u.OrgID); o.Code != "V1" || u.DisplayName != "张三" || !auth.Verify(u.PasswordHash, "secret-pass") {
				t.Errorf("zhang: org %s, name %q", o.Code, u.DisplayName)
			}
			if code, _, errs := run("add", "--username", "zhang", "--role", "admin"); code != ExitRefused || !strings.Contains(errs, "taken") {
				t.Errorf("duplicate: %d %q", code, errs)
			}
			// Audited as the CLI.
			es, _ := st.AuditLog(ctx, "user", "zhang", 10)
			if len(es) != 1 || es[0].Username != "cli" || strings.Contains(es[0].After, "argon2") {
				t.Errorf("audit: %+v", es)
			}

			// user password
			code, out, _ = run("password", "--username", "zhang")
			pw = regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out)
			if code != ExitOK || pw == nil {
				t.Fatalf("password: %d %q", code, out)
			}
			u, _ = st.User(ctx, "zhang")
			if !auth.Verify(u.PasswordHash, pw[1]) || auth.Verify(u.PasswordHash, "secret-pass") {
				t.Error("password not changed")
			}
			if code, _, _ := run("password", "--username", "nobody"); code != ExitRefused {
				t.Errorf("password of nobody: %d", code)
			}
		})
	}
}
