package markdown

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// xss are attacks in the manner of OWASP's XSS filter evasion cheat sheet:
// none may leave a script, an event handler, a style or a link to
// anything but http, https, mailto or a relative address.
var xss = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>`,
	`<IMG SRC="javascript:alert('XSS');">`,
	`<IMG SRC=JaVaScRiPt:alert('XSS')>`,
	"<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
	`<a onmouseover="alert(document.cookie)">xxs link</a>`,
	`<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\>`,
	`<IMG SRC=# onmouseover="alert('xxs')">`,
	`<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>`,
	`<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">`,
	`<IMG SRC="jav	ascript:alert('XSS');">`,
	`<IMG SRC="jav&#x09;ascript:alert('XSS');">`,
	`<IMG SRC=" &#14;  javascript:alert('XSS');">`,
	`<SCRIPT/XSS SRC="http://xss.example/xss.js"></SCRIPT>`,
	`<BODY onload!#$%&()*~+-_.,:;?@[/|\]^` + "`" + `=alert("XSS")>`,
	`<<SCRIPT>alert("XSS");//\<</SCRIPT>`,
	`<iframe src=http://xss.example/scriptlet.html <`,
	`\";alert('XSS');//`,
	`</TITLE><SCRIPT>alert("XSS");</SCRIPT>`,
	`<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">`,
	`<BODY BACKGROUND="javascript:alert('XSS')">`,
	`<svg/onload=alert('XSS')>`,
	`<STYLE>li {list-style-image: url("javascript:alert('XSS')");}</STYLE><UL><LI>XSS</br>`,
	`<DIV STYLE="background-image: url(javascript:alert('XSS'))">`,
	`<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">`,
	`<TABLE BACKGROUND="javascript:alert('XSS')">`,
	`<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.example/scriptlet.html"></OBJECT>`,
	`<a href="javascript:alert(1)">x</a>`,
	// The same through Markdown's own syntax.
	`[x](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x](  javascript:alert(1) "t")`,
	`[x](&#106;avascript:alert(1))`,
	`[x](&#x6A;avascript&#58;alert(1))`,
	`[x](java%0Ascript:alert(1))`,
	`[x](vbscript:msgbox(1))`,
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`[x](file:///etc/passwd)`,
	`[x]: javascript:alert(1)` + "\n\n[x]",
	`<javascript:alert(1)>`,
	`![x](javascript:alert(1))`,
	`![x" onerror="alert(1)](http://a.example/i.png)`,
	`[x](http://a.example/" onclick="alert(1))`,
	`[x](<http://a.example/"onmouseover="alert(1)>)`,
	"```\"><script>alert(1)</script>\n```",
	"`<script>alert(1)</script>`",
	"    <script>alert(1)</script>",
	`<!-- --><script>alert(1)</script>`,
	`<![CDATA[<script>alert(1)</script>]]>`,
	"| a |\n|---|\n| <script>alert(1)</script> |",
	`**<img src=x onerror=alert(1)>**`,
	`www.example.com/"onmouseover="alert(1)`,
	`https://example.com/<script>`,
}

func TestRenderXSS(t *testing.T) {
	for _, src := range xss {
		checkSafe(t, src, string(Render(src)))
	}
}

func TestRenderKeepsMarkdown(t *testing.T) {
	cases := []struct{ src, want string }{
		{"# 通知", "<h1>通知</h1>"},
		{"**重要** 与 *强调* 和 ~~删除~~", "<p><strong>重要</strong> 与 <em>强调</em> 和 <del>删除</del></p>"},
		{"[党建网](https://www.example.cn/a?b=1&c=2)", `<a href="https://www.example.cn/a?b=1&amp;c=2" rel="nofollow noopener">党建网</a>`},
		{"联系 <mailto:office@example.cn>", `<a href="mailto:office@example.cn" rel="nofollow noopener">`},
		{"见 https://example.cn/x 。", `<a href="https://example.cn/x" rel="nofollow noopener">https://example.cn/x</a>`},
		{"[本页](/bulletins/3)", `<a href="/bulletins/3" rel="nofollow noopener">本页</a>`},
		{"3. 三\n4. 四", `<ol start="3">`},
		{"| 项 | 分 |\n|:--|--:|\n| 甲 | 9 |", `<th align="left">项</th>`},
		{"> 引用", "<blockquote>\n<p>引用</p>\n</blockquote>"},
		{"`a<b`", "<code>a&lt;b</code>"},
		{"a < b & c > d", "<p>a &lt; b &amp; c &gt; d</p>"},
		{"<b>粗</b>", "<p>粗</p>"},
		{"[x](javascript:alert(1))", "<p><a rel=\"nofollow noopener\">x</a></p>"},
		{"![图](https://example.cn/a.png)", "<p></p>"},
		{"a\x00b\xff", "<p>a\uFFFDb\uFFFD</p>"},
	}
	for _, c := range cases {
		got := string(Render(c.src))
		if !strings.Contains(got, c.want) {
			t.Errorf("Render(%q) = %q, want it to hold %q", c.src, got, c.want)
		}
		checkSafe(t, c.src, got)
	}
}

