package web

import (
	"bytes"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/i18n"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// searchLimit bounds the orgs a search shows.
const searchLimit = 50

type orgTreeView struct {
	View
	Q       string
	Roots   []orgNode // the tree from the scope root (no search)
	Results []orgNode // matching orgs with their trail (search)
	More    bool      // more than searchLimit matched
}

// orgTree is GET /orgs: the org tree from the viewer's scope root, each
// node expanding with htmx (GET /orgs/{code}/children) or, without
// JavaScript, through its org page; with ?q= the orgs whose name or code
// contains q, with their trail. An htmx request (search as you type) gets
// only the results fragment.
func (s *Server) orgTree(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	scope := CurrentScope(r)
	v := &orgTreeView{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	if utf8.RuneCountInString(v.Q) > 100 {
		v.Q = string([]rune(v.Q)[:100])
	}
	if v.Q != "" {
		found, err := s.st.SearchOrgs(ctx, scope, v.Q, searchLimit+1)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		if len(found) > searchLimit {
			found, v.More = found[:searchLimit], true
		}
		if v.Results, err = s.nodes(ctx, found); err != nil {
			s.ServerError(w, r, err)
			return
		}
		cache := map[int64]pingyi.Org{}
		for i := range v.Results {
			if v.Results[i].Trail, err = s.Trail(ctx, scope, &v.Results[i].Org, cache); err != nil {
				s.ServerError(w, r, err)
				return
			}
		}
	} else {
		roots, err := s.st.TreeChildren(ctx, scope, 0)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		if v.Roots, err = s.nodes(ctx, roots); err != nil {
			s.ServerError(w, r, err)
			return
		}
	}
	if IsHTMX(r) && r.Header.Get("HX-Target") == "org-results" {
		s.Fragment(w, r, http.StatusOK, "org_results_htmx", v)
		return
	}
	if v.Q == "" && orgTreeInGo {
		RenderGo(s, w, r, http.StatusOK, v, writeOrgTreePage)
		return
	}
	s.Render(w, r, http.StatusOK, "orgs", v)
}

// orgTreeInGo: the tree page without a search is written in Go
// (writeOrgTreePage); false executes the templates (tests compare them).
var orgTreeInGo = true

// writeOrgTreePage writes the tree page without a search as the templates
// "layout", "orgs" and "org_results" write it (TestOrgTreePageAsTemplate
// keeps them byte for byte equal): the page every account opens first,
// where executing them cost more than everything else of the request.
// v.Chrome is set (renderGo).
func writeOrgTreePage(b *bytes.Buffer, tr *i18n.Translator, v *orgTreeView) {
	title := tr.T("orgs.title")
	writeLayoutHead(b, tr, &v.View, title)
	b.WriteString("\n<div class=\"page-head\"><h1>")
	htmlEscape(b, title)
	b.WriteString("</h1></div>\n<form class=\"searchbar\" method=\"get\" action=\"/orgs\" role=\"search\">\n<input type=\"search\" name=\"q\" value=\"")
	htmlEscape(b, v.Q)
	b.WriteString("\" placeholder=\"")
	htmlEscape(b, tr.T("orgs.search_placeholder"))
	b.WriteString("\" aria-label=\"")
	htmlEscape(b, tr.T("orgs.search_label"))
	b.WriteString("\"\n hx-get=\"/orgs\" hx-trigger=\"input changed delay:300ms, search\" hx-target=\"#org-results\" hx-push-url=\"true\" autocomplete=\"off\">\n<button class=\"btn primary\" type=\"submit\">")
	htmlEscape(b, tr.T("orgs.search"))
	b.WriteString("</button>\n</form>\n<section class=\"card\" id=\"org-results\" aria-live=\"polite\">\n")
	writeTreeNodes(b, tr, v.Roots)
	b.WriteString("\n</section>\n")
	writeLayoutFoot(b, &v.View)
}
