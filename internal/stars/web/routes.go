package web

import (
	"github.com/pingyi/pingyi/internal/pingyi"
	shell "github.com/pingyi/pingyi/internal/web"
)

// starRoutes are the routes of star management (党员星级管理, SPEC §3,
// seed 003). The year is the query or form field "year" (default this
// year). Handlers check the object against the viewer's subtree: staff
// read what lies in it and change what they manage (Scope.Manages); a
// member account sees and edits only its own goals, logbook and
// self-assessment, and rates the other members of its branch on /stars/peer.
// The statuses are pinned in authz_test.go.
func (s *Feature) Routes() []shell.Route {
	return []shell.Route{
		// The district view, lists, moderation, import and rules
		{Pattern: "GET /stars", Access: shell.Read(admin, orgAdmin, secretary, member, inspector), Handler: s.starsOverview},
		{Pattern: "GET /stars/lists", Access: shell.Read(shell.Staff...), Handler: s.starLists},
		{Pattern: "GET /stars/comments", Access: shell.Read(shell.Staff...), Handler: s.starComments},
		{Pattern: "POST /stars/comments/{id}", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.starCommentReview},
		{Pattern: "GET /stars/import", Access: shell.Write(admin, orgAdmin), Handler: s.starImportPage},
		{Pattern: "POST /stars/import", Access: shell.Write(admin, orgAdmin), Handler: s.starImport},
		{Pattern: "GET /stars/import/template", Access: shell.Write(admin, orgAdmin), Handler: s.starImportTemplate},
		{Pattern: "GET /stars/rules", Access: shell.Read(admin, orgAdmin), Handler: s.starRulesPage},
		{Pattern: "POST /stars/rules", Access: shell.Write(admin), Handler: s.starRulesSave},

		// A branch: members, committee rating, finalization, bulletin, plates
		{Pattern: "GET /stars/orgs/{code}", Access: shell.Read(shell.Staff...), Handler: s.starOrgPage},
		{Pattern: "POST /stars/orgs/{code}/finalize", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.starFinalize},
		{Pattern: "GET /stars/orgs/{code}/bulletin", Access: shell.Read(shell.Staff...), Handler: s.starBulletin},
		{Pattern: "GET /stars/orgs/{code}/plates", Access: shell.Read(shell.Staff...), Handler: s.starOrgPlates},
		{Pattern: "GET /stars/orgs/{code}/mass-codes", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.starMassCodes},
		{Pattern: "POST /stars/orgs/{code}/mass-codes", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.starMassIssue},
		// the year-end publicity's objections, the secretary's half-year debrief
		{Pattern: "POST /stars/orgs/{code}/objections/{id}", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.starObjectionAnswer},
		{Pattern: "POST /stars/orgs/{code}/debrief", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.starDebriefSave},

		// A member: goals, pre-assessment, three assessments, rating, follow-ups
		{Pattern: "GET /stars/members/{code}", Access: shell.Read(admin, orgAdmin, secretary, member, inspector), Handler: s.starMemberPage},
		{Pattern: "POST /stars/members/{code}/goal", Access: shell.Write(admin, orgAdmin, secretary, member), Handler: s.starGoalSave},
		{Pattern: "POST /stars/members/{code}/preassessment", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.starPreSave},
		{Pattern: "POST /stars/members/{code}/assessment", Access: shell.Write(admin, orgAdmin, secretary, member), Handler: s.starAssessSave},
		{Pattern: "POST /stars/members/{code}/rating", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.starRatingSave},
		{Pattern: "POST /stars/members/{code}/followups", Access: shell.Write(admin, orgAdmin, secretary), Handler: s.starFollowUpAdd},
		{Pattern: "GET /stars/members/{code}/plate", Access: shell.Read(admin, orgAdmin, secretary, member, inspector), Handler: s.starMemberPlate},

		// The logbook (纪实)
		{Pattern: "GET /stars/members/{code}/log", Access: shell.Read(admin, orgAdmin, secretary, member, inspector), Handler: s.starLogPage},
		{Pattern: "POST /stars/members/{code}/log", Access: shell.Write(admin, orgAdmin, secretary, member), Handler: s.starLogAdd},
		{Pattern: "GET /stars/log/{id}/photo", Access: shell.Read(admin, orgAdmin, secretary, member, inspector), Handler: s.starLogPhoto},
		{Pattern: "POST /stars/log/{id}/delete", Access: shell.Write(admin, orgAdmin, secretary, member), Handler: s.starLogDelete},

		// Peer assessment among the members of a branch (互评)
		{Pattern: "GET /stars/peer", Access: shell.Read(secretary, member), Handler: s.starPeerPage},
		{Pattern: "POST /stars/peer", Access: shell.Write(secretary, member), Handler: s.starPeerSave},

		// The public: door-plate page with comments, a branch's publicity
		{Pattern: "GET /m/{code}", Access: shell.Public, Handler: s.publicMember},
		{Pattern: "POST /m/{code}/comments", Access: shell.Public, Handler: s.publicComment},
		{Pattern: "GET /m/org/{code}", Access: shell.Public, Handler: s.publicOrg},
		{Pattern: "POST /m/org/{code}/objections", Access: shell.Public, Handler: s.publicStarObjection},
		// The masses' phone page of a one-time code (群众评议)
		{Pattern: "GET /s/{code}", Access: shell.Anonymous, Handler: s.starMassPage},
		{Pattern: "POST /s/{code}", Access: shell.Anonymous, Handler: s.starMassSubmit},
	}
}

// Role shorthands for the route table.
const (
	admin     = pingyi.RoleAdmin
	orgAdmin  = pingyi.RoleOrgAdmin
	secretary = pingyi.RoleSecretary
	member    = pingyi.RoleMember
	inspector = pingyi.RoleInspector
)
