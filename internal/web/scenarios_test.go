package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/testclient"
)

// scenario is one request through the real handler on a real database,
// as one visitor (pocketbase style): the status, what the body must and
// must not contain, and what the database must hold afterwards.
type scenario struct {
	name    string
	as      string // username; "" anonymous
	method  string // default GET
	path    string
	form    url.Values
	file    *upload // a multipart upload instead of form
	headers []header
	status  int
	has     []string
	hasNot  []string
	after   func(t *testing.T, f *fixture) // checks on the database
}

type upload struct{ name, content string }

func run(t *testing.T, f *fixture, scs []scenario) {
	t.Helper()
	tcs := make([]testclient.Scenario[*fixture], len(scs))
	for i, sc := range scs {
		tcs[i] = testclient.Scenario[*fixture]{Name: sc.name, As: sc.as, Method: sc.method, Path: sc.path, Form: sc.form,
			Headers: flat(sc.headers), Status: sc.status, Has: sc.has, HasNot: sc.hasNot, After: sc.after}
		if sc.file != nil {
			tcs[i].File = &testclient.Upload{Name: sc.file.name, Content: sc.file.content}
		}
	}
	testclient.Run(t, f, func(u string) *testclient.Client { return f.as(u).Client }, tcs)
}

var htmx = header{"HX-Request", "true"}

