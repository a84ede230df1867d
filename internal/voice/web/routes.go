package web

import (
	"github.com/pingyi/pingyi/internal/pingyi"
	shell "github.com/pingyi/pingyi/internal/web"
)

// handlers: roles that handle opinions (read-only inspectors and members
// never change them).
var handlers = []pingyi.Role{pingyi.RoleAdmin, pingyi.RoleOrgAdmin, pingyi.RoleSecretary}

// Routes is the feature's route table; every line is in the authorization
// matrix (authz_test.go).
func (f *Feature) Routes() []shell.Route {
	return []shell.Route{
		// The public: the form and the private tracking link.
		{Pattern: "GET /opinion", Access: shell.Public, Handler: f.publicForm},
		{Pattern: "POST /opinion", Access: shell.Public, Handler: f.publicFile},
		{Pattern: "GET /opinion/t/{token}", Access: shell.Public, Handler: f.track},
		{Pattern: "POST /opinion/t/{token}/rate", Access: shell.Public, Handler: f.trackRate},
		{Pattern: "GET /opinion/board", Access: shell.Public, Handler: f.board},

		// The API of a hotline or 12345 system (bearer tokens).
		{Pattern: "POST /api/v1/opinions", Access: shell.Anonymous, Handler: f.apiFile},
		{Pattern: "GET /api/v1/track/{token}", Access: shell.Anonymous, Handler: f.apiTrack},
		{Pattern: "POST /api/v1/track/{token}/seen", Access: shell.Anonymous, Handler: f.apiSeen},
		{Pattern: "POST /api/v1/track/{token}/rating", Access: shell.Anonymous, Handler: f.apiRating},

		// Staff: the inbox of the viewer's subtree, entry on behalf of
		// someone, an opinion and its actions.
		{Pattern: "GET /inbox", Access: shell.Read(shell.Staff...), Handler: f.inbox},
		{Pattern: "GET /inbox/new", Access: shell.Write(handlers...), Handler: f.staffForm},
		{Pattern: "POST /inbox/new", Access: shell.Write(handlers...), Handler: f.staffFile},
		{Pattern: "GET /inbox/email", Access: shell.Read(shell.Staff...), Handler: f.emailPage},
		{Pattern: "POST /inbox/email", Access: shell.Write(handlers...), Handler: f.emailUpload},
		{Pattern: "GET /inbox/{ref}/files/{n}", Access: shell.Read(shell.Staff...), Handler: f.attachment},
		{Pattern: "GET /inbox/stats", Access: shell.Read(shell.Staff...), Handler: f.stats},
		{Pattern: "GET /inbox/tokens", Access: shell.Read(pingyi.RoleAdmin), Handler: f.tokens},
		{Pattern: "POST /inbox/tokens", Access: shell.Write(pingyi.RoleAdmin), Handler: f.tokenIssue},
		{Pattern: "POST /inbox/tokens/{id}/revoke", Access: shell.Write(pingyi.RoleAdmin), Handler: f.tokenRevoke},
		{Pattern: "GET /inbox/{ref}", Access: shell.Read(shell.Staff...), Handler: f.opinionPage},
		{Pattern: "POST /inbox/{ref}", Access: shell.Write(handlers...), Handler: f.opinionAct},
	}
}
