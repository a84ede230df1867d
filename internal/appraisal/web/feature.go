// Package web is the appraisal's pages (群众评议, SPEC §2): campaigns and
// their phases, units (self-check, meeting, members' summaries, window
// units), one-time codes and paper ballots, the phone ballot page and
// receipts, results, publicity and objections, rectification. It plugs
// into the shell (internal/web) as a Feature, with the JSON ballot API
// (internal/appraisal/api) over the same intake.
package web

import (
	"context"
	"embed"
	"net/http"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	shell "github.com/pingyi/pingyi/internal/web"
)

//go:embed templates locales static
var files embed.FS

// Feature is the appraisal pages over the shell.
type Feature struct {
	*shell.Server
	st *appraisal.Store
	// intake is the one ballot intake (group commit) of the phone ballot
	// page and the JSON ballot API; Close stops it.
	intake *appraisal.Intake
	// limits are the in-memory rate limits of public campaign forms
	// (window ratings, objections).
	limits *campaignLimits
	// results caches the results page's body (results_cache.go).
	results resultsCache
}

// New makes the appraisal pages over the shell srv and the store st.
func New(srv *shell.Server, st *store.Store) (shell.Feature, error) {
	ap := appraisal.New(st)
	return &Feature{Server: srv, st: ap, intake: ap.NewIntake(), limits: newCampaignLimits()}, nil
}

// Name is "appraisal".
func (s *Feature) Name() string { return "appraisal" }

// Nav is the appraisal's entry of the main navigation.
func (s *Feature) Nav() []shell.NavItem {
	return []shell.NavItem{{Key: "nav.campaigns", Href: "/campaigns", Pattern: "GET /campaigns"}}
}

// Assets are the appraisal pages' templates, translations (locales/; the
// labels the leaves read without a server are the campaigns area of
// internal/i18n), scripts and stylesheet.
func (s *Feature) Assets() shell.Assets {
	return shell.EmbeddedAssets(files)
}

// Close stops the ballot intake after the ballots already queued are
// committed.
func (s *Feature) Close() { s.intake.Close() }

// Tasks are the appraisal's items of the dashboard's to-do list: objections
// to answer, rectifications overdue or due, open campaigns without an end.
func (s *Feature) Tasks(r *http.Request) ([]shell.Task, error) {
	u := shell.CurrentUser(r)
	if u.Role != pingyi.RoleAdmin && u.Role != pingyi.RoleOrgAdmin && u.Role != pingyi.RoleSecretary {
		return nil, nil
	}
	t, err := s.st.AppraisalTasks(r.Context(), shell.ScopeOf(u).Path, time.Now().Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	return []shell.Task{
		{Key: "tasks.objections", N: t.Objections, Href: "/campaigns"},
		{Key: "tasks.rect_overdue", N: t.RectOverdue, Href: "/campaigns", Overdue: true},
		{Key: "tasks.rect_due", N: t.RectDue, Href: "/campaigns"},
		{Key: "tasks.open_no_close", N: t.OpenNoClose, Href: "/campaigns"},
	}, nil
}

// AuditKey names a campaign's entries by the campaign (their id starts
// with its code): "campaign:CODE" (web.AuditNamer).
func (s *Feature) AuditKey(e pingyi.AuditEntry) string {
	switch e.Entity {
	case "campaign", "criteria", "self_check", "meeting", "member_summary", "notice", "objection":
		code, _, _ := strings.Cut(e.EntityID, "/")
		return "campaign:" + code
	}
	return ""
}

// AuditName is the campaign's name of a key of AuditKey.
func (s *Feature) AuditName(ctx context.Context, key string) string {
	if c, err := s.st.Campaign(ctx, strings.TrimPrefix(key, "campaign:")); err == nil {
		return c.Name
	}
	return ""
}
