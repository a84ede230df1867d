package i18n

import (
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// TestSubstitution: a message filled in without go-i18n reads exactly as
// go-i18n's template makes it, for every such message of every language,
// with integer and string arguments (HTML specials included: escaping is
// the page's business, not the translator's).
func TestSubstitution(t *testing.T) {
	n := 0
	for _, lang := range Supported {
		tr := For(lang)
		for id, sub := range *tr.subs.Load() {
			for _, val := range []any{0, 12, int64(-3), int32(7), "a<b>&\"'+", ""} {
				var args []any
				data := map[string]any{}
				for _, f := range sub.field {
					args = append(args, f, val)
					data[f] = val
				}
				got, ok := sub.fill(args)
				if !ok {
					t.Fatalf("%s %s: not filled with %v", lang, id, args)
				}
				want, err := tr.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
				if err != nil {
					t.Fatal(err)
				}
				if got != want || tr.T(id, args...) != want {
					t.Errorf("%s %s: %q, go-i18n %q", lang, id, got, want)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no message with fields")
	}
	for _, l := range []string{"zh-CN", "en"} {
		if (*For(l).subs.Load())["orgs.members_n"] == nil {
			t.Errorf("%s: orgs.members_n is not filled in directly", l)
		}
	}
	// A missing argument or another type goes through go-i18n.
	tr := For("en")
	if got := tr.T("orgs.members_n"); got != tr.T("orgs.members_n", "X", 1) {
		t.Errorf("missing argument: %q vs %q", got, tr.T("orgs.members_n", "X", 1))
	}
	if got := tr.T("orgs.members_n", "N", 1.5); got != "Members: 1.5" {
		t.Errorf("float argument: %q", got)
	}
	for _, bad := range []string{"{{.N", "{{ .N }}", "{{if .N}}x{{end}}", "{{.N.M}}", "{{.1}}", "no fields"} {
		if parseSubstitution(bad) != nil {
			t.Errorf("%q parsed as a plain substitution", bad)
		}
	}
}
