package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

func init() {
	register(command{name: "import orgs", args: "FILE", short: "import the org tree (CSV or XLSX; updates by code)", run: runImportOrgs})
	register(command{name: "import members", args: "FILE", short: "import members (CSV or XLSX; updates by code)", run: runImportMembers})
}

// readTable reads FILE and checks its header, reporting refusals as input
// errors naming line 1 and the column.
func readTable(path string, required, optional []string, allowExtra bool) (*tabular.Table, error) {
	t, err := tabular.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := t.Require(required, optional, allowExtra); err != nil {
		return nil, err
	}
	return t, nil
}

func oneFile(e *env, name string, args []string) (string, int) {
	fs := newFlags(e, name, "FILE")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return "", st
	}
	if len(pos) != 1 {
		fs.Usage()
		return "", ExitUsage
	}
	return pos[0], -1
}

func runImportOrgs(e *env, args []string) int {
	path, st := oneFile(e, "import orgs", args)
	if st >= 0 {
		return st
	}
	rows, err := store.ReadOrgFile(func(head func([]string, int) error, fn func(tabular.Row) error) error {
		return tabular.EachFile(path, head, fn)
	})
	if err != nil {
		return fail(e, err)
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	stats, err := s.ImportOrgsFrom(e.ctx, filepath.Base(path), rows, store.CLI)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "orgs: %s\n", stats)
	return ExitOK
}

// MemberRows turns a member table into rows for the store.
func MemberRows(t *tabular.Table) []store.MemberRow { return store.MemberRows(t) }

// MemberFile is the member file at path as the store's import reads it:
// streamed, twice (see store.ImportMembersFrom).
func MemberFile(path string) store.MemberSource {
	return store.MemberFile(func(head func([]string, int) error, fn func(tabular.Row) error) error {
		return tabular.EachFile(path, head, fn)
	})
}

func runImportMembers(e *env, args []string) int {
	path, st := oneFile(e, "import members", args)
	if st >= 0 {
		return st
	}
	format, err := tabular.FormatOf(path)
	if err != nil {
		return fail(e, err)
	}
	if _, err := os.Stat(path); err != nil {
		return fail(e, err)
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	src := MemberFile(path)
	if format == tabular.XLSX {
		// Read the sheet once (excelize's XML decoding is slow), the
		// import's two passes from a spool file.
		spool, remove, err := store.SpoolMembers(src)
		if err != nil {
			return fail(e, err)
		}
		defer remove()
		src = spool
	}
	stats, err := s.ImportMembersFrom(e.ctx, filepath.Base(path), src, store.CLI)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "members: %s\n", stats)
	return ExitOK
}

var _ = pingyi.ErrInvalid
