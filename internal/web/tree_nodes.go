package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/pingyi/pingyi/internal/i18n"
)

// treeNodes writes a list of orgNode as tree rows, as the template
// "tree_nodes" did (TestTreeNodesAsTemplate keeps the two byte for byte
// equal): a node with children is a <details> that loads them with htmx
// when first opened, or, without JavaScript, offers a link to the org page
// (which lists them). Every page of the tree shows it, and executing it
// through html/template (reflection on every field, escaper and function
// call) cost more than the rest of the tree page; here every value is
// escaped as html/template escapes it in that place: htmlEscape for text
// and quoted attributes, urlNormalize then htmlEscape in href.
func treeNodes(tr *i18n.Translator, nodes []orgNode) template.HTML {
	var b bytes.Buffer
	b.Grow(160 + 900*len(nodes))
	writeTreeNodes(&b, tr, nodes)
	return template.HTML(b.String())
}

// writeTreeNodes writes treeNodes to b.
func writeTreeNodes(b *bytes.Buffer, tr *i18n.Translator, nodes []orgNode) {
	b.WriteString(`<ul class="tree">`)
	for i := range nodes {
		n := &nodes[i]
		b.WriteString("\n<li>")
		if n.ChildCount != 0 {
			b.WriteString(`<details hx-get="/orgs/`)
			htmlEscape(b, n.Code)
			b.WriteString(`/children" hx-trigger="toggle once" hx-target="find .tree-children" hx-swap="innerHTML" data-code="`)
			htmlEscape(b, n.Code)
			b.WriteString("\">\n<summary>")
			treeNode(b, tr, n)
			b.WriteString("</summary>\n<div class=\"tree-children\"><a href=\"/orgs/")
			htmlEscape(b, urlNormalize(n.Code))
			b.WriteString(`">`)
			htmlEscape(b, tr.T("orgs.children_link"))
			b.WriteString("</a></div>\n</details>")
		} else {
			b.WriteString(`<div class="tree-leaf">`)
			treeNode(b, tr, n)
			b.WriteString(`</div>`)
		}
		b.WriteString("</li>")
	}
	if len(nodes) == 0 {
		b.WriteString("\n<li class=\"empty\">")
		htmlEscape(b, tr.T("orgs.none"))
		b.WriteString("</li>")
	}
	b.WriteString("\n</ul>")
}

// treeNode is one row's line: twisty, name, type, counts.
func treeNode(b *bytes.Buffer, tr *i18n.Translator, n *orgNode) {
	if n.ChildCount != 0 {
		b.WriteString("<span class=\"node\">\n<span class=\"twisty\" aria-hidden=\"true\">▶</span>\n")
	} else {
		b.WriteString("<span class=\"node\">\n<span class=\"twisty leaf\" aria-hidden=\"true\">•</span>\n")
	}
	b.WriteString(`<span class="node-name"><a href="/orgs/`)
	htmlEscape(b, urlNormalize(n.Code))
	b.WriteString(`">`)
	htmlEscape(b, n.Name)
	b.WriteString(`</a> <span class="badge `)
	typ := string(n.Type)
	htmlEscape(b, typ)
	b.WriteString(`">`)
	if typ != "" {
		htmlEscape(b, tr.T("org_type."+typ))
	}
	b.WriteString("</span></span>\n<span class=\"node-meta\">")
	htmlEscape(b, tr.T("orgs.members_n", "N", n.Members))
	if n.ChildCount != 0 {
		b.WriteString(`<span class="hide-phone"> · `)
		htmlEscape(b, tr.T("orgs.children_n", "N", n.ChildCount))
		b.WriteString(`</span>`)
	}
	b.WriteString("</span>\n</span>")
}

// htmlEscape writes s escaped as html/template escapes text and quoted
// attribute values (its htmlReplacementTable).
func htmlEscape(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(repl)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// urlNormalize is html/template's normalization of a value in a URL after
// its start ("/orgs/{{.Code}}"): bytes outside RFC 3986's unreserved and
// reserved sets percent-encoded, valid escapes kept.
func urlNormalize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if !urlKeep(s, i) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if urlKeep(s, i) {
			b.WriteByte(s[i])
		} else {
			fmt.Fprintf(&b, "%%%02x", s[i])
		}
	}
	return b.String()
}

func urlKeep(s string, i int) bool {
	c := s[i]
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0:
		return true
	case c == '%':
		return i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2])
	}
	return false
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