func countOrgs(t *testing.T, st *store.Store) int {
	n, _, err := st.Counts(context.Background(), pingyi.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func countMembers(t *testing.T, st *store.Store) int {
	_, n, err := st.Counts(context.Background(), pingyi.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func unchanged(orgs, members int) func(t *testing.T, f *fixture) {
	return func(t *testing.T, f *fixture) {
		if o, m := countOrgs(t, f.st), countMembers(t, f.st); o != orgs || m != members {
			t.Errorf("database changed: %d orgs and %d members, want %d and %d", o, m, orgs, members)
		}
	}
}

func TestScenarios(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		run(t, f, []scenario{
			// Login and logout
			{name: "login page", path: "/login", status: 200, has: []string{"登录评议系统", `name="password"`, `lang="zh-CN"`}},
			{name: "anonymous home goes to login", path: "/", status: 303},
			{name: "wrong password", method: "POST", path: "/login", form: url.Values{"username": {"admin"}, "password": {"nope-nope"}},
				status: 401, has: []string{"用户名或密码错误"}},
			{name: "unknown user", method: "POST", path: "/login", form: url.Values{"username": {"nobody"}, "password": {"password-nobody"}},
				status: 401, has: []string{"用户名或密码错误"}},
			{name: "disabled account", method: "POST", path: "/login", form: url.Values{"username": {"disabled"}, "password": {password("disabled")}},
				status: 401, has: []string{"用户名或密码错误"}},
			{name: "dashboard", as: "orgadmin", path: "/", status: 200,
				has:    []string{"测试orgadmin", "中共东湖镇委员会", `id="count-orgs">3<`, `id="count-members">3<`, "退出登录", `href="/accounts"`},
				hasNot: []string{`href="/audit"`}},
			{name: "member dashboard", as: "member", path: "/", status: 200,
				has: []string{`href="/members/M2"`, "我的信息"}, hasNot: []string{"count-orgs", `href="/orgs"`}},

			// The tree
			{name: "tree from the admin's root", as: "admin", path: "/orgs", status: 200,
				has: []string{"中共测试区委", `hx-get="/orgs/D/children"`, "党员 5", `href="/orgs/D"`}},
			{name: "tree from the org admin's root", as: "orgadmin", path: "/orgs", status: 200,
				has: []string{"中共东湖镇委员会", "党员 3"}, hasNot: []string{"中共测试区委", "南山"}},
			{name: "expand a node", as: "orgadmin", path: "/orgs/T1/children", headers: []header{htmx}, status: 200,
				has: []string{"东湖村党支部", "西湖村党支部", "党员 2", "党员 1"}, hasNot: []string{"<html", "南山"}},
			{name: "expand outside the subtree", as: "orgadmin", path: "/orgs/T2/children", headers: []header{htmx}, status: 404},

			// Search
			{name: "search by name", as: "orgadmin", path: "/orgs?q=" + url.QueryEscape("湖村"), status: 200,
				has: []string{"东湖村党支部", "西湖村党支部", "中共东湖镇委员会", "找到 2 个组织"}, hasNot: []string{"中共测试区委"}},
			{name: "search shows the trail", as: "admin", path: "/orgs?q=" + url.QueryEscape("南山村"), status: 200,
				has: []string{"南山村党支部", `<li>中共测试区委</li><li>中共南山镇委员会</li>`}},
			{name: "search by code", as: "admin", path: "/orgs?q=v3", status: 200, has: []string{"南山村党支部"}},
			{name: "search outside the subtree", as: "orgadmin2", path: "/orgs?q=" + url.QueryEscape("东湖"), status: 200,
				has: []string{"没有匹配的组织"}, hasNot: []string{"东湖村"}},
			{name: "search as you type (fragment)", as: "admin", path: "/orgs?q=" + url.QueryEscape("西湖"),
				headers: []header{htmx, {"HX-Target", "org-results"}}, status: 200,
				has: []string{"西湖村党支部"}, hasNot: []string{"<html", "东湖村党支部"}},

			// The org page: phones for those who manage the org only
			{name: "org page as its secretary", as: "secretary", path: "/orgs/V1", status: 200,
				has: []string{"东湖村党支部", "张建国", phoneM1, "村两委成员及其他村干部", "本级 2 人"}},
			{name: "org page as admin", as: "admin", path: "/orgs/V1", status: 200, has: []string{phoneM1, `<a href="/orgs/T1">`}},
			{name: "org page as inspector", as: "inspector", path: "/orgs/V1", status: 200,
				has: []string{"138****1111", "联系电话已隐藏"}, hasNot: []string{phoneM1}},
			{name: "org page as another subtree's admin", as: "orgadmin2", path: "/orgs/V1", status: 404, hasNot: []string{"东湖村"}},
			{name: "org page of a window unit", as: "orgadmin", path: "/orgs/V2", status: 200, has: []string{"<dd>是</dd>"}},
			{name: "unknown org", as: "admin", path: "/orgs/NOPE", status: 404, has: []string{"页面不存在"}},

			// The member page
			{name: "member page as the branch secretary", as: "secretary", path: "/members/M1", status: 200,
				has: []string{"张建国", phoneM1, idM1}},
			{name: "member page as the org admin", as: "orgadmin", path: "/members/M1", status: 200, has: []string{phoneM1}},
			{name: "member page as inspector", as: "inspector", path: "/members/M1", status: 200,
				has: []string{"138****1111", idM1[:6] + "********" + idM1[14:], "个人信息已隐藏"}, hasNot: []string{phoneM1, idM1}},
			{name: "member page as another subtree's admin", as: "orgadmin2", path: "/members/M1", status: 404, hasNot: []string{"张建国"}},
			{name: "member sees themself", as: "member", path: "/members/M2", status: 200,
				has: []string{"李秀英", "13800002222"}, hasNot: []string{`href="/orgs/V1"`}},
			{name: "member does not see others", as: "member", path: "/members/M1", status: 404, hasNot: []string{"张建国"}},

			// Locale
			{name: "Accept-Language en", path: "/login", headers: []header{{"Accept-Language", "en-US,en;q=0.9"}}, status: 200,
				has: []string{"Log in to Pingyi", `lang="en"`}},
			{name: "unsupported language falls back to zh-CN", path: "/login", headers: []header{{"Accept-Language", "fr-FR"}}, status: 200,
				has: []string{"登录评议系统"}},
			{name: "bad locale", path: "/locale?lang=xx", status: 400},

			// Health and 404
			{name: "healthz", path: "/healthz", status: 200, has: []string{"ok"}},
			{name: "unknown path", as: "admin", path: "/nope", status: 404, has: []string{"页面不存在", "测试admin"}},
		})
	})
}

func TestLocaleSwitch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		c := f.as("orgadmin")
		if _, body := c.get("/orgs"); !strings.Contains(body, ">组织<") || !strings.Contains(body, `href="/locale?lang=en&amp;next=%2forgs"`) {
			t.Fatalf("no Chinese page with a switch to English:\n%s", body)
		}
		st, _, h := c.do("GET", "/locale?lang=en&next=/orgs", nil, "")
		if st != http.StatusSeeOther || h.Get("Location") != "/orgs" {
			t.Fatalf("switch: %d to %q", st, h.Get("Location"))
		}
		_, body := c.get("/orgs")
		for _, s := range []string{`lang="en"`, "Organizations", "Members: 3", "Log out"} {
			if !strings.Contains(body, s) {
				t.Errorf("English page lacks %q", s)
			}
		}
		// The account keeps the choice: a new session is English too.
		if _, body := f.as("orgadmin").get("/"); !strings.Contains(body, "Dashboard") {
			t.Error("the account's language was not kept")
		}
		// After logging out, the cookie keeps it for the login page.
		c.post("/logout", nil)
		if _, body := c.get("/login"); !strings.Contains(body, "Log in to Pingyi") {
			t.Error("the login page after logout is not in English")
		}
		// POST works too, and next must be local.
		st, _, h = c.do("POST", "/locale", strings.NewReader("lang=zh-CN&next=//evil.example/"), "application/x-www-form-urlencoded")
		if st != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Fatalf("POST switch: %d to %q, want / (next must be local)", st, h.Get("Location"))
		}
		if _, body := c.get("/login"); !strings.Contains(body, "登录评议系统") {
			t.Error("not back in Chinese")
		}
	})
}

