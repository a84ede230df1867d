package i18n

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// Every format given to InputError.Add (or a helper of it) anywhere in the
// repository has a message in the catalog, in both languages; the catalog
// holds no format that is no longer used.
func TestInputErrorFormats(t *testing.T) {
	uses, problems := scanFormats(t, repoRoot(t))
	for _, p := range problems {
		t.Error(p)
	}
	if len(uses) < 100 {
		t.Fatalf("only %d formats found: is the scan broken?", len(uses))
	}
	used := map[string]bool{}
	for _, u := range uses {
		if passThrough(u.Format) {
			continue
		}
		used[u.Format] = true
		id, ok := InputErrorID(u.Format)
		if !ok {
			t.Errorf("%s: the format %q is not in the catalog of internal/i18n/inputerr.go (add it, with a message in locales/inputerr.zh-CN.toml and inputerr.en.toml)", u.Where, u.Format)
			continue
		}
		for _, lang := range Supported {
			if !Has(lang, id) {
				t.Errorf("%s: %s lacks the message %s of %q", u.Where, lang, id, u.Format)
			}
		}
	}
	for _, f := range InputErrorFormats() {
		if !used[f] {
			t.Errorf("the catalog lists %q, which no code passes to InputError.Add any more", f)
		}
	}
}

var templateArg = regexp.MustCompile(`\{\{\s*\.A(\d+)\s*\}\}`)

// verbs lists the verbs of a format ("%q" → 'q'), failing on what
// formatArgs does not handle.
func verbs(t *testing.T, format string) []byte {
	t.Helper()
	var out []byte
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			t.Errorf("%q: a lone %%", format)
			return out
		}
		if strings.IndexByte("*[", format[j]) >= 0 {
			t.Errorf("%q: * widths and explicit argument indexes are not supported", format)
		}
		if format[j] != '%' {
			out = append(out, format[j])
		}
		i = j
	}
	return out
}

// sampleArgs makes an argument for each verb.
func sampleArgs(vs []byte) []any {
	args := make([]any, len(vs))
	for i, v := range vs {
		switch v {
		case 'd':
			args[i] = 10 + i
		case 'U', 'c':
			args[i] = rune(7)
		default:
			args[i] = fmt.Sprintf("x%d", i)
		}
	}
	return args
}

// Each message uses every argument of its format, the same ones in both
// languages, and renders (no "<no value>", no fallback to English in
// zh-CN).
func TestInputErrorMessages(t *testing.T) {
	ids := map[string]bool{}
	for _, f := range InputErrorFormats() {
		id, _ := InputErrorID(f)
		ids[id] = true
		vs := verbs(t, f)
		args := sampleArgs(vs)
		english := fmt.Sprintf(f, args...)
		for _, lang := range Supported {
			tr := For(lang)
			raw := rawMessage(t, lang, id)
			var got []int
			for _, m := range templateArg.FindAllStringSubmatch(raw, -1) {
				n, _ := strconv.Atoi(m[1])
				got = append(got, n)
			}
			slices.Sort(got)
			got = slices.Compact(got)
			want := make([]int, len(vs))
			for i := range want {
				want[i] = i
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %s (%q): uses arguments %v, the format has %v", lang, id, f, got, want)
			}
			s := tr.InputError(f, args, english)
			if strings.Contains(s, "<no value>") || strings.Contains(s, "{{") || s == "" {
				t.Errorf("%s %s: %q", lang, id, s)
			}
			if lang == "zh-CN" && s == english {
				t.Errorf("zh-CN %s: falls back to English %q", id, s)
			}
		}
	}
	// No message of [inputerr] is left without a format.
	for _, lang := range Supported {
		for _, k := range Keys(lang) {
			if strings.HasPrefix(k, "inputerr.") && !ids[k] {
				t.Errorf("%s: %s belongs to no format of the catalog", lang, k)
			}
		}
	}
}

