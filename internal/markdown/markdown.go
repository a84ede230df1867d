// Package markdown renders the Markdown that staff write (bulletins and
// commitments, issue 14) into HTML that is safe to put in a page as it is:
// goldmark parses CommonMark with GitHub's tables, strikethrough and bare
// links, raw HTML in the source is never passed through (it is dropped),
// and the result is filtered again by a bluemonday policy in the manner of
// its UGC policy: only text elements, lists, quotes, code, tables and
// links; no images, no style, no classes, no event handlers; links only
// to http, https, mailto or relative addresses, each with
// rel="nofollow noopener". Sources longer than MaxLen bytes are cut, and
// sources whose parsing would take long (more than MaxBrackets brackets,
// quotes nested deeper than MaxDepth) are shown as plain text, escaped.
//
// It is a leaf: it imports nothing of Pingyi.
package markdown

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Bounds on the source, which bound the time and memory one render takes:
// goldmark's link parsing is quadratic in unclosed brackets ("[a](" 16,000
// times took 5.7 s) and its quotes cost in their depth ("> " 32,000
// times, 2.7 s).
const (
	// MaxLen is the longest source rendered, in bytes; the rest is cut
	// (on a character boundary).
	MaxLen = 64 << 10
	// MaxBrackets is the most "[" a source may hold to be parsed.
	MaxBrackets = 2000
	// MaxDepth is the deepest a line's quote and list markers may nest.
	MaxDepth = 32
)

// Rel is the rel attribute every link gets.
const Rel = "nofollow noopener"

var (
	md = goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough, extension.Linkify),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(relLinks{}, 100))),
		// No html.WithUnsafe: raw HTML and dangerous link destinations
		// (javascript:, vbscript:, data: and file:) are left out.
	)
	policy = newPolicy()
)

// relLinks sets rel on every link goldmark renders.
type relLinks struct{}

func (relLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (n.Kind() == ast.KindLink || n.Kind() == ast.KindAutoLink) {
			n.SetAttributeString("rel", []byte(Rel))
		}
		return ast.WalkContinue, nil
	})
}

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
		"table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,9}$`)).OnElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + Rel + `$`)).OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.AllowElements("a")
	return p
}

// Render renders src as safe HTML.
func Render(src string) template.HTML {
	if len(src) > MaxLen {
		cut := MaxLen
		for cut > 0 && !utf8.RuneStart(src[cut]) {
			cut--
		}
		src = src[:cut]
	}
	src = strings.ToValidUTF8(src, "\uFFFD")
	src = strings.ReplaceAll(src, "\x00", "\uFFFD")
	var b bytes.Buffer
	if tooComplex(src) || md.Convert([]byte(src), &b) != nil {
		// goldmark only fails when the writer does, which a bytes.Buffer
		// does not.
		return plain(src)
	}
	return template.HTML(policy.SanitizeBytes(b.Bytes()))
}

// tooComplex reports a source past MaxBrackets or MaxDepth.
func tooComplex(src string) bool {
	if strings.Count(src, "[") > MaxBrackets {
		return true
	}
	for line := range strings.Lines(src) {
		depth := 0
	prefix:
		for _, c := range []byte(line) {
			switch c {
			case '>', '-', '*', '+':
				depth++
			case ' ', '\t', '.', ')', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			default:
				break prefix
			}
		}
		if depth > MaxDepth {
			return true
		}
	}
	return false
}

// plain shows src as escaped text: a paragraph per blank-line-separated
// block, its lines kept.
func plain(src string) template.HTML {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(template.HTMLEscapeString(strings.Trim(para, "\n")), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	return template.HTML(b.String())
}
