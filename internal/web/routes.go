package web

import (
	"slices"

	"github.com/pingyi/pingyi/internal/openapi"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Role shorthands for the route table.
const (
	admin     = pingyi.RoleAdmin
	orgAdmin  = pingyi.RoleOrgAdmin
	secretary = pingyi.RoleSecretary
	member    = pingyi.RoleMember
	inspector = pingyi.RoleInspector
)

// Staff are the roles that work on the org tree (everyone but members,
// whose accounts are self-service).
var Staff = []pingyi.Role{admin, orgAdmin, secretary, inspector}

// routes is THE route table: every route of the web UI, declared once.
//
// Adding a page: one line here (method and pattern, access rule, handler)
// plus one handler file, plus a line in the authorization matrix of
// authz_test.go (the test fails for a route without one).
//
// Access rules (see access.go):
//
//	Public           anyone, with a session (login page, locale switch)
//	PublicNoSession  anyone, no session at all (static files, health, APIs)
//	Anonymous        PublicNoSession, for the public's anonymous inputs: logged by day only
//	LoggedIn         any account
//	Read(roles…)     these roles, reading
//	Write(roles…)    these roles, changing data: inspectors never pass
//
// The rule is about roles only. Handlers then check the object they touch
// against the viewer's subtree with pingyi.Scope — Contains to read it,
// Manages to see personal data or change it — and answer 404 for an object
// outside the subtree, exactly as for one that does not exist, so that
// nobody learns what lies outside their subtree. 403 is only for a role the
// route is not for (and an inspector on a write route).
func (s *Server) routes() []Route {
	r := []Route{
		{"GET /static/{path...}", PublicNoSession, s.static.serve},
		{"GET /healthz", PublicNoSession, s.healthz},
		{openapi.Pattern, Anonymous, openapi.Serve}, // an API client's first request: it would date the ballot it sends next
		{"GET /login", Public, s.loginPage},
		{"POST /login", Public, s.login},
		{"POST /logout", LoggedIn, s.logout},
		{"GET /locale", Public, s.setLocale},
		{"POST /locale", Public, s.setLocale},

		{"GET /{$}", LoggedIn, s.dashboard},
		{"GET /orgs", Read(Staff...), s.orgTree},
		{"GET /orgs/{code}", Read(Staff...), s.orgPage},
		{"GET /orgs/{code}/children", Read(Staff...), s.orgChildren},
		{"GET /members/{code}", Read(admin, orgAdmin, secretary, member, inspector), s.memberPage},

		{"GET /accounts", Read(admin, orgAdmin), s.accounts},
		{"GET /accounts/new", Write(admin, orgAdmin), s.accountNew},
		{"POST /accounts/new", Write(admin, orgAdmin), s.accountCreate},
		{"GET /accounts/{id}", Read(admin, orgAdmin), s.accountEdit},
		{"POST /accounts/{id}", Write(admin, orgAdmin), s.accountUpdate},
		{"POST /accounts/{id}/unlock", Write(admin, orgAdmin), s.accountUnlock},

		{"GET /audit", Read(admin), s.auditLog},
		{"GET /audit/{id}", Read(admin), s.auditEntryPage},

		{"GET /import", Write(admin, orgAdmin), s.importPage},
		{"GET /import/template/{kind}", Write(admin, orgAdmin), s.importTemplate},
		{"POST /import/orgs", Write(admin), s.importOrgs},
		{"POST /import/members", Write(admin, orgAdmin), s.importMembers},

		{"GET /calendar", Read(Staff...), s.calendarPage},
		{"POST /calendar", Write(admin), s.calendarSet},
		{"POST /calendar/import", Write(admin), s.calendarImport},
	}
	return r
}

// The main navigation: an item shows when its route lets the user in. The
// features' items (Feature.Nav) come between navHead and navTail.
var (
	navHead = []NavItem{
		{Key: "nav.orgs", Href: "/orgs", Pattern: "GET /orgs"},
	}
	navTail = []NavItem{
		{Key: "nav.import", Href: "/import", Pattern: "GET /import"},
		{Key: "nav.accounts", Href: "/accounts", Pattern: "GET /accounts"},
		{Key: "nav.audit", Href: "/audit", Pattern: "GET /audit"},
		{Key: "calendar.nav", Href: "/calendar", Pattern: "GET /calendar"},
	}
)

func (s *Server) navItems() []NavItem {
	return slices.Concat(navHead, s.featureNav, navTail)
}
