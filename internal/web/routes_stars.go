package web

// starRoutes are the routes of star management (党员星级管理, SPEC §3,
// seed 003). The year is the query or form field "year" (default this
// year). Handlers check the object against the viewer's subtree: staff
// read what lies in it and change what they manage (Scope.Manages); a
// member account sees and edits only its own goals, logbook and
// self-assessment, and rates the other members of its branch on /stars/peer.
// The statuses are pinned in authz_stars_test.go.
func (s *Server) starRoutes() []Route {
	return []Route{
		// The district view, lists, moderation, import and rules
		{"GET /stars", Read(admin, orgAdmin, secretary, member, inspector), s.starsOverview},
		{"GET /stars/lists", Read(Staff...), s.starLists},
		{"GET /stars/comments", Read(Staff...), s.starComments},
		{"POST /stars/comments/{id}", Write(admin, orgAdmin, secretary), s.starCommentReview},
		{"GET /stars/import", Write(admin, orgAdmin), s.starImportPage},
		{"POST /stars/import", Write(admin, orgAdmin), s.starImport},
		{"GET /stars/rules", Read(admin, orgAdmin), s.starRulesPage},
		{"POST /stars/rules", Write(admin), s.starRulesSave},

		// A branch: members, committee rating, finalization, bulletin, plates
		{"GET /stars/orgs/{code}", Read(Staff...), s.starOrgPage},
		{"POST /stars/orgs/{code}/finalize", Write(admin, orgAdmin, secretary), s.starFinalize},
		{"GET /stars/orgs/{code}/bulletin", Read(Staff...), s.starBulletin},
		{"GET /stars/orgs/{code}/plates", Read(Staff...), s.starOrgPlates},
		{"GET /stars/orgs/{code}/mass-codes", Write(admin, orgAdmin, secretary), s.starMassCodes},
		{"POST /stars/orgs/{code}/mass-codes", Write(admin, orgAdmin, secretary), s.starMassIssue},
		// the year-end publicity's objections, the secretary's half-year debrief
		{"POST /stars/orgs/{code}/objections/{id}", Write(admin, orgAdmin, secretary), s.starObjectionAnswer},
		{"POST /stars/orgs/{code}/debrief", Write(admin, orgAdmin, secretary), s.starDebriefSave},

		// A member: goals, pre-assessment, three assessments, rating, follow-ups
		{"GET /stars/members/{code}", Read(admin, orgAdmin, secretary, member, inspector), s.starMemberPage},
		{"POST /stars/members/{code}/goal", Write(admin, orgAdmin, secretary, member), s.starGoalSave},
		{"POST /stars/members/{code}/preassessment", Write(admin, orgAdmin, secretary), s.starPreSave},
		{"POST /stars/members/{code}/assessment", Write(admin, orgAdmin, secretary, member), s.starAssessSave},
		{"POST /stars/members/{code}/rating", Write(admin, orgAdmin, secretary), s.starRatingSave},
		{"POST /stars/members/{code}/followups", Write(admin, orgAdmin, secretary), s.starFollowUpAdd},
		{"GET /stars/members/{code}/plate", Read(admin, orgAdmin, secretary, member, inspector), s.starMemberPlate},

		// The logbook (纪实)
		{"GET /stars/members/{code}/log", Read(admin, orgAdmin, secretary, member, inspector), s.starLogPage},
		{"POST /stars/members/{code}/log", Write(admin, orgAdmin, secretary, member), s.starLogAdd},
		{"GET /stars/log/{id}/photo", Read(admin, orgAdmin, secretary, member, inspector), s.starLogPhoto},
		{"POST /stars/log/{id}/delete", Write(admin, orgAdmin, secretary, member), s.starLogDelete},

		// Peer assessment among the members of a branch (互评)
		{"GET /stars/peer", Read(secretary, member), s.starPeerPage},
		{"POST /stars/peer", Write(secretary, member), s.starPeerSave},

		// The public: door-plate page with comments, a branch's publicity
		{"GET /m/{code}", Public, s.publicMember},
		{"POST /m/{code}/comments", Public, s.publicComment},
		{"GET /m/org/{code}", Public, s.publicOrg},
		{"POST /m/org/{code}/objections", Public, s.publicStarObjection},
		// The masses' phone page of a one-time code (群众评议)
		{"GET /s/{code}", PublicNoSession, s.starMassPage},
		{"POST /s/{code}", PublicNoSession, s.starMassSubmit},
	}
}
