package i18n

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestSameKeys(t *testing.T) {
	zh, en := Keys("zh-CN"), Keys("en")
	if len(zh) < 100 {
		t.Fatalf("only %d zh-CN messages", len(zh))
	}
	for _, k := range zh {
		if !Has("en", k) {
			t.Errorf("en lacks %q", k)
		}
	}
	for _, k := range en {
		if !Has("zh-CN", k) {
			t.Errorf("zh-CN lacks %q", k)
		}
	}
}

// The arguments of a message are the same in both languages, and no
// message is empty.
func TestSameArguments(t *testing.T) {
	arg := regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
	args := func(s string) []string {
		var out []string
		for _, m := range arg.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	raw := map[string]map[string]string{}
	for _, lang := range Supported {
		b, err := fs.ReadFile(Files(), "locales/"+lang+".toml")
		if err != nil {
			t.Fatal(err)
		}
		var tables map[string]map[string]string
		if _, err := toml.Decode(string(b), &tables); err != nil {
			t.Fatalf("%s: %v (one level of tables of strings, please)", lang, err)
		}
		raw[lang] = map[string]string{}
		for g, kv := range tables {
			for k, v := range kv {
				raw[lang][g+"."+k] = v
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s: %s.%s is empty", lang, g, k)
				}
			}
		}
	}
	for k, zh := range raw["zh-CN"] {
		if en, ok := raw["en"][k]; ok && !slices.Equal(args(zh), args(en)) {
			t.Errorf("%s: arguments %v in zh-CN but %v in en", k, args(zh), args(en))
		}
	}
}

func TestTranslate(t *testing.T) {
	if got := For("zh-CN").T("login.too_many", "Minutes", 15); got != "登录失败次数过多，请 15 分钟后再试。" {
		t.Errorf("zh-CN: %q", got)
	}
	if got := For("en").T("login.too_many", "Minutes", 15); got != "Too many failed logins. Please try again in 15 minutes." {
		t.Errorf("en: %q", got)
	}
	if got := For("fr").T("login.title"); got != "登录" {
		t.Errorf("an unsupported language does not fall back to zh-CN: %q", got)
	}
	if got := For("en").T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{nil, "zh-CN"},
		{[]string{""}, "zh-CN"},
		{[]string{"en"}, "en"},
		{[]string{"EN"}, "en"},
		{[]string{"en-US,en;q=0.9"}, "en"},
		{[]string{"zh-CN,zh;q=0.9,en;q=0.8"}, "zh-CN"},
		{[]string{"zh-TW"}, "zh-CN"},
		{[]string{"zh"}, "zh-CN"},
		{[]string{"fr-FR,fr;q=0.9"}, "zh-CN"},
		{[]string{"fr-FR,en;q=0.5"}, "en"},
		{[]string{"", "en"}, "en"},
		{[]string{"xx-garbage;;", "en"}, "en"},
	} {
		if got := Match(c.in...); got != c.want {
			t.Errorf("Match(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}
