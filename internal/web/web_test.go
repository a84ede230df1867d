package web

import (
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// The test tree:
//
//	D   中共测试区委 (committee)
//	├── T1  中共东湖镇委员会 (committee)
//	│   ├── V1  东湖村党支部 (branch): M1 张建国 (secretary), M2 李秀英
//	│   └── V2  西湖村党支部 (branch, window unit): M3 王德明
//	└── T2  中共南山镇委员会 (committee)
//	    └── V3  南山村党支部 (branch): M4 赵志刚 (secretary), M5 钱玉兰
//
// Accounts (password "password-<role>"): admin (everything); orgadmin (T1);
// secretary (V1, member M1); member (V1, member M2); inspector (T1);
// orgadmin2 (T2); disabled (T1, disabled).
var testOrgs = []store.OrgRow{
	{Line: 2, Code: "D", Name: "中共测试区委", Type: "committee", Domain: "agency"},
	{Line: 3, Code: "T1", Name: "中共东湖镇委员会", Type: "committee", Domain: "rural", ParentCode: "D"},
	{Line: 4, Code: "V1", Name: "东湖村党支部", Type: "branch", Domain: "rural", ParentCode: "T1"},
	{Line: 5, Code: "V2", Name: "西湖村党支部", Type: "branch", Domain: "rural", ParentCode: "T1", WindowUnit: "true"},
	{Line: 6, Code: "T2", Name: "中共南山镇委员会", Type: "committee", Domain: "rural", ParentCode: "D"},
	{Line: 7, Code: "V3", Name: "南山村党支部", Type: "branch", Domain: "rural", ParentCode: "T2"},
}

var (
	phoneM1 = "13800001111"
	phoneM4 = "13900004444"
	idM1    = withCheck("33028219700101123")
)

func withCheck(first17 string) string { return first17 + string(tabular.IDCheckChar(first17)) }

var testMembers = []store.MemberRow{
	{Line: 2, Code: "M1", Name: "张建国", OrgCode: "V1", Category: "cadre", IsSecretary: "true", Phone: phoneM1, IDNumber: idM1},
	{Line: 3, Code: "M2", Name: "李秀英", OrgCode: "V1", Category: "farming", IsSecretary: "false", Phone: "13800002222"},
	{Line: 4, Code: "M3", Name: "王德明", OrgCode: "V2", Category: "elderly", IsSecretary: "false"},
	{Line: 5, Code: "M4", Name: "赵志刚", OrgCode: "V3", Category: "cadre", IsSecretary: "true", Phone: phoneM4},
	{Line: 6, Code: "M5", Name: "钱玉兰", OrgCode: "V3", Category: "migrant", IsSecretary: "false"},
}

// cheap argon2 parameters: tests log in hundreds of times.
var cheap = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

type testAccount struct {
	username string
	role     pingyi.Role
	org      string
	member   string
	disabled bool
}

var testAccounts = []testAccount{
	{"admin", admin, "", "", false},
	{"orgadmin", orgAdmin, "T1", "", false},
	{"secretary", secretary, "V1", "M1", false},
	{"member", member, "V1", "M2", false},
	{"inspector", inspector, "T1", "", false},
	{"orgadmin2", orgAdmin, "T2", "", false},
	{"disabled", orgAdmin, "T1", "", true},
}

func password(username string) string { return "password-" + username }

// fixture is a seeded database and its web server.
type fixture struct {
	t     *testing.T
	st    *store.Store
	srv   *Server
	ts    *httptest.Server
	users map[string]*pingyi.User
}

func seed(t testing.TB, st *store.Store) map[string]*pingyi.User {
	t.Helper()
	ctx := context.Background()
	if _, err := st.ImportOrgs(ctx, testOrgs, store.CLI); err != nil {
		t.Fatal(err)
	}
	rows := make([]store.MemberRow, len(testMembers))
	for i, m := range testMembers {
		m.Has = map[string]bool{"phone": true, "id_number": true}
		rows[i] = m
	}
	if _, err := st.ImportMembers(ctx, rows, store.CLI); err != nil {
		t.Fatal(err)
	}
	users := map[string]*pingyi.User{}
	for _, a := range testAccounts {
		h, err := auth.HashWith(password(a.username), cheap)
		if err != nil {
			t.Fatal(err)
		}
		u := &pingyi.User{Username: a.username, DisplayName: "测试" + a.username, PasswordHash: h, Role: a.role, Disabled: a.disabled}
		if a.org != "" {
			o, err := st.Org(ctx, a.org)
			if err != nil {
				t.Fatal(err)
			}
			u.OrgID = o.ID
		}
		if a.member != "" {
			m, _, err := st.Member(ctx, a.member)
			if err != nil {
				t.Fatal(err)
			}
			u.MemberID = m.ID
		}
		if err := st.CreateUser(ctx, u, store.CLI); err != nil {
			t.Fatal(err)
		}
		users[a.username] = u
	}
	return users
}

func newFixture(t *testing.T, st *store.Store, opts Options) *fixture {
	t.Helper()
	users := seed(t, st)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := New(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close) // after the HTTP server (cleanups run last first), before the store
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &fixture{t: t, st: st, srv: srv, ts: ts, users: users}
}

// client is a browser without JavaScript: a cookie jar, no redirects
// followed (tests see the 303s).
type client struct {
	f    *fixture
	http *http.Client
	lang string
}

func (f *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// as returns a client logged in as username (anonymous for "").
func (f *fixture) as(username string) *client {
	f.t.Helper()
	c := f.client()
	if username != "" {
		st, body := c.post("/login", url.Values{"username": {username}, "password": {password(username)}})
		if st != http.StatusSeeOther {
			f.t.Fatalf("login as %s: status %d\n%s", username, st, body)
		}
	}
	return c
}

type header struct{ k, v string }

func (c *client) do(method, path string, body io.Reader, ctype string, hs ...header) (int, string, http.Header) {
	c.f.t.Helper()
	req, err := http.NewRequest(method, c.f.ts.URL+path, body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	for _, h := range hs {
		req.Header.Set(h.k, h.v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (c *client) get(path string, hs ...header) (int, string) {
	st, b, _ := c.do("GET", path, nil, "", hs...)
	return st, b
}

func (c *client) post(path string, form url.Values, hs ...header) (int, string) {
	st, b, _ := c.do("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", hs...)
	return st, b
}

func (c *client) upload(path, filename, content string) (int, string) {
	c.f.t.Helper()
	var b strings.Builder
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		c.f.t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.Close()
	st, body, _ := c.do("POST", path, strings.NewReader(b.String()), mw.FormDataContentType())
	return st, body
}