func TestRenderCutsLongSources(t *testing.T) {
	src := strings.Repeat("党", MaxLen) // 3 bytes each
	got := string(Render(src))
	if n := strings.Count(got, "党"); n != MaxLen/3 {
		t.Errorf("%d characters kept of a %d-byte source, want %d", n, len(src), MaxLen/3)
	}
	if !utf8.ValidString(got) {
		t.Error("cut inside a character")
	}
}

// Sources that would parse slowly are shown as escaped text.
func TestRenderTooComplexIsPlain(t *testing.T) {
	for _, src := range []string{
		strings.Repeat("[a](", MaxBrackets+1),
		strings.Repeat("> ", MaxDepth+1) + "<script>x</script>",
		"ok\n\n" + strings.Repeat("- ", MaxDepth+1) + "x\r\ny",
	} {
		got := string(Render(src))
		if !strings.HasPrefix(got, "<p>") || strings.Contains(got, "<blockquote>") || strings.Contains(got, "<a ") || strings.Contains(got, "<li>") {
			t.Errorf("Render(%.40q…) = %.80q…, want escaped text", src, got)
		}
		checkSafe(t, src, got)
	}
	if got := string(Render(strings.Repeat("> ", MaxDepth) + "引")); !strings.Contains(got, "<blockquote>") {
		t.Errorf("a quote %d deep is not rendered: %.80q", MaxDepth, got)
	}
}

// allowed are the elements and attributes the policy lets through.
var allowed = map[string]map[string]bool{
	"p": {}, "br": {}, "hr": {}, "h1": {}, "h2": {}, "h3": {}, "h4": {}, "h5": {}, "h6": {},
	"strong": {}, "em": {}, "del": {}, "code": {}, "pre": {}, "blockquote": {}, "ul": {}, "li": {},
	"ol": {"start": true}, "table": {}, "thead": {}, "tbody": {}, "tr": {},
	"th": {"align": true}, "td": {"align": true}, "a": {"href": true, "rel": true},
}

var void = map[string]bool{"br": true, "hr": true}

// checkSafe asserts the properties Render promises of its output out:
// only allowed elements and attributes (so no script, style, event
// handler), links only to http, https, mailto or relative addresses with
// rel="nofollow noopener", and balanced tags.
func checkSafe(t *testing.T, src, out string) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("Render(%q) = %q: %s", src, out, fmt.Sprintf(format, args...))
	}
	if !utf8.ValidString(out) {
		fail("not UTF-8")
	}
	low := strings.ToLower(out)
	for _, bad := range []string{"<script", "<style", "<iframe", "<img", "<svg", "<object"} {
		if strings.Contains(low, bad) { // escaped text (&lt;script) is fine
			fail("holds %s", bad)
		}
	}
	z := html.NewTokenizer(strings.NewReader(out))
	var open []string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				fail("tokenizer: %v", z.Err())
			}
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			attrs, ok := allowed[tok.Data]
			if !ok {
				fail("element <%s>", tok.Data)
			}
			seenRel := false
			for _, a := range tok.Attr {
				if !attrs[a.Key] || strings.HasPrefix(a.Key, "on") {
					fail("attribute %s on <%s>", a.Key, tok.Data)
				}
				switch a.Key {
				case "href":
					u, err := url.Parse(a.Val)
					if err != nil {
						fail("unparsable href %q", a.Val)
					}
					if s := strings.ToLower(u.Scheme); s != "" && s != "http" && s != "https" && s != "mailto" {
						fail("href scheme %q", u.Scheme)
					}
					if strings.Contains(strings.ToLower(a.Val), "javascript:") {
						fail("href %q", a.Val)
					}
				case "rel":
					seenRel = a.Val == Rel
				}
			}
			if tok.Data == "a" && !seenRel {
				fail("a link without rel=%q", Rel)
			}
			if tt == html.StartTagToken && !void[tok.Data] {
				open = append(open, tok.Data)
			}
		case html.EndTagToken:
			if void[tok.Data] {
				continue
			}
			if len(open) == 0 || open[len(open)-1] != tok.Data {
				fail("</%s> closes %v", tok.Data, open)
			}
			open = open[:len(open)-1]
		case html.CommentToken, html.DoctypeToken:
			fail("comment or doctype %q", tok.Data)
		}
	}
	if len(open) != 0 {
		fail("unclosed %v", open)
	}
}
