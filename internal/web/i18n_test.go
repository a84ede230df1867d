package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
)

// Every T "key" of the templates, every key literal of the Go code, and
// every value of the vocabularies shown with label exists in every
// language.
func TestTranslationsExist(t *testing.T) {
	need := map[string]string{} // key → where it is used

	tcall := regexp.MustCompile(`\bT\s+"([^"]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, p)
		if err != nil {
			return err
		}
		for _, m := range tcall.FindAllStringSubmatch(string(b), -1) {
			need[m[1]] = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(need) < 50 {
		t.Fatalf("found only %d T calls in the templates: is the pattern broken?", len(need))
	}

	// Go code: string literals "group.key" whose group is a message table.
	groups := map[string]bool{}
	for _, k := range i18n.Keys(i18n.Default) {
		groups[k[:strings.IndexByte(k, '.')]] = true
	}
	lit := regexp.MustCompile(`"([a-z_]+)\.([A-Za-z0-9_\-]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			if groups[m[1]] {
				need[m[1]+"."+m[2]] = file
			}
		}
	}

	// Dynamic keys.
	for _, n := range slices.Concat(navHead, navTail) {
		need[n.Key] = "nav"
		need[n.Key+"_hint"] = "nav (dashboard)"
	}
	need["nav.home"] = "layout"
	for _, r := range pingyi.Roles {
		need["role."+string(r)] = "label role"
	}
	for _, v := range pingyi.OrgTypes {
		need["org_type."+string(v)] = "label org_type"
	}
	for _, v := range pingyi.Domains {
		need["domain."+string(v)] = "label domain"
	}
	for _, v := range pingyi.Categories {
		need["category."+string(v)] = "label category"
	}
	for _, v := range []string{"male", "female"} {
		need["gender."+v] = "label gender"
	}
	for _, l := range i18n.Supported {
		need["lang."+l] = "label lang"
	}
	for _, st := range []string{"400", "403", "404", "429", "500", "other"} {
		need["error.status_"+st] = "fail"
	}

	for _, lang := range i18n.Supported {
		for k, where := range need {
			if !i18n.Has(lang, k) {
				t.Errorf("%s: no message %q (used in %s)", lang, k, where)
			}
		}
	}
}
