package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// formatUse is one constant format string of a refused-input message
// found in the sources.
type formatUse struct {
	Format string
	Where  string // file:line
}

// formatTakers are the calls whose argument at the index is a format of
// a refused-input message: pingyi.InputError.Add (line, column, format,
// args...) and the helpers forwarding to it or to rules.CellError.
var formatTakers = map[string]int{
	"Add":       2, // (*pingyi.InputError).Add, with at least 3 arguments
	"xlsxError": 1, // internal/tabular
	"cellError": 1, // internal/rules
}

// forwarders may pass a format they were given (a parameter or a field
// of a CellError) on to Add: their callers are what is checked.
var forwarders = map[string]bool{
	"Add":            true, // pingyi.InputError.Add itself
	"xlsxError":      true,
	"cellError":      true,
	"parseStarCells": true, // internal/store: rules.CellError → InputError
	"addCellError":   true, // internal/store, internal/voice: rules.CellError → InputError
}

// repoRoot is the directory of go.mod above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = up
	}
}

// scanFormats parses every non-test Go file of the repository and returns
// the constant formats given to InputError.Add (and its helpers), and the
// calls it cannot check: a format that is not a constant string outside a
// forwarder, or a FieldError or CellError built by hand.
func scanFormats(t *testing.T, root string) (uses []formatUse, problems []string) {
	t.Helper()
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			forwarder := forwarders[fn.Name.Name]
			ast.Inspect(fn, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CompositeLit:
					if tn := typeName(n.Type); (tn == "FieldError" || tn == "CellError") && !forwarder && !strings.HasSuffix(rel, "internal/pingyi/errors.go") {
						problems = append(problems, fmt.Sprintf("%s: a %s built by hand: use InputError.Add or a listed helper, whose format is checked", fset.Position(n.Pos()), tn))
					}
				case *ast.CallExpr:
					name := callName(n.Fun)
					i, ok := formatTakers[name]
					if !ok || len(n.Args) <= i || (name == "Add" && len(n.Args) < 3) {
						return true
					}
					where := fset.Position(n.Pos())
					where.Filename = rel
					if lit, ok := n.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, err := strconv.Unquote(lit.Value)
						if err != nil {
							problems = append(problems, fmt.Sprintf("%s: %v", where, err))
							return true
						}
						uses = append(uses, formatUse{Format: s, Where: where.String()})
						return true
					}
					if !forwarder {
						problems = append(problems, fmt.Sprintf("%s: %s with a format that is not a constant string: pages cannot translate it (pass a constant, or \"%%s\" for a message that is already translated)", where, name))
					}
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(uses, func(i, j int) bool { return uses[i].Where < uses[j].Where })
	return uses, problems
}

func callName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

// passThrough reports whether a format only carries a message made
// elsewhere ("%s", "%v"): it is shown as it is.
func passThrough(format string) bool { return format == "%s" || format == "%v" }
