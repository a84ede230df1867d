package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/demo"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// smallDemo is a demo district small enough for tests.
func smallDemo(t *testing.T) {
	s := demo.District
	s.Towns, s.Streets, s.Villages, s.Communities = 3, 1, 6, 2
	s.Agencies, s.StateEnterprises = 1, 1
	s.AgenciesPerTown, s.EnterprisesPerTown, s.NewEconomicPerTown, s.NewSocialPerTown = 0, 0, 0, 0
	s.VillageSize, s.CommunitySize, s.OtherSize = demo.Range{Min: 3, Max: 6}, demo.Range{Min: 3, Max: 6}, demo.Range{Min: 3, Max: 5}
	old := demoScale
	demoScale = s
	t.Cleanup(func() { demoScale = old })
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var loginLine = regexp.MustCompile(`(?m)^\s+(\w+) / (\S+)$`)

func logins(out string) map[string]string {
	m := map[string]string{}
	for _, l := range loginLine.FindAllStringSubmatch(out, -1) {
		m[l[1]] = l[2]
	}
	return m
}

func TestSeedDemo(t *testing.T) {
	smallDemo(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var out bytes.Buffer
		ls, err := seedDemo(ctx, st, &out, "http://localhost:8080")
		if err != nil {
			t.Fatal(err)
		}
		orgs, members, _ := st.Counts(ctx, pingyi.Scope{})
		if orgs < 10 || members < 20 {
			t.Fatalf("demo seeded %d orgs, %d members", orgs, members)
		}
		got := map[string]string{}
		for _, l := range ls {
			got[l.Username] = l.Password
		}
		roles := map[string]pingyi.Role{"admin": pingyi.RoleAdmin, "town_admin": pingyi.RoleOrgAdmin,
			"secretary": pingyi.RoleSecretary, "inspector": pingyi.RoleInspector, "member": pingyi.RoleMember}
		for name, role := range roles {
			u, err := st.User(ctx, name)
			if err != nil {
				t.Fatalf("no demo account %s: %v", name, err)
			}
			if u.Role != role || !auth.Verify(u.PasswordHash, got[name]) {
				t.Errorf("%s: role %s, printed password verifies: %v", name, u.Role, auth.Verify(u.PasswordHash, got[name]))
			}
		}
		sec, _ := st.User(ctx, "secretary")
		m, _, err := st.MemberByID(ctx, sec.MemberID)
		if err != nil || !m.IsSecretary {
			t.Errorf("the secretary account is not a secretary: %+v %v", m, err)
		}
		if o, _ := st.OrgByID(ctx, sec.OrgID); o == nil || o.Domain != pingyi.DomainRural || o.Type != pingyi.OrgBranch {
			t.Errorf("the secretary's org is not a village branch: %+v", o)
		}

		// Again: nothing imported, passwords reset.
		out.Reset()
		ls2, err := seedDemo(ctx, st, &out, "http://localhost:8080")
		if err != nil {
			t.Fatal(err)
		}
		if o2, m2, _ := st.Counts(ctx, pingyi.Scope{}); o2 != orgs || m2 != members {
			t.Errorf("second run changed the tree: %d/%d → %d/%d", orgs, members, o2, m2)
		}
		if !strings.Contains(out.String(), "already has orgs") || len(ls2) != 6 { // five accounts and the double report's in-service member
			t.Errorf("second run: %d logins\n%s", len(ls2), out.String())
		}
		u, _ := st.User(ctx, "admin")
		if !auth.Verify(u.PasswordHash, ls2[0].Password) || auth.Verify(u.PasswordHash, got["admin"]) {
			t.Error("the admin password was not reset")
		}
	})
}

func TestSeedDemoOnExistingTree(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	if _, err := st.ImportOrgs(ctx, []store.OrgRow{{Line: 2, Code: "X", Name: "中共某县委", Type: "committee", Domain: "agency"}}, store.CLI); err != nil {
		t.Fatal(err)
	}
	ls, err := seedDemo(ctx, st, io.Discard, "http://localhost:8080")
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 || ls[0].Username != "admin" {
		t.Fatalf("on a real tree only the admin login is printed, got %+v", ls)
	}
	if n, _ := st.CountUsers(ctx); n != 1 {
		t.Errorf("%d accounts created on a real tree", n)
	}
}

// TestServeDemo runs `pingyi serve --demo` on a free port, logs in with
// the printed admin password, and stops it with SIGINT sent to the test
// process itself (caught by Main's signal context: keep this test, and any
// test running Main, out of t.Parallel).
func TestServeDemo(t *testing.T) {
	smallDemo(t)
	dsn := storetest.SQLiteDSN(t)
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"--db", dsn, "serve", "--demo", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &stdout, &stderr)
	}()
	open := regexp.MustCompile(`open (http://localhost:\d+)`)
	var base string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && base == ""; time.Sleep(50 * time.Millisecond) {
		if m := open.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
		select {
		case st := <-done:
			t.Fatalf("serve exited with %d\n%s\n%s", st, stdout.String(), stderr.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("no URL printed\n%s\n%s", stdout.String(), stderr.String())
	}
	out := stdout.String()
	pw := logins(out)
	for _, name := range []string{"admin", "town_admin", "secretary", "inspector", "member"} {
		if pw[name] == "" {
			t.Errorf("no login printed for %s:\n%s", name, out)
		}
	}
	for _, s := range []string{"管理员", "演示账号", base + "/b/"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q (the links start with the address serve listens on):\n%s", s, out)
		}
	}
	if !strings.HasSuffix(base, ":8080") && strings.Contains(out, "localhost:8080") {
		t.Errorf("a link points at port 8080, not where serve listens:\n%s", out)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {"admin"}, "password": {pw["admin"]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "count-orgs") {
		t.Fatalf("login with the printed password: %d\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(stderr.String(), `route="POST /login"`) {
		t.Errorf("requests are not logged:\n%s", stderr.String())
	}
	if strings.Contains(stderr.String(), pw["admin"]) {
		t.Error("the password was logged")
	}

	// SIGINT: graceful shutdown, exit 0.
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case st := <-done:
		if st != ExitOK {
			t.Fatalf("serve exited with %d after SIGINT\n%s", st, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("no shutdown log:\n%s", stderr.String())
	}
	u, _ := url.Parse(base)
	if conn, err := net.DialTimeout("tcp", "127.0.0.1:"+u.Port(), time.Second); err == nil {
		conn.Close()
		t.Error("still listening after shutdown")
	}
}

func TestServeUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if st := Main([]string{"serve", "extra"}, nil, &out, &errb); st != ExitUsage {
		t.Errorf("serve with an argument: %d", st)
	}
	if st := Main([]string{"serve", "--nope"}, nil, &out, &errb); st != ExitUsage {
		t.Errorf("serve with an unknown flag: %d", st)
	}
}

func TestOpenURL(t *testing.T) {
	for _, c := range []struct{ base, addr, want string }{
		{"", "[::]:8080", "http://localhost:8080"},
		{"", "0.0.0.0:8080", "http://localhost:8080"},
		{"", "127.0.0.1:9000", "http://localhost:9000"},
		{"", "10.1.2.3:8080", "http://10.1.2.3:8080"},
		{"https://pingyi.example.cn", "[::]:8080", "https://pingyi.example.cn"},
	} {
		a, _ := net.ResolveTCPAddr("tcp", c.addr)
		if got := openURL(c.base, a); got != c.want {
			t.Errorf("openURL(%q, %s) = %s, want %s", c.base, c.addr, got, c.want)
		}
	}
}
