package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/pingyi/pingyi/"

// features are the feature packages (SPEC sections): each a room of its
// own, with its web part in a subpackage. A package is a feature's when its
// path is the feature's or lies under it.
var features = []string{
	"internal/appraisal",
	"internal/stars",
	"internal/doublereport",
	"internal/voice",
}

// below are the platform and the shell: they never import a feature.
var below = []string{
	"internal/store",
	"internal/web",
	"internal/rules",
	"internal/pingyi",
	"internal/i18n",
	"internal/auth",
	"internal/tabular",
	"internal/pdf",
	"internal/assets",
	"internal/metrics",
	"internal/openapi",
	"internal/export",
}

// featureOf names the feature a package belongs to ("" for none).
func featureOf(pkg string) string {
	for _, f := range features {
		if pkg == f || strings.HasPrefix(pkg, f+"/") {
			return f
		}
	}
	return ""
}

func isBelow(pkg string) bool {
	for _, b := range below {
		if pkg == b || strings.HasPrefix(pkg, b+"/") {
			return true
		}
	}
	return false
}

// violations lists the broken dependency rules of a dependency graph
// (package → the module's packages it depends on, directly or not):
// the platform and the shell never depend on a feature, and a feature
// never on another (a feature that needs another's data declares the
// interface it consumes; cli/app wires the two).
func violations(deps map[string][]string) []string {
	var out []string
	for pkg, ds := range deps {
		for _, d := range ds {
			fd := featureOf(d)
			if fd == "" {
				continue
			}
			switch fp := featureOf(pkg); {
			case isBelow(pkg):
				out = append(out, fmt.Sprintf("%s (platform/shell) depends on the feature package %s", pkg, d))
			case fp != "" && fp != fd:
				out = append(out, fmt.Sprintf("%s (feature %s) depends on %s of the feature %s", pkg, fp, d, fd))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out) // a package and its tests: one line
}

// moduleDeps runs go list -deps over every package of the module (tests
// included) and returns, per package, the module's packages it depends on.
func moduleDeps(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-test", "-json=ImportPath,Deps", module+"...")
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	deps := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		// "pkg [pkg.test]" and "pkg_test [pkg.test]" are pkg's tests.
		path, _, _ := strings.Cut(p.ImportPath, " ")
		path = strings.TrimSuffix(path, "_test")
		if !strings.HasPrefix(path, module) || strings.HasSuffix(path, ".test") {
			continue
		}
		path = strings.TrimPrefix(path, module)
		for _, d := range p.Deps {
			if strings.HasPrefix(d, module) {
				d, _, _ = strings.Cut(strings.TrimPrefix(d, module), " ")
				if d != path {
					deps[path] = append(deps[path], d)
				}
			}
		}
	}
	if len(deps) == 0 {
		t.Fatal("go list found no packages")
	}
	return deps
}

// TestLayout enforces the dependency rules of docs/ARCHITECTURE.md on the
// real module, tests included.
func TestLayout(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH: cannot list the module's dependencies")
	}
	deps := moduleDeps(t)
	for _, pkg := range []string{"internal/store", "internal/web", "internal/cli"} {
		if _, ok := deps[pkg]; !ok {
			t.Errorf("go list gave no dependencies for %s", pkg)
		}
	}
	for _, v := range violations(deps) {
		t.Error(v)
	}
}

// TestLayoutRules: the checker catches each kind of broken rule.
func TestLayoutRules(t *testing.T) {
	for _, c := range []struct {
		name string
		deps map[string][]string
		want int
	}{
		{"allowed", map[string][]string{
			"internal/cli":                  {"internal/voice", "internal/doublereport/web", "internal/store"},
			"internal/app":                  {"internal/stars/web"},
			"internal/voice/web":            {"internal/voice", "internal/web", "internal/store", "internal/rules"},
			"internal/doublereport":         {"internal/store", "internal/rules"},
			"internal/web/webtest":          {"internal/web", "internal/store/storetest"},
			"internal/stars":                {"internal/store"},
			"internal/appraisal/api":        {"internal/appraisal"},
			"internal/doublereportish/test": {"internal/store"},
		}, 0},
		{"store imports a feature", map[string][]string{"internal/store": {"internal/appraisal"}}, 1},
		{"storetest imports a feature", map[string][]string{"internal/store/storetest": {"internal/voice"}}, 1},
		{"the shell imports a feature's web part", map[string][]string{"internal/web": {"internal/stars/web"}}, 1},
		{"webtest imports a feature", map[string][]string{"internal/web/webtest": {"internal/voice/web"}}, 1},
		{"rules import a feature", map[string][]string{"internal/rules": {"internal/stars"}}, 1},
		{"a feature imports another", map[string][]string{"internal/stars": {"internal/appraisal"}}, 1},
		{"the shell imports the appraisal's storage", map[string][]string{"internal/web": {"internal/appraisal"}}, 1},
		{"webtest imports the appraisal's pages", map[string][]string{"internal/web/webtest": {"internal/appraisal/web"}}, 1},
		{"the stars' pages import the appraisal", map[string][]string{"internal/stars/web": {"internal/appraisal", "internal/appraisal/api"}}, 2},
		{"the platform's exporter imports the appraisal", map[string][]string{"internal/export": {"internal/appraisal"}}, 1},
		{"a feature's web part imports another feature", map[string][]string{
			"internal/voice/web": {"internal/doublereport", "internal/doublereport/web"}}, 2},
	} {
		if got := violations(c.deps); len(got) != c.want {
			t.Errorf("%s: %d violations, want %d: %q", c.name, len(got), c.want, got)
		}
	}
}
