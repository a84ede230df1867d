package webtest

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/web"
)

// The authorization matrix: for every route, the status each visitor gets,
// with the route's object inside and outside the visitor's subtree.
//
// Visitors, in column order (Want is indexed by them):
var Visitors = [6]string{"", "admin", "orgadmin", "secretary", "member", "inspector"}

// Column indexes of Want.
const (
	Anon = iota
	Admin
	OrgAdmin
	Secretary
	Member
	Inspector
)

// Want is the status per visitor: anonymous, admin, org_admin, secretary,
// member, inspector.
type Want [6]int

// All is the same status for every visitor.
func All(status int) Want { return Want{status, status, status, status, status, status} }

// Same is the same object for every visitor.
func Same(s string) [6]string { return [6]string{s, s, s, s, s, s} }

// Objects fill a route's path wildcard: per visitor, an object inside
// their subtree and one outside it (empty: no outside case). A route with
// several wildcards takes "A|B": A fills the first, B the next.
type Objects struct{ In, Out [6]string }

// Case is one line of the matrix.
type Case struct {
	Route   string // exactly as in the route table: "GET /orgs/{code}"
	Obj     string // kind of object filling the wildcards ("" for none)
	Query   string // appended to the path
	In, Out Want   // Out: only with an object kind that has an outside case
	Fresh   bool   // log in anew (the route ends the session)
}

// ShellObjects are the object kinds of the shell's routes: org_admin and
// inspector are scoped to T1, the secretary and the member to V1 (the
// member is M2, the secretary M1).
func ShellObjects(f *Fixture) map[string]Objects {
	id := func(username string) string { return strconv.FormatInt(f.Users[username].ID, 10) }
	return map[string]Objects{
		"static": {In: Same("css/app.css")},
		"org":    {In: Same("V1"), Out: Same("V3")},
		"member": {
			In:  [6]string{"M2", "M2", "M3", "M1", "M2", "M1"},
			Out: Same("M5"),
		},
		// accounts: inspector is scoped to T1, orgadmin2 to T2.
		"account": {In: Same(id("inspector")), Out: Same(id("orgadmin2"))},
		// the newest entry of the audit log (the seeding's)
		"audit": {In: Same(strconv.FormatInt(newestAudit(f), 10))},
	}
}

func newestAudit(f *Fixture) int64 {
	es, _, err := f.St.AuditPage(context.Background(), store.AuditFilter{Limit: 1})
	if err != nil || len(es) == 0 {
		f.T.Fatalf("no audit entry to check: %v", err)
	}
	return es[0].ID
}

var wildcard = regexp.MustCompile(`\{[A-Za-z_][^}]*\}`)

// Authz checks the matrix: every route of routes has exactly one line in
// table and every line a route, and each visitor gets the status of its
// line, inside and outside their subtree.
func Authz(t *testing.T, f *Fixture, routes []web.Route, table []Case, objs map[string]Objects) {
	t.Helper()
	cases := map[string]Case{}
	for _, c := range table {
		if _, dup := cases[c.Route]; dup {
			t.Errorf("authorization table: %q twice", c.Route)
		}
		cases[c.Route] = c
	}
	have := map[string]bool{}
	for _, rt := range routes {
		have[rt.Pattern] = true
		if _, ok := cases[rt.Pattern]; !ok {
			t.Errorf("route %q (%s) has no line in the authorization table: add the status each visitor gets", rt.Pattern, rt.Access)
		}
	}
	for r := range cases {
		if !have[r] {
			t.Errorf("the authorization table has %q, which is not a route", r)
		}
	}
	var clients [6]*Client
	for i, v := range Visitors {
		clients[i] = f.As(v)
	}
	for _, c := range table {
		if have[c.Route] {
			checkCase(t, f, c, objs, &clients)
		}
	}
}

func checkCase(t *testing.T, f *Fixture, c Case, objs map[string]Objects, clients *[6]*Client) {
	t.Helper()
	method, pattern, _ := strings.Cut(c.Route, " ")
	hasWild := wildcard.MatchString(pattern)
	o, known := objs[c.Obj]
	switch {
	case hasWild && c.Obj == "":
		t.Errorf("%s: the route takes an object: set Obj", c.Route)
		return
	case c.Obj != "" && !known:
		t.Errorf("%s: unknown object kind %q", c.Route, c.Obj)
		return
	case c.Out != (Want{}) && o.Out[0] == "":
		t.Errorf("%s: objects %q have no outside case", c.Route, c.Obj)
		return
	case c.Out == (Want{}) && c.Obj != "" && o.Out[0] != "":
		t.Errorf("%s: set Out: the statuses with objects outside each visitor's subtree", c.Route)
		return
	}
	type side struct {
		name string
		want Want
		objs [6]string
	}
	sides := []side{{"in", c.In, o.In}}
	if c.Out != (Want{}) {
		sides = append(sides, side{"out", c.Out, o.Out})
	}
	for _, sd := range sides {
		for i, v := range Visitors {
			path := strings.TrimSuffix(pattern, "{$}")
			if hasWild { // "A|B" fills the first wildcard with A, the next with B
				parts, n := strings.Split(sd.objs[i], "|"), 0
				path = wildcard.ReplaceAllStringFunc(path, func(string) string {
					p := parts[min(n, len(parts)-1)]
					n++
					return p
				})
			}
			path += c.Query
			cl := clients[i]
			if c.Fresh {
				cl = f.As(v)
			}
			st, body, _ := cl.Do(method, path, nil, "application/x-www-form-urlencoded")
			if st != sd.want[i] {
				who := v
				if who == "" {
					who = "anonymous"
				}
				t.Errorf("%s (%s) as %s: %s %s = %d, want %d\n%s", c.Route, sd.name, who, method, path, st, sd.want[i], Excerpt(body))
			}
		}
	}
}

// WritesRefuseInspectors checks that an inspector (read only) never
// passes a route that writes, whatever the table says.
func WritesRefuseInspectors(t *testing.T, f *Fixture, routes []web.Route) {
	t.Helper()
	c := f.As("inspector")
	for _, rt := range routes {
		if !rt.Access.Writes() {
			continue
		}
		method, pattern, _ := strings.Cut(rt.Pattern, " ")
		path := wildcard.ReplaceAllString(pattern, "x")
		if st, _, _ := c.Do(method, path, nil, ""); st != http.StatusForbidden {
			t.Errorf("inspector: %s = %d, want 403", rt.Pattern, st)
		}
	}
}
