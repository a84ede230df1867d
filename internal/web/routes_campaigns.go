package web

import "github.com/pingyi/pingyi/internal/api"

// campaignRoutes are the routes of mass appraisal campaigns (群众评议):
// campaigns, codes, the phone ballot page, results, publicity,
// rectification. Who may see and change what inside a campaign is
// explained in campaign_helpers.go; the statuses are pinned in
// authz_campaigns_test.go.
func (s *Server) campaignRoutes() []Route {
	r := []Route{
		// Campaigns and their phases
		{"GET /campaigns", Read(admin, orgAdmin, secretary, member, inspector), s.campaignList},
		{"GET /campaigns/new", Write(admin, orgAdmin), s.campaignNew},
		{"POST /campaigns/new", Write(admin, orgAdmin), s.campaignCreate},
		{"GET /campaigns/{code}", Read(Staff...), s.campaignPage},
		{"GET /campaigns/{code}/edit", Write(admin, orgAdmin), s.campaignEdit},
		{"POST /campaigns/{code}/edit", Write(admin, orgAdmin), s.campaignUpdate},
		{"POST /campaigns/{code}/phase", Write(admin, orgAdmin), s.campaignPhase},
		{"POST /campaigns/{code}/notices", Write(admin, orgAdmin), s.campaignNotice},
		{"GET /campaigns/{code}/criteria", Read(Staff...), s.campaignCriteria},
		{"POST /campaigns/{code}/criteria", Write(admin, orgAdmin), s.campaignCriteriaSave},
		{"GET /campaigns/{code}/coverage", Read(Staff...), s.campaignCoverage},
		{"GET /campaigns/{code}/wipe", Write(admin, orgAdmin), s.campaignWipeConfirm},
		{"POST /campaigns/{code}/wipe", Write(admin, orgAdmin), s.campaignWipe},

		// Evaluation units: self-check, meeting, members' summaries, window code
		{"GET /campaigns/{code}/units/{org}", Read(Staff...), s.campaignUnit},
		{"POST /campaigns/{code}/units/{org}/selfcheck", Write(admin, orgAdmin, secretary), s.campaignSelfCheck},
		{"POST /campaigns/{code}/units/{org}/meeting", Write(admin, orgAdmin, secretary), s.campaignMeeting},
		{"POST /campaigns/{code}/units/{org}/summaries", Write(admin, orgAdmin, secretary), s.campaignSummaries},
		{"GET /campaigns/{code}/units/{org}/window.png", Read(admin, orgAdmin, secretary), s.windowQR},
		{"GET /campaigns/{code}/summary", Read(member, secretary), s.campaignMySummary},
		{"POST /campaigns/{code}/summary", Write(member, secretary), s.campaignMySummarySave},

		// One-time codes and paper ballots
		{"GET /campaigns/{code}/codes", Read(Staff...), s.campaignCodes},
		{"POST /campaigns/{code}/codes", Write(admin, orgAdmin, secretary), s.campaignIssueCodes},
		{"GET /campaigns/{code}/ballots", Write(admin, orgAdmin), s.ballotImportPage},
		{"POST /campaigns/{code}/ballots", Write(admin, orgAdmin), s.ballotImport},
		{"GET /campaigns/{code}/ballots/template", Write(admin, orgAdmin), s.ballotTemplate},

		// Results (sealed while the campaign is open)
		{"GET /campaigns/{code}/results", Read(Staff...), s.resultsPage},
		{"GET /campaigns/{code}/results.xlsx", Read(Staff...), s.resultsXLSX},
		{"GET /campaigns/{code}/results.csv", Read(Staff...), s.resultsCSV},

		// Publicity and objections (公示, 异议)
		{"POST /campaigns/{code}/publicity", Write(admin, orgAdmin), s.publicityStart},
		{"POST /campaigns/{code}/objections", Write(admin, orgAdmin), s.objectionAnswer},
		{"GET /p/{code}", Public, s.publicityPage},
		{"POST /p/{code}/objections", Public, s.objectionFile},

		// Rectification (整改)
		{"GET /campaigns/{code}/rectifications", Read(Staff...), s.campaignRectifications},
		{"POST /campaigns/{code}/rectifications", Write(admin, orgAdmin, secretary), s.rectificationCreate},
		{"GET /rectifications", Read(Staff...), s.rectificationList},
		{"GET /rectifications/{id}", Read(Staff...), s.rectificationPage},
		{"POST /rectifications/{id}", Write(admin, orgAdmin, secretary), s.rectificationUpdate},
		{"POST /rectifications/{id}/evidence", Write(admin, orgAdmin, secretary), s.rectificationEvidence},
		{"POST /rectifications/{id}/verify", Write(admin, orgAdmin), s.rectificationVerify},
		{"GET /evidence/{id}", Read(Staff...), s.evidenceFile},

		// The public's phone pages: one-time codes, receipts, window units
		{"GET /b/{code}", PublicNoSession, s.ballotPage},
		{"POST /b/{code}", PublicNoSession, s.ballotSubmit},
		{"GET /r/{receipt}", PublicNoSession, s.receiptPage},
		{"GET /r", PublicNoSession, s.receiptLookup},
		{"GET /w/{code}", PublicNoSession, s.windowPage},
		{"POST /w/{code}", PublicNoSession, s.windowRate},
	}
	// The JSON ballot API (package api) over the server's one intake.
	a := &api.API{Store: s.st, Intake: s.intake}
	for _, rt := range a.Routes() {
		r = append(r, Route{rt.Pattern, PublicNoSession, rt.Handler})
	}
	return r
}