func TestLoginLogout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		c := f.client()
		// The session cookie: HttpOnly, SameSite=Lax, renewed on login.
		c.get("/login")
		st, _, h := c.do("POST", "/login", strings.NewReader("username=secretary&password=password-secretary&next=/orgs/V1"), "application/x-www-form-urlencoded")
		if st != http.StatusSeeOther || h.Get("Location") != "/orgs/V1" {
			t.Fatalf("login: %d to %q", st, h.Get("Location"))
		}
		ck := h.Get("Set-Cookie")
		if !strings.Contains(ck, "pingyi_session=") || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") || strings.Contains(ck, "Secure") {
			t.Errorf("session cookie %q: want HttpOnly, SameSite=Lax, not Secure by default", ck)
		}
		if st, _ := c.get("/orgs/V1"); st != 200 {
			t.Fatalf("after login: %d", st)
		}
		// An open redirect is refused.
		c2 := f.client()
		_, _, h = c2.do("POST", "/login", strings.NewReader("username=secretary&password=password-secretary&next=//evil.example"), "application/x-www-form-urlencoded")
		if h.Get("Location") != "/" {
			t.Errorf("login redirects to %q", h.Get("Location"))
		}
		// Logout ends the session on the server.
		if st, _ := c.post("/logout", nil); st != http.StatusSeeOther {
			t.Fatalf("logout: %d", st)
		}
		if st, _ := c.get("/orgs/V1"); st != http.StatusSeeOther {
			t.Fatalf("after logout: %d, want 303 to the login page", st)
		}
		// A disabled account loses its session at once.
		c3 := f.as("orgadmin")
		u := *f.users["orgadmin"]
		u.Disabled, u.PasswordHash = true, ""
		if err := db.UpdateUser(context.Background(), &u, store.CLI); err != nil {
			t.Fatal(err)
		}
		if st, _ := c3.get("/"); st != http.StatusSeeOther {
			t.Fatalf("disabled account still in: %d", st)
		}
		// htmx requests of an expired session are told where to go.
		st, _, h = f.client().do("GET", "/orgs/T1/children", nil, "", htmx)
		if st != http.StatusUnauthorized || !strings.HasPrefix(h.Get("HX-Redirect"), "/login") {
			t.Errorf("htmx without session: %d, HX-Redirect %q", st, h.Get("HX-Redirect"))
		}
	})
}

func TestSecureCookies(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), Options{SecureCookies: true})
	_, _, h := f.client().do("POST", "/login", strings.NewReader("username=admin&password=password-admin"), "application/x-www-form-urlencoded")
	if ck := h.Get("Set-Cookie"); !strings.Contains(ck, "Secure") {
		t.Errorf("cookie %q not Secure", ck)
	}
}

func TestLoginRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{ClientIPHeader: "X-Real-IP"})
		from := func(ip string) header { return header{"X-Real-IP", ip} }
		c := f.client()
		bad := url.Values{"username": {"orgadmin"}, "password": {"wrong-password"}}
		for i := range 5 {
			if st, _ := c.post("/login", bad, from("10.0.0.1")); st != http.StatusUnauthorized {
				t.Fatalf("failure %d: status %d", i+1, st)
			}
		}
		// Slowed now at that address, even with the right password: 30 s.
		st, body, h := c.do("POST", "/login", strings.NewReader("username=orgadmin&password="+password("orgadmin")),
			"application/x-www-form-urlencoded", from("10.0.0.1"))
		if st != http.StatusTooManyRequests || !strings.Contains(body, "登录失败次数过多，请 30 秒后再试") || h.Get("Retry-After") != "30" {
			t.Fatalf("6th attempt: %d %q\n%s", st, h.Get("Retry-After"), excerpt(body))
		}
		// In English too.
		c.Lang = "en"
		if _, body := c.post("/login", bad, from("10.0.0.1")); !strings.Contains(body, "Please try again in 30 seconds") {
			t.Errorf("429 not translated:\n%s", excerpt(body))
		}
		// The rest of the office behind the same address is not held back.
		if st, _ := f.client().post("/login", url.Values{"username": {"secretary"}, "password": {password("secretary")}}, from("10.0.0.1")); st != http.StatusSeeOther {
			t.Errorf("another user from the same address: %d, want 303", st)
		}
		// Wrong passwords typed at admin from 30 addresses do not lock out
		// the administrator at the address it logged in from before.
		if st, _ := f.client().post("/login", url.Values{"username": {"admin"}, "password": {password("admin")}}, from("10.0.0.7")); st != http.StatusSeeOther {
			t.Fatalf("admin's first login: %d", st)
		}
		for i := range 30 {
			f.client().post("/login", url.Values{"username": {"admin"}, "password": {"guess"}}, from("198.51.100."+strconv.Itoa(i+1)))
		}
		if st, _ := f.client().post("/login", url.Values{"username": {"admin"}, "password": {password("admin")}}, from("10.0.0.7")); st != http.StatusSeeOther {
			t.Errorf("admin at its own address after a distributed guess: %d, want 303", st)
		}
		// A guess from yet another address right after is spaced out.
		if st, _ := f.client().post("/login", url.Values{"username": {"admin"}, "password": {"guess"}}, from("203.0.113.1")); st != http.StatusTooManyRequests {
			t.Errorf("a fresh address guessing admin at once: %d, want 429", st)
		}

		// The administrator sees the failures on the account and lifts the limit.
		adminC := f.client()
		if st, _ := adminC.post("/login", url.Values{"username": {"admin"}, "password": {password("admin")}}, from("10.0.0.7")); st != http.StatusSeeOther {
			t.Fatalf("admin login: %d", st)
		}
		id := strconv.FormatInt(f.users["orgadmin"].ID, 10)
		if _, page := adminC.get("/accounts/" + id); !strings.Contains(page, "登录失败 5 次") || !strings.Contains(page, "/accounts/"+id+"/unlock") {
			t.Errorf("account page lacks the failures and the unlock button:\n%s", excerpt(page))
		}
		if st, _ := adminC.post("/accounts/"+id+"/unlock", nil); st != http.StatusSeeOther {
			t.Fatalf("unlock: %d", st)
		}
		if st, _ := f.client().post("/login", url.Values{"username": {"orgadmin"}, "password": {password("orgadmin")}}, from("10.0.0.1")); st != http.StatusSeeOther {
			t.Errorf("after unlock: %d, want 303", st)
		}
		if log, err := db.AuditLog(context.Background(), "user", id, 10); err != nil || len(log) == 0 || log[0].Action != "unlock" {
			t.Errorf("unlock not audited: %v %+v", err, log)
		}
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), Options{})
	c := f.as("admin")
	form := url.Values{"username": {"evil"}, "role": {"admin"}, "password": {"password-evil"}}
	st, _ := c.post("/accounts/new", form, header{"Origin", "http://evil.example"}, header{"Sec-Fetch-Site", "cross-site"})
	if st != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", st)
	}
	if _, err := f.st.User(context.Background(), "evil"); err == nil {
		t.Fatal("a cross-site POST created an account")
	}
	// The same POST from the page itself passes.
	st, _ = c.post("/accounts/new", form, header{"Origin", f.ts.URL}, header{"Sec-Fetch-Site", "same-origin"})
	if st != http.StatusSeeOther {
		t.Fatalf("same-origin POST: %d", st)
	}
}
