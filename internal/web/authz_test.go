package web_test

import (
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// The authorization matrix of the shell: for EVERY route of Routes(), the
// status each visitor
// gets, with the route's object inside and outside the visitor's subtree
// (webtest.Authz runs it). A route without a line here fails the test, so
// a new route needs one: add it next to the others of its page. Columns:
// anonymous, admin, org_admin (T1), secretary (V1), member (V1), inspector
// (T1).

// The features' lines are in their own authz_test.go (webtest.Authz).
var shellAuthz = []webtest.Case{
	// Shell
	{Route: "GET /static/{path...}", Obj: "static", In: webtest.All(200)},
	{Route: "GET /healthz", In: webtest.All(200)},
	{Route: "GET /api/v1/openapi.json", In: webtest.All(200)},
	{Route: "GET /login", In: webtest.Want{200, 303, 303, 303, 303, 303}},
	{Route: "POST /login", In: webtest.All(422)}, // empty form
	{Route: "POST /logout", In: webtest.All(303), Fresh: true},
	{Route: "GET /locale", Query: "?lang=zh-CN", In: webtest.All(303)},
	{Route: "POST /locale", Query: "?lang=zh-CN", In: webtest.All(303)},
	{Route: "GET /{$}", In: webtest.Want{303, 200, 200, 200, 200, 200}},

	// Orgs and members
	{Route: "GET /orgs", In: webtest.Want{303, 200, 200, 200, 403, 200}},
	{Route: "GET /orgs/{code}", Obj: "org", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "GET /orgs/{code}/children", Obj: "org", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "GET /members/{code}", Obj: "member", In: webtest.Want{303, 200, 200, 200, 200, 200}, Out: webtest.Want{303, 200, 404, 404, 404, 404}},

	// Accounts (POSTs with an empty form: refused with 422 once let in)
	{Route: "GET /accounts", In: webtest.Want{303, 200, 200, 403, 403, 403}},
	{Route: "GET /accounts/new", In: webtest.Want{303, 200, 200, 403, 403, 403}},
	{Route: "POST /accounts/new", In: webtest.Want{303, 422, 422, 403, 403, 403}},
	{Route: "GET /accounts/{id}", Obj: "account", In: webtest.Want{303, 200, 200, 403, 403, 403}, Out: webtest.Want{303, 200, 404, 403, 403, 403}},
	{Route: "POST /accounts/{id}", Obj: "account", In: webtest.Want{303, 422, 422, 403, 403, 403}, Out: webtest.Want{303, 422, 404, 403, 403, 403}},
	{Route: "POST /accounts/{id}/unlock", Obj: "account", In: webtest.Want{303, 303, 303, 403, 403, 403}, Out: webtest.Want{303, 303, 404, 403, 403, 403}},

	// Audit log
	{Route: "GET /audit", In: webtest.Want{303, 200, 403, 403, 403, 403}},
	{Route: "GET /audit/{id}", Obj: "audit", In: webtest.Want{303, 200, 403, 403, 403, 403}},

	// Import (POSTs without a file: 400 once let in)
	{Route: "GET /import", In: webtest.Want{303, 200, 200, 403, 403, 403}},
	{Route: "GET /import/template/{kind}", Obj: "import_kind", In: webtest.Want{303, 200, 200, 403, 403, 403}},
	{Route: "POST /import/orgs", In: webtest.Want{303, 400, 403, 403, 403, 403}},
	{Route: "POST /import/members", In: webtest.Want{303, 400, 400, 403, 403, 403}},

	// Working-day calendar (POSTs with an empty form: 422; the import without a file: 400)
	{Route: "GET /calendar", In: webtest.Want{303, 200, 200, 200, 403, 200}},
	{Route: "POST /calendar", In: webtest.Want{303, 422, 403, 403, 403, 403}},
	{Route: "POST /calendar/import", In: webtest.Want{303, 400, 403, 403, 403, 403}},
}

func TestAuthorizationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := webtest.New(t, st)
		objs := webtest.ShellObjects(f)
		objs["import_kind"] = webtest.Objects{In: webtest.Same("members")}
		webtest.Authz(t, f, f.Srv.Routes(), shellAuthz, objs)
	})
}

// TestWriteRoutesRefuseInspectors: whatever the table says, an inspector
// (read only) never passes a route that writes.
func TestWriteRoutesRefuseInspectors(t *testing.T) {
	f := webtest.New(t, storetest.SQLite(t))
	webtest.WritesRefuseInspectors(t, f, f.Srv.Routes())
}
