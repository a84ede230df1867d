package app

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Large numbers are shown with thousands separators (issue 16): a count
// in a number cell or a figure of every page of every package goes through
// the templates' num (or web.Thousands in HTML written by Go). Line
// numbers of import errors stay as spreadsheets show them.
func TestNumbersGrouped(t *testing.T) {
	raw := regexp.MustCompile(`class="(?:num|stat-n)"[^>]*>\{\{(len [^}]+|[.$][A-Za-z0-9_.]+)\}\}`)
	goRaw := regexp.MustCompile("class=\\\\?\"num\\\\?\">` \\+ strconv\\.(?:FormatInt|Itoa)")
	root := filepath.Join("..")
	var bad []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		isTemplate := strings.HasSuffix(path, ".html") && strings.Contains(path, "templates")
		isGo := strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go")
		if !isTemplate && !isGo {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		re := raw
		if isGo {
			re = goRaw
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if len(m) > 1 && m[1] == ".Line" {
				continue
			}
			bad = append(bad, path+": "+m[0])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("a number without thousands separators: %s", b)
	}
}
