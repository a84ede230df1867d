package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/tabular"
)

//go:embed templates
var templateFS embed.FS

// templates holds, per language, one template set per page (layout +
// partials + the page) and one set of the partials alone (fragments for
// htmx).
//
// A page is templates/pages/NAME.html defining "title" and "content";
// templates/layout.html wraps it; templates/partials/*.html define
// fragments shared by pages ("org_results", …). Every visible string goes
// through T: {{T "orgs.title"}}, {{T "orgs.members_n" "N" .Members}}; enumerated
// values through label: {{label "domain" .Domain}} (message "domain.rural").
type templates struct {
	pages map[string]map[string]*template.Template // lang → page → set
	frags map[string]*template.Template            // lang → the shell's partials
	// fragSet finds the set of a feature's fragment (lang → name → set).
	fragSet map[string]map[string]*template.Template
}

func parseTemplates(s *Server) (*templates, error) {
	t := &templates{pages: map[string]map[string]*template.Template{}, frags: map[string]*template.Template{},
		fragSet: map[string]map[string]*template.Template{}}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, lang := range i18n.Supported {
		base, err := template.New("").Funcs(s.funcs(i18n.For(lang))).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
		if err != nil {
			return nil, err
		}
		t.frags[lang] = base
		t.pages[lang] = map[string]*template.Template{}
		if err := t.addPages(lang, base, templateFS, pages); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// addPages parses each page of fsys over a clone of base.
func (t *templates) addPages(lang string, base *template.Template, fsys fs.FS, pages []string) error {
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if t.pages[lang][name] != nil {
			return fmt.Errorf("page %q defined twice", name)
		}
		set, err := template.Must(base.Clone()).ParseFS(fsys, p)
		if err != nil {
			return err
		}
		t.pages[lang][name] = set
	}
	return nil
}

// PageSet returns the template set of a page, for a page written from
// several of its templates: s.PageSet(lang, "ballot").ExecuteTemplate(w, "phone", v).
func (s *Server) PageSet(lang, name string) *template.Template { return s.tmpl.pages[lang][name] }

// fragment returns the set that defines the fragment name.
func (t *templates) fragment(lang, name string) *template.Template {
	if set := t.fragSet[lang][name]; set != nil {
		return set
	}
	return t.frags[lang]
}

func (s *Server) funcs(tr *i18n.Translator) template.FuncMap {
	return template.FuncMap{
		"T": tr.T,
		"label": func(group string, v any) string {
			sv := fmt.Sprint(v)
			if sv == "" {
				return ""
			}
			return tr.T(group + "." + sv)
		},
		"static":    s.static.url,
		"maskPhone": tabular.MaskPhone,
		"maskID":    tabular.MaskIDNumber,
		"initial": func(s string) string {
			for _, r := range s {
				return strings.ToUpper(string(r))
			}
			return "?"
		},
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		// Refused input (inputerr.go).
		"fieldMessage": func(e pingyi.FieldError) string { return fieldMessage(tr, e) },
		"columnLabel":  tr.Column,
		// Large numbers with thousands separators: 12,345.
		"num": func(n any) string { return numPrinter(tr.Lang()).Sprint(n) },
		// The audit log's labels (audit.go).
		"auditLabel": func(group, v string) string { return auditLabel(tr, group, v) },
		// The tree's rows (tree_nodes.go).
		"treeNodes": func(nodes []orgNode) template.HTML { return treeNodes(tr, nodes) },
	}
}

// View is what the layout needs; every page's data embeds it:
//
//	type orgView struct { View; Org *pingyi.Org }
//	s.Render(w, r, http.StatusOK, "org", &orgView{Org: o})
type View struct {
	Lang    string
	User    *pingyi.User
	Nav     []navLink
	Here    string // this page's URL, to come back to after switching language
	Flash   string
	Langs   []string
	Version string
	OOB     bool    // fragments: layout parts are sent out of band (hx-swap-oob)
	Chrome  *chrome // pages: the layout around the content (chrome.go)
}

func (v *View) base() *View { return v }

// Page is the data of a page: a struct that embeds View.
type Page interface{ base() *View }

type navLink struct {
	Key, Href string
	Active    bool
}

// fill sets the layout's fields from the request (before anything is
// written: it may pop the session's flash message).
func (s *Server) fill(r *http.Request, v *View) {
	v.Lang = s.Lang(r)
	v.User = CurrentUser(r)
	v.Here = r.URL.RequestURI()
	v.Langs = i18n.Supported
	v.Version = s.static.version
	if hasSession(r) {
		if key := s.sessions.PopString(r.Context(), sessFlash); key != "" {
			v.Flash = i18n.For(v.Lang).T(key)
		}
	}
	if v.User != nil {
		v.Nav = s.navFor(v.User, r.URL.Path)
	}
}

func (s *Server) navFor(u *pingyi.User, here string) []navLink {
	var out []navLink
	for _, n := range s.navItems() {
		if i := slices.IndexFunc(s.table, func(rt Route) bool { return rt.Pattern == n.Pattern }); i >= 0 && s.table[i].Access.Allows(u.Role) {
			out = append(out, navLink{Key: n.Key, Href: n.Href, Active: here == n.Href || strings.HasPrefix(here, n.Href+"/")})
		}
	}
	return out
}

// render writes a full page with status.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, status int, page string, data Page) {
	v := data.base()
	s.fill(r, v)
	set := s.tmpl.pages[v.Lang][page]
	if set == nil {
		s.ServerError(w, r, fmt.Errorf("no template %q", page))
		return
	}
	ch, err := s.chromeFor(v)
	if err != nil {
		s.ServerError(w, r, fmt.Errorf("layout: %w", err))
		return
	}
	v.Chrome = ch
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.ServerError(w, r, fmt.Errorf("template %s: %w", page, err))
		return
	}
	WriteHTML(w, status, buf.Bytes())
}