// rawMessage is a message's template of locales/inputerr.LANG.toml.
func rawMessage(t *testing.T, lang, id string) string {
	t.Helper()
	b, err := fs.ReadFile(Files(), "locales/inputerr."+lang+".toml")
	if err != nil {
		t.Fatal(err)
	}
	var tables map[string]map[string]string
	if _, err := toml.Decode(string(b), &tables); err != nil {
		t.Fatalf("inputerr.%s.toml: %v", lang, err)
	}
	group, key, _ := strings.Cut(id, ".")
	m, ok := tables[group][key]
	if !ok {
		t.Fatalf("inputerr.%s.toml has no %s", lang, id)
	}
	return m
}

func TestInputErrorTranslate(t *testing.T) {
	zh, en := For("zh-CN"), For("en")
	f := "unknown type %q (committee, general_branch, branch)"
	args := []any{"brunch"}
	english := fmt.Sprintf(f, args...)
	if got := zh.InputError(f, args, english); got != "未知的组织类型“brunch”（应为 committee、general_branch 或 branch）。" {
		t.Errorf("zh-CN: %q", got)
	}
	if got := en.InputError(f, args, english); got != `Unknown org type "brunch" (committee, general_branch or branch).` {
		t.Errorf("en: %q", got)
	}
	// %q keeps Go's escapes inside the quotes of the language.
	f = "org %q does not exist"
	if got := zh.InputError(f, []any{"a\tb\"c"}, "x"); got != `组织“a\tb\"c”不存在。` {
		t.Errorf("escapes: %q", got)
	}
	// Codes of a vocabulary are shown by name.
	f = "%s %q is not a target of campaign %s"
	if got := zh.InputError(f, []any{"secretary", "V1", "C1"}, "x"); got != "书记“V1”不是评议活动 C1 的评议对象。" {
		t.Errorf("target type label: %q", got)
	}
	f = "must be empty for category %s (cap %d)"
	if got := zh.InputError(f, []any{"elderly", 6}, "x"); got != "“年老体弱无劳动能力党员”类党员（最多 6 星）此项须为空。" {
		t.Errorf("category label: %q", got)
	}
	// An unknown code stays as it is.
	if got := zh.InputError(f, []any{"nope", 6}, "x"); !strings.Contains(got, "“nope”") {
		t.Errorf("unknown code: %q", got)
	}
	f = "control character %U in the text"
	if got := zh.InputError(f, []any{rune(0)}, "x"); got != "文本中含有控制字符 U+0000。" {
		t.Errorf("%%U: %q", got)
	}
	// Not in the catalog, or a pass-through: the message as it is.
	if got := zh.InputError("no such format %d", []any{1}, "no such format 1"); got != "no such format 1" {
		t.Errorf("unknown format: %q", got)
	}
	if got := zh.InputError("%s", []any{"已翻译"}, "已翻译"); got != "已翻译" {
		t.Errorf("pass-through: %q", got)
	}
}

func TestColumn(t *testing.T) {
	zh, en := For("zh-CN"), For("en")
	for col, want := range map[string]string{
		"code": "代码", "type": "类型", "parent_code": "上级组织代码", "org_code": "所属组织代码", "is_secretary": "是否书记",
		"ballot_no": "选票编号", "target_code": "评议对象代码", "ideology": "思想政治星", "member_code": "党员代码",
		"#3": "第 3 列", "": "", "no_such_column": "", "#x": "",
	} {
		if got := zh.Column(col); got != want {
			t.Errorf("zh-CN Column(%q) = %q, want %q", col, got, want)
		}
	}
	if got := en.Column("parent_code"); got != "Parent org code" {
		t.Errorf("en: %q", got)
	}
	if got := en.Column("#12"); got != "column 12" {
		t.Errorf("en #12: %q", got)
	}
}

func TestFormatArgs(t *testing.T) {
	got := formatArgs("%q and %d%% of %s, %v %U %5.2f", []any{"a\"b", 3, "x", fmt.Errorf("e"), rune('A'), 1.5, "extra"})
	want := []string{`a\"b`, "3", "x", "e", "U+0041", " 1.50", "extra"}
	if !slices.Equal(got, want) {
		t.Errorf("formatArgs = %q, want %q", got, want)
	}
}
