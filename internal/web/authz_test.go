package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The authorization matrix: for EVERY route of Routes(), the status each
// visitor gets, with the route's object inside and outside the visitor's
// subtree. A route without a line here fails the test, so a new route
// needs one: add it next to the others of its page.
//
// The visitors, in column order (want is indexed by them):
var visitors = [6]string{"", "admin", "orgadmin", "secretary", "member", "inspector"}

const (
	anon = iota
	vAdmin
	vOrgAdmin
	vSecretary
	vMember
	vInspector
)

// want is the status per visitor: anonymous, admin, org_admin, secretary,
// member, inspector.
type want [6]int

func all(status int) want { return want{status, status, status, status, status, status} }

// objects are what fills a route's path wildcard: per visitor, an object
// inside their subtree and one outside it (empty: no outside case). A route
// with several wildcards takes "A|B": A fills the first, B the next. Add a
// kind for a new kind of object (campaign, …) in authzObjects.
type objects struct{ in, out [6]string }

// authzObjects gives, per kind, the objects of the test tree (see
// web_test.go): org_admin and inspector are scoped to T1, the secretary
// and the member to V1 (the member is M2, the secretary M1).
func authzObjects(f *fixture) map[string]objects {
	id := func(username string) string { return strconv.FormatInt(f.users[username].ID, 10) }
	same := func(s string) [6]string { return [6]string{s, s, s, s, s, s} }
	return map[string]objects{
		"static": {in: same("css/app.css")},
		"org":    {in: same("V1"), out: same("V3")},
		"member": {
			in:  [6]string{"M2", "M2", "M3", "M1", "M2", "M1"},
			out: same("M5"),
		},
		// accounts: inspector is scoped to T1, orgadmin2 to T2.
		"account": {in: same(id("inspector")), out: same(id("orgadmin2"))},
	}
}

type authzCase struct {
	route   string // exactly as in Routes()
	obj     string // kind of object filling the wildcard ("" for none)
	query   string // appended to the path
	in, out want   // out: only with an object that has an outside case
	fresh   bool   // log in anew (the route ends the session)
}

// authzTable is the shell's lines plus each area's (authz_AREA_test.go).
var authzTable = append(append(shellAuthz, campaignAuthz...), starAuthz...)

