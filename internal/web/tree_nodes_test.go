package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// treeNodesTemplate is the template treeNodes replaced, as it was in
// templates/partials/tree.html: the reference it must write byte for byte.
const treeNodesTemplate = `{{/* tree_nodes: a list of orgNode as tree rows; a node with children is a
     <details> that loads them with htmx when first opened, or, without
     JavaScript, offers a link to the org page (which lists them). */}}
{{define "tree_nodes"}}<ul class="tree">
{{- range .}}
<li>{{if .ChildCount}}<details hx-get="/orgs/{{.Code}}/children" hx-trigger="toggle once" hx-target="find .tree-children" hx-swap="innerHTML" data-code="{{.Code}}">
<summary>{{template "tree_node" .}}</summary>
<div class="tree-children"><a href="/orgs/{{.Code}}">{{T "orgs.children_link"}}</a></div>
</details>{{else}}<div class="tree-leaf">{{template "tree_node" .}}</div>{{end}}</li>
{{- else}}
<li class="empty">{{T "orgs.none"}}</li>
{{- end}}
</ul>{{end}}

{{define "tree_node"}}<span class="node">
<span class="twisty{{if not .ChildCount}} leaf{{end}}" aria-hidden="true">{{if .ChildCount}}▶{{else}}•{{end}}</span>
<span class="node-name"><a href="/orgs/{{.Code}}">{{.Name}}</a> <span class="badge {{.Type}}">{{label "org_type" .Type}}</span></span>
<span class="node-meta">{{T "orgs.members_n" "N" .Members}}{{if .ChildCount}}<span class="hide-phone"> · {{T "orgs.children_n" "N" .ChildCount}}</span>{{end}}</span>
</span>{{end}}

`

// TestTreeNodesAsTemplate: treeNodes writes what the template wrote, in
// both languages, for leaves and nodes with children, no nodes, and
// values that need escaping in text, attributes and URLs.
func TestTreeNodesAsTemplate(t *testing.T) {
	hostile := []orgNode{
		{Org: pingyi.Org{Code: "NB", Name: "中共宁波市委", Type: pingyi.OrgType("committee"), ChildCount: 10}, Members: 594981},
		{Org: pingyi.Org{Code: "B1", Name: "第一支部", Type: pingyi.OrgType("branch")}, Members: 0},
		{Org: pingyi.Org{Code: "a b/<c>&\"'+=`%41%zz%4", Name: "<script>alert('x')</script> & \"q\" +1 =`\x00", Type: pingyi.OrgType("x\" onmouseover=\"y"), ChildCount: 1}, Members: 7},
		{Org: pingyi.Org{Code: "码?#!é\xff", Name: "\xff\xfe bad utf-8", Type: "", ChildCount: 0}, Members: -1},
		{Org: pingyi.Org{Code: "G", Name: "总支", Type: pingyi.OrgType("general_branch"), ChildCount: 3}, Members: 12},
	}
	for _, lang := range i18n.Supported {
		tr := i18n.For(lang)
		ref := template.Must(template.New("").Funcs(template.FuncMap{
			"T": tr.T,
			"label": func(group string, v any) string {
				sv := fmt.Sprint(v)
				if sv == "" {
					return ""
				}
				return tr.T(group + "." + sv)
			},
		}).Parse(treeNodesTemplate))
		for _, nodes := range [][]orgNode{nil, hostile[:1], hostile[1:2], hostile} {
			var want strings.Builder
			if err := ref.ExecuteTemplate(&want, "tree_nodes", nodes); err != nil {
				t.Fatal(err)
			}
			if got := string(treeNodes(tr, nodes)); got != want.String() {
				t.Errorf("%s, %d nodes:\n got %q\nwant %q", lang, len(nodes), got, want.String())
			}
		}
	}
}

// TestOrgTreePageAsTemplate: the tree page written in Go is the page the
// templates wrote, byte for byte: through the handler for accounts of
// several scopes and both languages, and directly with a flash message,
// hostile values and no roots.
func TestOrgTreePageAsTemplate(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), Options{})
	defer func() { orgTreeInGo = true }()
	for _, who := range []string{"admin", "orgadmin", "inspector", "orgadmin2", "secretary"} {
		for _, lang := range []string{"zh-CN", "en"} {
			c := f.as(who)
			c.Lang = lang
			for _, path := range []string{"/orgs", "/orgs?q=", "/orgs?q=%20%20"} {
				orgTreeInGo = false
				st1, want := c.get(path)
				orgTreeInGo = true
				st2, got := c.get(path)
				if st1 != st2 || got != want {
					t.Errorf("%s %s %s: Go %d\n%s\ntemplates %d\n%s", who, lang, path, st2, got, st1, want)
				}
				if st1 == http.StatusOK && !strings.Contains(got, `<ul class="tree">`) {
					t.Errorf("%s %s %s: no tree in\n%s", who, lang, path, got)
				}
			}
		}
	}
	hostile := []orgNode{
		{Org: pingyi.Org{Code: "a&b", Name: "<i>x</i> \"'+", Type: "committee", ChildCount: 2}, Members: 3},
		{Org: pingyi.Org{Code: "L", Name: "叶", Type: "branch"}, Members: 1},
	}
	for _, lang := range i18n.Supported {
		for _, v := range []*orgTreeView{{Roots: hostile}, {}, {Q: ""}} {
			v.Lang, v.Flash = lang, "<b>saved & \"done\"</b>"
			v.Chrome = &chrome{Head: "<!doctype html><html>\n", Top: "<body><main>", Foot: "</main></body></html>\n"}
			var want strings.Builder
			var got bytes.Buffer
			if err := f.srv.tmpl.pages[lang]["orgs"].ExecuteTemplate(&want, "layout", v); err != nil {
				t.Fatal(err)
			}
			writeOrgTreePage(&got, i18n.For(lang), v)
			if got.String() != want.String() {
				t.Errorf("%s, %d roots:\n got %q\nwant %q", lang, len(v.Roots), got.String(), want.String())
			}
			v.Flash = ""
			want.Reset()
			got.Reset()
			f.srv.tmpl.pages[lang]["orgs"].ExecuteTemplate(&want, "layout", v)
			writeOrgTreePage(&got, i18n.For(lang), v)
			if got.String() != want.String() {
				t.Errorf("%s, no flash:\n got %q\nwant %q", lang, got.String(), want.String())
			}
		}
	}
}