// renderGo writes a full page that write (a Go function) writes whole,
// layout included (writeLayoutHead, writeLayoutFoot), instead of
// executing the page's templates.
func RenderGo[V Page](s *Server, w http.ResponseWriter, r *http.Request, status int, data V, write func(*bytes.Buffer, *i18n.Translator, V)) {
	v := data.base()
	s.fill(r, v)
	ch, err := s.chromeFor(v)
	if err != nil {
		s.ServerError(w, r, fmt.Errorf("layout: %w", err))
		return
	}
	v.Chrome = ch
	b := pageBuffers.Get().(*bytes.Buffer)
	b.Reset()
	write(b, i18n.For(v.Lang), data)
	WriteHTML(w, status, b.Bytes())
	if b.Cap() <= 64<<10 { // a big page's buffer is not kept
		pageBuffers.Put(b)
	}
}

// pageBuffers holds the buffers of pages written in Go (writeHTML's
// writer copies or sends what it is given before it returns).
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeLayoutHead writes what the template "layout" writes before the
// page's content (the cached chrome, the title, the flash message);
// writeLayoutFoot what it writes after.
func writeLayoutHead(b *bytes.Buffer, tr *i18n.Translator, v *View, title string) {
	b.WriteString(string(v.Chrome.Head))
	b.WriteString("<title>")
	htmlEscape(b, title)
	b.WriteString(" · ")
	htmlEscape(b, tr.T("app.name"))
	b.WriteString("</title>\n")
	b.WriteString(string(v.Chrome.Top))
	b.WriteString("\n")
	if v.Flash != "" {
		b.WriteString(`<div class="flash" role="status">`)
		htmlEscape(b, v.Flash)
		b.WriteString(`</div>`)
	}
	b.WriteString("\n")
}

func writeLayoutFoot(b *bytes.Buffer, v *View) {
	b.WriteString("\n")
	b.WriteString(string(v.Chrome.Foot))
}

// fragment writes one partial template (an htmx swap). Page data get the
// layout fields too, marked OOB, for parts of the layout sent out of band.
func (s *Server) Fragment(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if p, ok := data.(Page); ok {
		s.fill(r, p.base())
		p.base().OOB = true
	}
	var buf bytes.Buffer
	if err := s.tmpl.fragment(s.Lang(r), name).ExecuteTemplate(&buf, name, data); err != nil {
		s.ServerError(w, r, fmt.Errorf("fragment %s: %w", name, err))
		return
	}
	WriteHTML(w, status, buf.Bytes())
}

func WriteHTML(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages hold personal data
	h.Add("Vary", "HX-Request")
	// The length known, the compression middleware sends a small page at
	// once instead of holding a copy until the handler returns, and
	// net/http sends it unchunked (gzip drops the length if it compresses).
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// errorView is the error page.
type errorView struct {
	View
	Status  int
	Message string
}

// fail answers with the error page of status (403, 404, 429, …).
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, status int) {
	s.FailMsg(w, r, status, "")
}

// failMsg answers with the error page and a translated message key.
func (s *Server) FailMsg(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	tr := s.Tr(r)
	if key == "" {
		key = fmt.Sprintf("error.status_%d", status)
		if !i18n.Has(tr.Lang(), key) {
			key = "error.status_other"
		}
	}
	s.Render(w, r, status, "error", &errorView{Status: status, Message: tr.T(key, args...)})
}

// serverError logs err and answers 500.
func (s *Server) ServerError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("server error", "err", err)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprint(w, internalErrorPage)
}

// flash shows a translated message on the next page (after a redirect).
func (s *Server) Flash(r *http.Request, key string) {
	if hasSession(r) {
		s.sessions.Put(r.Context(), sessFlash, key)
	}
}

// redirect answers 303 See Other.
func Redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// tr is the request's translator.
func (s *Server) Tr(r *http.Request) *i18n.Translator { return i18n.For(s.Lang(r)) }

type sessionFlag struct{}

// hasSession reports whether the session was loaded for this request (not
// for PublicNoSession routes).
func hasSession(r *http.Request) bool { return r.Context().Value(sessionFlag{}) != nil }

func markSession(ctx context.Context) context.Context {
	return context.WithValue(ctx, sessionFlag{}, true)
}

// lang is the request's language: the session's choice, the account's,
// the lang cookie, Accept-Language, zh-CN.
func (s *Server) Lang(r *http.Request) string {
	if hasSession(r) {
		if l := s.sessions.GetString(r.Context(), sessLang); i18n.Valid(l) {
			return l
		}
	}
	if u := CurrentUser(r); u != nil && i18n.Valid(u.Locale) {
		return u.Locale
	}
	if c, err := r.Cookie(langCookie); err == nil && i18n.Valid(c.Value) {
		return c.Value
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}