var shellAuthz = []authzCase{
	// Shell
	{route: "GET /static/{path...}", obj: "static", in: all(200)},
	{route: "GET /healthz", in: all(200)},
	{route: "GET /login", in: want{200, 303, 303, 303, 303, 303}},
	{route: "POST /login", in: all(422)}, // empty form
	{route: "POST /logout", in: all(303), fresh: true},
	{route: "GET /locale", query: "?lang=zh-CN", in: all(303)},
	{route: "POST /locale", query: "?lang=zh-CN", in: all(303)},
	{route: "GET /{$}", in: want{303, 200, 200, 200, 200, 200}},

	// Orgs and members
	{route: "GET /orgs", in: want{303, 200, 200, 200, 403, 200}},
	{route: "GET /orgs/{code}", obj: "org", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	{route: "GET /orgs/{code}/children", obj: "org", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	{route: "GET /members/{code}", obj: "member", in: want{303, 200, 200, 200, 200, 200}, out: want{303, 200, 404, 404, 404, 404}},

	// Accounts (POSTs with an empty form: refused with 422 once let in)
	{route: "GET /accounts", in: want{303, 200, 200, 403, 403, 403}},
	{route: "GET /accounts/new", in: want{303, 200, 200, 403, 403, 403}},
	{route: "POST /accounts/new", in: want{303, 422, 422, 403, 403, 403}},
	{route: "GET /accounts/{id}", obj: "account", in: want{303, 200, 200, 403, 403, 403}, out: want{303, 200, 404, 403, 403, 403}},
	{route: "POST /accounts/{id}", obj: "account", in: want{303, 422, 422, 403, 403, 403}, out: want{303, 422, 404, 403, 403, 403}},

	// Audit log
	{route: "GET /audit", in: want{303, 200, 403, 403, 403, 403}},

	// Import (POSTs without a file: 400 once let in)
	{route: "GET /import", in: want{303, 200, 200, 403, 403, 403}},
	{route: "POST /import/orgs", in: want{303, 400, 403, 403, 403, 403}},
	{route: "POST /import/members", in: want{303, 400, 400, 403, 403, 403}},
}

var wildcard = regexp.MustCompile(`\{[A-Za-z_][^}]*\}`)

func TestAuthorizationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, Options{})
		objs := authzObjects(f)
		for k, v := range campaignObjects(f) {
			objs[k] = v
		}
		for k, v := range starObjects(f) {
			objs[k] = v
		}

		// Every route has a line, and every line a route.
		cases := map[string]authzCase{}
		for _, c := range authzTable {
			if _, dup := cases[c.route]; dup {
				t.Errorf("authzTable: %q twice", c.route)
			}
			cases[c.route] = c
		}
		routes := map[string]bool{}
		for _, rt := range f.srv.Routes() {
			routes[rt.Pattern] = true
			if _, ok := cases[rt.Pattern]; !ok {
				t.Errorf("route %q (%s) has no line in authzTable (authz_test.go): add the status each visitor gets", rt.Pattern, rt.Access)
			}
		}
		for r := range cases {
			if !routes[r] {
				t.Errorf("authzTable has %q, which is not a route", r)
			}
		}

		clients := [6]*client{}
		for i, v := range visitors {
			clients[i] = f.as(v)
		}
		for _, c := range authzTable {
			if !routes[c.route] {
				continue
			}
			method, pattern, _ := strings.Cut(c.route, " ")
			hasWild := wildcard.MatchString(pattern)
			o, known := objs[c.obj]
			switch {
			case hasWild && c.obj == "":
				t.Errorf("%s: the route takes an object: set obj", c.route)
				continue
			case c.obj != "" && !known:
				t.Errorf("%s: unknown object kind %q (add it to authzObjects)", c.route, c.obj)
				continue
			case c.out != (want{}) && o.out[0] == "":
				t.Errorf("%s: objects %q have no outside case", c.route, c.obj)
				continue
			case c.out == (want{}) && c.obj != "" && o.out[0] != "":
				t.Errorf("%s: set out: the statuses with objects outside each visitor's subtree", c.route)
				continue
			}
			sides := []struct {
				name string
				want want
				objs [6]string
			}{{"in", c.in, o.in}}
			if c.out != (want{}) {
				sides = append(sides, struct {
					name string
					want want
					objs [6]string
				}{"out", c.out, o.out})
			}
			for _, side := range sides {
				for i, v := range visitors {
					path := strings.TrimSuffix(pattern, "{$}")
					if hasWild { // "A|B" fills the first wildcard with A, the next with B
						parts, n := strings.Split(side.objs[i], "|"), 0
						path = wildcard.ReplaceAllStringFunc(path, func(string) string {
							p := parts[min(n, len(parts)-1)]
							n++
							return p
						})
					}
					path += c.query
					cl := clients[i]
					if c.fresh {
						cl = f.as(v)
					}
					st, body, _ := cl.do(method, path, nil, "application/x-www-form-urlencoded")
					if st != side.want[i] {
						who := v
						if who == "" {
							who = "anonymous"
						}
						t.Errorf("%s (%s) as %s: %s %s = %d, want %d\n%s", c.route, side.name, who, method, path, st, side.want[i], excerpt(body))
					}
				}
			}
		}
	})
}

// TestWriteRoutesRefuseInspectors: whatever the table says, an inspector
// (read only) never passes a route that writes.
func TestWriteRoutesRefuseInspectors(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), Options{})
	c := f.as("inspector")
	for _, rt := range f.srv.Routes() {
		if !rt.Access.Writes() {
			continue
		}
		method, pattern, _ := strings.Cut(rt.Pattern, " ")
		path := wildcard.ReplaceAllString(pattern, "x")
		if st, _, _ := c.do(method, path, nil, ""); st != http.StatusForbidden {
			t.Errorf("inspector: %s = %d, want 403", rt.Pattern, st)
		}
	}
}

func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 600 {
		body = body[:600] + "…"
	}
	return fmt.Sprint(body)
}
