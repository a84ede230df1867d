package web

import (
	"github.com/pingyi/pingyi/internal/pingyi"
	shell "github.com/pingyi/pingyi/internal/web"
)

// staff are the roles that manage communities (their subtree's).
var staff = []pingyi.Role{pingyi.RoleAdmin, pingyi.RoleOrgAdmin, pingyi.RoleSecretary}

// tableReaders see the semiannual tables of their subtree.
var tableReaders = []pingyi.Role{pingyi.RoleAdmin, pingyi.RoleOrgAdmin, pingyi.RoleSecretary, pingyi.RoleInspector}

// Routes is the feature's route table; every route has a line in the
// authorization matrix (authz_test.go).
func (f *Feature) Routes() []shell.Route {
	return []shell.Route{
		{Pattern: "GET /service", Access: shell.LoggedIn, Handler: f.home},
		{Pattern: "POST /service/register", Access: shell.Write(pingyi.RoleMember), Handler: f.register},
		{Pattern: "GET /service/communities/{code}", Access: shell.LoggedIn, Handler: f.community},
		{Pattern: "POST /service/communities/{code}/needs", Access: shell.Write(staff...), Handler: f.publish},
		{Pattern: "POST /service/needs/{code}/claim", Access: shell.Write(pingyi.RoleMember), Handler: f.memberStep},
		{Pattern: "POST /service/needs/{code}/cancel", Access: shell.Write(pingyi.RoleMember), Handler: f.memberStep},
		{Pattern: "POST /service/needs/{code}/complete", Access: shell.Write(pingyi.RoleMember), Handler: f.memberStep},
		{Pattern: "POST /service/needs/{code}/confirm", Access: shell.Write(staff...), Handler: f.confirm},
		{Pattern: "GET /wall/{code}", Access: shell.PublicNoSession, Handler: f.wall},
		{Pattern: "GET /service/orgs/{code}/tables", Access: shell.Read(tableReaders...), Handler: f.tables},
		{Pattern: "GET /service/orgs/{code}/tables.xlsx", Access: shell.Read(tableReaders...), Handler: f.tablesXLSX},
	}
}
