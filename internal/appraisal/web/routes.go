package web

import (
	"github.com/pingyi/pingyi/internal/appraisal/api"
	"github.com/pingyi/pingyi/internal/pingyi"
	shell "github.com/pingyi/pingyi/internal/web"
)

// Role shorthands for the route table.
const (
	admin     = pingyi.RoleAdmin
	orgAdmin  = pingyi.RoleOrgAdmin
	secretary = pingyi.RoleSecretary
	member    = pingyi.RoleMember
	inspector = pingyi.RoleInspector
)

// Routes are the routes of mass appraisal campaigns (群众评议):
// campaigns, codes, the phone ballot page, results, publicity,
// rectification. Who may see and change what inside a campaign is
// explained in campaign_helpers.go; the statuses are pinned in
// authz_test.go.
func (s *Feature) Routes() []shell.Route {
	r := []shell.Route{
		// Campaigns and their phases
		{Pattern: "GET /campaigns", Access: shell.Read(admin, orgAdmin, secretary, member, inspector), Handler: s.campaignList},
		{Pattern: "GET /campaigns/new", Access: shell.Write(admin, orgAdmin), Handler: s.campaignNew},
		{Pattern: "POST /campaigns/new", Access: shell.Write(admin, orgAdmin), Handler: s.campaignCreate},
		{Pattern: "GET /campaigns/{code}", Access: shell.Read(shell.Staff...), Handler: s.campaignPage},
		{Pattern: "GET /campaigns/{code}/edit", Access: shell.Write(admin, orgAdmin), Handler: s.campaignEdit},
		{Pattern: "POST /campaigns/{code}/edit", Access: shell.Write(admin, orgAdmin), Handler: s.campaignUpdate},
		{Pattern: "POST /campaigns/{code}/phase", Access: shell.Write(admin, orgAdmin), Handler: s.campaignPhase},
		{Pattern: "POST /campaigns/{code}/notices", Access: shell.Write(admin, orgAdmin), Handler: s.campaignNotice},
		{Pattern: "GET /campaigns/{code}/criteria", Access: shell.Read(shell.Staff...), Handler: s.campaignCriteria},
		{Pattern: "POST /campaigns/{code}/criteria", Access: shell.Write(admin, orgAdmin), Handler: s.campaignCriteriaSave},
		{Pattern: "GET /campaigns/{code}/coverage", Access: shell.Read(shell.Staff...), Handler: s.campaignCoverage},
		{Pattern: "GET /campaigns/{code}/wipe", Access: shell.Write(admin, orgAdmin), Handler: s.campaignWipeConfirm},
		{Pattern: "POST /campaigns/{code}/wipe", Access: shell.Write(admin, orgAdmin), Handler: s.campaignWipe},

		// Evaluation units: self-check, meeting, members' summaries, window code
		{Pattern: "GET /campaigns/{code}/units/{org}", Access: shell.Read(shell.Staff...), Handler: s.campaignUnit},
		{Pattern: "POST /campaigns/{code}/units/{org}/selfcheck", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.campaignSelfCheck},
		{Pattern: "POST /campaigns/{code}/units/{org}/meeting", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.campaignMeeting},
		{Pattern: "POST /campaigns/{code}/units/{org}/summaries", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.campaignSummaries},
		{Pattern: "GET /campaigns/{code}/units/{org}/window.png", Access: shell.Read(admin, orgAdmin, secretary), Handler: s.windowQR},
		{Pattern: "GET /campaigns/{code}/summary", Access: shell.Read(member, secretary), Handler: s.campaignMySummary},
		{Pattern: "POST /campaigns/{code}/summary", Access: shell.Write(member, secretary), Handler: s.campaignMySummarySave},

		// One-time codes and paper ballots
		{Pattern: "GET /campaigns/{code}/codes", Access: shell.Read(shell.Staff...), Handler: s.campaignCodes},
		{Pattern: "POST /campaigns/{code}/codes", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.campaignIssueCodes},
		{Pattern: "GET /campaigns/{code}/ballots", Access: shell.Write(admin, orgAdmin), Handler: s.ballotImportPage},
		{Pattern: "POST /campaigns/{code}/ballots", Access: shell.Write(admin, orgAdmin), Handler: s.ballotImport},
		{Pattern: "GET /campaigns/{code}/ballots/template", Access: shell.Write(admin, orgAdmin), Handler: s.ballotTemplate},

		// Results (sealed while the campaign is open)
		{Pattern: "GET /campaigns/{code}/results", Access: shell.Read(shell.Staff...), Handler: s.resultsPage},
		{Pattern: "GET /campaigns/{code}/results.xlsx", Access: shell.Read(shell.Staff...), Handler: s.resultsXLSX},
		{Pattern: "GET /campaigns/{code}/results.csv", Access: shell.Read(shell.Staff...), Handler: s.resultsCSV},

		// Publicity and objections (公示, 异议)
		{Pattern: "POST /campaigns/{code}/publicity", Access: shell.Write(admin, orgAdmin), Handler: s.publicityStart},
		{Pattern: "POST /campaigns/{code}/objections", Access: shell.Write(admin, orgAdmin), Handler: s.objectionAnswer},
		{Pattern: "GET /p/{code}", Access: shell.Public, Handler: s.publicityPage},
		{Pattern: "POST /p/{code}/objections", Access: shell.Public, Handler: s.objectionFile},

		// Rectification (整改)
		{Pattern: "GET /campaigns/{code}/rectifications", Access: shell.Read(shell.Staff...), Handler: s.campaignRectifications},
		{Pattern: "POST /campaigns/{code}/rectifications", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.rectificationCreate},
		{Pattern: "GET /rectifications", Access: shell.Read(shell.Staff...), Handler: s.rectificationList},
		{Pattern: "GET /rectifications/{id}", Access: shell.Read(shell.Staff...), Handler: s.rectificationPage},
		{Pattern: "POST /rectifications/{id}", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.rectificationUpdate},
		{Pattern: "POST /rectifications/{id}/evidence", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.rectificationEvidence},
		{Pattern: "POST /rectifications/{id}/verify", Access: shell.Write(admin, orgAdmin), Handler: s.rectificationVerify},
		{Pattern: "GET /evidence/{id}", Access: shell.Read(shell.Staff...), Handler: s.evidenceFile},

		// The public's phone pages: one-time codes, receipts, window units
		{Pattern: "GET /b/{code}", Access: shell.Anonymous, Handler: s.ballotPage},
		{Pattern: "POST /b/{code}", Access: shell.Anonymous, Handler: s.ballotSubmit},
		{Pattern: "GET /r/{receipt}", Access: shell.Anonymous, Handler: s.receiptPage},
		{Pattern: "GET /r", Access: shell.Anonymous, Handler: s.receiptLookup},
		{Pattern: "GET /w/{code}", Access: shell.Anonymous, Handler: s.windowPage},
		{Pattern: "POST /w/{code}", Access: shell.Anonymous, Handler: s.windowRate},
	}
	// The JSON ballot API (package api) over the server's one intake.
	a := &api.API{Store: s.st, Intake: s.intake}
	for _, rt := range a.Routes() {
		r = append(r, shell.Route{Pattern: rt.Pattern, Access: shell.Anonymous, Handler: rt.Handler})
	}
	return r
}
