package markdown

import (
	"strings"
	"testing"
)

// FuzzRender: whatever the source, the output holds only the allowed
// elements and attributes (no script, no event handler, no style, no
// javascript: or data: link), every link has rel="nofollow noopener", the
// tags are balanced, and rendering the same source twice gives the same
// HTML.
func FuzzRender(f *testing.F) {
	for _, s := range xss {
		f.Add(s)
	}
	for _, s := range []string{
		"# 标题\n\n正文 **粗** *斜* ~~删~~ `码`\n\n- 一\n- 二\n\n1. 甲\n2. 乙\n\n> 引\n\n---\n",
		"| 项 | 分 |\n|:--|--:|\n| 甲 | 9 |\n",
		"\uFEFF# BOM\r\n\r\n正文\r\n",
		"[a](http://x.example) <https://y.example> www.z.example a@b.example",
		strings.Repeat(">", 200) + " deep",
		strings.Repeat("*", 300) + "a" + strings.Repeat("_", 300),
		strings.Repeat("[", 500) + "x" + strings.Repeat("](y)", 500),
		strings.Repeat("- ", 300) + "x",
		"a\x00b\xff\xfe",
		"[x]: <javascript:alert(1)> \"t\"\n\n[x][] [x]",
		"=1+1\n\n@SUM(A1)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := string(Render(src))
		checkSafe(t, src, out)
		if again := string(Render(src)); again != out {
			t.Fatalf("Render(%q) gave two outputs", src)
		}
	})
}
