package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// auditPageSize is the entries on one page of the audit log.
const auditPageSize = 50

type auditView struct {
	View
	Entity, User, From, To string   // the filters as typed
	Entities               []string // the entity types there are
	Entries                []auditRow
	Older                  string // the next page's URL ("" on the last)
	Newest                 string // the first page's URL ("" on it)
	Zone                   string
}

// auditLog is GET /audit[?entity=&user=&from=&to=&before=]: the changes,
// newest first, a page at a time, in the user's language — actions and
// entity types translated, names beside codes, what changed field by
// field, times in the deployment's zone.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := &auditView{Entity: strings.TrimSpace(q.Get("entity")), User: strings.TrimSpace(q.Get("user")),
		From: q.Get("from"), To: q.Get("to"), Zone: s.zone().String()}
	f := store.AuditFilter{Entity: v.Entity, Username: v.User, Limit: auditPageSize}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	f.From, f.To = s.dayBound(v.From, 0), s.dayBound(v.To, 1)
	es, more, err := s.st.AuditPage(r.Context(), f)
	if err == nil {
		v.Entities, err = s.st.AuditEntities(r.Context())
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	names := s.auditNames(r.Context(), es)
	tr := s.Tr(r)
	for _, e := range es {
		v.Entries = append(v.Entries, s.auditRowOf(tr, e, names))
	}
	page := url.Values{}
	for k, val := range map[string]string{"entity": v.Entity, "user": v.User, "from": v.From, "to": v.To} {
		if val != "" {
			page.Set(k, val)
		}
	}
	if f.Before > 0 {
		v.Newest = "/audit?" + page.Encode()
	}
	if more {
		page.Set("before", strconv.FormatInt(es[len(es)-1].ID, 10))
		v.Older = "/audit?" + page.Encode()
	}
	s.Render(w, r, http.StatusOK, "audit", v)
}

// zone is the deployment's time zone (times are stored in UTC).
func (s *Server) zone() *time.Location {
	if s.opts.TimeZone != nil {
		return s.opts.TimeZone
	}
	return defaultZone
}

// dayBound turns a day typed in the deployment's zone (YYYY-MM-DD) into
// the UTC instant that starts it (plus days), "" when empty or bad.
func (s *Server) dayBound(day string, plus int) string {
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(day), s.zone())
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, plus).UTC().Format(time.RFC3339)
}

// An AuditNamer is a feature that names the objects of its audit entries
// on the audit log's pages (the appraisal names its campaigns).
type AuditNamer interface {
	// AuditKey is what names entry e's object, e.g. "campaign:CODE" (""
	// for an entry not of the feature's).
	AuditKey(e pingyi.AuditEntry) string
	// AuditName is the name of a key AuditKey gave ("" unknown).
	AuditName(ctx context.Context, key string) string
}

// auditNames finds the names of the features' objects and of the accounts
// the entries name by code: key (auditNameKey) → name.
func (s *Server) auditNames(ctx context.Context, es []pingyi.AuditEntry) map[string]string {
	names := map[string]string{}
	for _, e := range es {
		key, namer := s.auditNameKey(e)
		if key == "" {
			continue
		}
		if _, done := names[key]; done {
			continue
		}
		names[key] = ""
		if namer != nil {
			names[key] = namer.AuditName(ctx, key)
		} else if u, err := s.st.User(ctx, strings.TrimPrefix(key, "user:")); err == nil {
			names[key] = u.DisplayName
		}
	}
	return names
}

// auditNameKey is what names an entry's object: "user:NAME" for an
// account, a feature's key (AuditNamer) for its objects, with the feature
// that names it.
func (s *Server) auditNameKey(e pingyi.AuditEntry) (string, AuditNamer) {
	if e.Entity == "user" {
		return "user:" + e.EntityID, nil
	}
	for _, f := range s.features {
		if n, ok := f.(AuditNamer); ok {
			if key := n.AuditKey(e); key != "" {
				return key, n
			}
		}
	}
	return "", nil
}

// auditLabel is the translated label of an action or entity type (the
// raw value when there is none: a feature's own).
func auditLabel(tr *i18n.Translator, group, v string) string {
	if key := group + "." + v; i18n.Has(tr.Lang(), key) {
		return tr.T(key)
	}
	return v
}

// auditEntryPage is GET /audit/{id}: one entry whole.
func (s *Server) auditEntryPage(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	e, err := s.st.AuditEntryByID(r.Context(), id)
	if errors.Is(err, pingyi.ErrNotFound) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	row := s.auditRowOf(s.Tr(r), *e, s.auditNames(r.Context(), []pingyi.AuditEntry{*e}))
	row.Full = true
	s.Render(w, r, http.StatusOK, "audit_entry", &auditEntryView{Row: row, BeforePretty: prettyJSON(e.Before), AfterPretty: prettyJSON(e.After)})
}

type auditEntryView struct {
	View
	Row                       auditRow
	BeforePretty, AfterPretty string
}

// auditKeyOf is auditNameKey's key alone.
func (s *Server) auditKeyOf(e pingyi.AuditEntry) string {
	k, _ := s.auditNameKey(e)
	return k
}
