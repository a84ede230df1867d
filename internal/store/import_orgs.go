package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/tabular"
)

// OrgRow is one line of an org file (SPEC §6:
// code,name,type,domain,parent_code,window_unit), as read.
type OrgRow struct {
	Line                                             int
	Code, Name, Type, Domain, ParentCode, WindowUnit string
}

// OrgColumns are the org file's columns (all required in the header).
var OrgColumns = []string{"code", "name", "type", "domain", "parent_code", "window_unit"}

// OrgRows turns an org table (read by tabular, header checked) into rows
// for ImportOrgs.
func OrgRows(t *tabular.Table) []OrgRow {
	rows := make([]OrgRow, 0, len(t.Rows))
	for _, r := range t.Rows {
		rows = append(rows, OrgRow{Line: r.Line, Code: r.Get("code"), Name: r.Get("name"), Type: r.Get("type"),
			Domain: r.Get("domain"), ParentCode: r.Get("parent_code"), WindowUnit: r.Get("window_unit")})
	}
	return rows
}

// ReadOrgFile reads an org file with each (e.g. func(h, fn) error {
// return tabular.EachFile(path, h, fn) }) row by row into rows for
// ImportOrgs, checking its header (OrgColumns, window_unit optional,
// nothing else). The file's problems (tabular's refusals, then the
// header's) are returned as they are, as reading the whole table and then
// checking its header does.
func ReadOrgFile(each func(head func(header []string, line int) error, fn func(tabular.Row) error) error) ([]OrgRow, error) {
	var headErr error
	var rows []OrgRow
	err := each(func(header []string, line int) error {
		headErr = tabular.CheckHeader(header, line, OrgColumns[:5], OrgColumns[5:], false)
		return nil
	}, func(r tabular.Row) error {
		if headErr == nil {
			rows = append(rows, OrgRow{Line: r.Line, Code: r.Get("code"), Name: r.Get("name"), Type: r.Get("type"),
				Domain: r.Get("domain"), ParentCode: r.Get("parent_code"), WindowUnit: r.Get("window_unit")})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if headErr != nil {
		return nil, headErr
	}
	return rows, nil
}

// MaxOrgDepth is how many levels the org tree may have. The materialized
// path of the deepest org must fit in a PostgreSQL B-tree index entry (at
// most 2704 bytes): 128 IDs of up to 19 digits with their slashes do,
// compressed or not.
const MaxOrgDepth = 128

// ImportStats says what an import did.
type ImportStats struct {
	Created, Updated, Unchanged int
}

func (s ImportStats) String() string {
	return fmt.Sprintf("%d created, %d updated, %d unchanged", s.Created, s.Updated, s.Unchanged)
}

type orgState struct {
	id         int64
	code       string
	name       string
	typ        string
	domain     string
	parentCode string
	window     bool
	path       string
	depth      int
	line       int  // 0: not in the file
	isNew      bool // not yet in the database
	old        orgOld
}

// orgOld is what is stored of an org before the import.
type orgOld struct {
	name, typ, domain, parentCode, path string
	window                              bool
	depth                               int
}

// ImportOrgs creates or updates orgs by code, all or nothing. A parent may
// come after its child in the file, or already be in the database. It
// refuses, naming every bad line and column: an empty code or name, an
// unknown type or domain, a bad window_unit, a duplicate code in the file,
// a parent that exists nowhere, a cycle (also one closed through orgs
// already stored), control characters in a cell, and a tree deeper than
// MaxOrgDepth levels.
//
// The rows are written parents before children with multi-row statements
// (new orgs first, then the changed ones and the descendants of moved orgs,
// whose paths change). The audit log gets one entry for the whole import
// (entity "org", action "import"): the counts and the first codes created
// and updated; none when nothing changed.
func (s *Store) ImportOrgs(ctx context.Context, rows []OrgRow, a Actor) (ImportStats, error) {
	return s.ImportOrgsFrom(ctx, "", rows, a)
}

// ImportOrgsFrom is ImportOrgs naming the file in the audit log.
func (s *Store) ImportOrgsFrom(ctx context.Context, file string, rows []OrgRow, a Actor) (ImportStats, error) {
	defer s.invalidateOrgs()
	var stats ImportStats
	err := s.Tx(ctx, func(q Q) error {
		stats = ImportStats{}
		// The whole tree as it is.
		state := map[string]*orgState{}
		byID := map[int64]string{}
		parentOf := map[string]int64{}
		rs, err := q.Query(ctx, `SELECT id, code, name, type, domain, COALESCE(parent_id, 0), window_unit, path, depth FROM orgs`)
		if err != nil {
			return err
		}
		for rs.Next() {
			var st orgState
			var pid int64
			var wu int
			if err := rs.Scan(&st.id, &st.code, &st.name, &st.typ, &st.domain, &pid, &wu, &st.path, &st.depth); err != nil {
				rs.Close()
				return err
			}
			st.window = wu != 0
			state[st.code] = &st
			byID[st.id] = st.code
			parentOf[st.code] = pid
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
		for code, pid := range parentOf {
			st := state[code]
			st.parentCode = byID[pid]
			st.old = orgOld{name: st.name, typ: st.typ, domain: st.domain, parentCode: st.parentCode, path: st.path, window: st.window, depth: st.depth}
		}
		byID, parentOf = nil, nil

		// Cell checks, and the file laid over the tree.
		bad := &pingyi.InputError{}
		seen := map[string]int{}
		for _, r := range rows {
			ok := true
			if r.Code == "" {
				bad.Add(r.Line, "code", "empty code")
				ok = false
			} else if first, dup := seen[r.Code]; dup {
				bad.Add(r.Line, "code", "duplicate code %q (first on line %d)", r.Code, first)
				ok = false
			}
			if r.Name == "" {
				bad.Add(r.Line, "name", "empty name")
			}
			if !pingyi.ValidOrgType(r.Type) {
				bad.Add(r.Line, "type", "unknown type %q (committee, general_branch, branch)", r.Type)
			}
			if !pingyi.ValidDomain(r.Domain) {
				bad.Add(r.Line, "domain", "unknown domain %q (rural, enterprise, agency, community, new_economic, new_social)", r.Domain)
			}
			window, err := tabular.ParseBool(r.WindowUnit)
			if err != nil {
				bad.Add(r.Line, "window_unit", "not true or false: %q", r.WindowUnit)
			}
			if r.ParentCode != "" && r.ParentCode == r.Code {
				bad.Add(r.Line, "parent_code", "an org cannot be its own parent")
			}
			CheckCellText(bad, r.Line, "code", r.Code)
			CheckCellText(bad, r.Line, "name", r.Name)
			CheckCellText(bad, r.Line, "parent_code", r.ParentCode)
			checkOrgLimits(bad, r)
			if !ok {
				continue
			}
			seen[r.Code] = r.Line
			st := state[r.Code]
			if st == nil {
				st = &orgState{code: r.Code, isNew: true, id: NewID()}
				state[r.Code] = st
			}
			st.line = r.Line
			st.name, st.typ, st.domain, st.parentCode, st.window = r.Name, r.Type, r.Domain, r.ParentCode, window
		}
		for _, r := range rows {
			if r.ParentCode != "" && r.ParentCode != r.Code && state[r.ParentCode] == nil {
				bad.Add(r.Line, "parent_code", "parent %q exists neither in the file nor in the database", r.ParentCode)
			}
		}

		// Paths from the roots down; whatever is left is on a cycle or
		// below one. An org whose parent exists nowhere (refused above) is
		// walked as a root, so that the cycles of the file are named
		// together with its other errors.
		children := map[string][]string{}
		var roots []string
		for code, st := range state {
			if st.parentCode == "" || state[st.parentCode] == nil {
				roots = append(roots, code)
			} else {
				children[st.parentCode] = append(children[st.parentCode], code)
			}
		}
		sort.Strings(roots)
		var order []*orgState
		var tooDeep []*orgState // the orgs just below the deepest level allowed
		placed := map[string]bool{}
		var walk func(code, parentPath string, depth int)
		walk = func(code, parentPath string, depth int) {
			st := state[code]
			st.depth = depth
			placed[code] = true
			order = append(order, st)
			path := ""
			if depth < MaxOrgDepth {
				path = parentPath + strconv.FormatInt(st.id, 10) + "/"
				st.path = path
			} else if depth == MaxOrgDepth {
				tooDeep = append(tooDeep, st)
			}
			kids := children[code]
			sort.Strings(kids)
			for _, k := range kids {
				walk(k, path, depth+1)
			}
		}
		for _, r := range roots {
			walk(r, "/", 0)
		}
		cycle := cycleMembers(state, placed)
		for _, r := range rows {
			if seen[r.Code] != r.Line || placed[r.Code] || r.ParentCode == r.Code {
				continue
			}
			if cycle[r.Code] {
				bad.Add(r.Line, "parent_code", "org %q is part of a cycle through parent %q", r.Code, r.ParentCode)
			} else {
				bad.Add(r.Line, "parent_code", "org %q hangs below a cycle through parent %q", r.Code, r.ParentCode)
			}
		}
		// Too deep: name the org itself when it is in the file, else the
		// nearest org of the file above it (the move that took it down).
		named := map[int]bool{}
		for _, st := range tooDeep {
			cur := st
			for cur.line == 0 && cur.parentCode != "" && state[cur.parentCode] != nil {
				cur = state[cur.parentCode]
			}
			if cur.line == 0 || named[cur.line] {
				continue
			}
			named[cur.line] = true
			if cur == st {
				bad.Add(cur.line, "parent_code", "org %q would be on level %d of the tree; at most %d levels are allowed", st.code, st.depth+1, MaxOrgDepth)
			} else {
				bad.Add(cur.line, "parent_code", "org %q here would put org %q on level %d of the tree; at most %d levels are allowed", cur.code, st.code, st.depth+1, MaxOrgDepth)
			}
		}
		if err := bad.Err(); err != nil {
			sort.SliceStable(bad.Errors, func(i, j int) bool { return bad.Errors[i].Line < bad.Errors[j].Line })
			return err
		}

		// Write parents before children: the new orgs first (in tree
		// order, so that each one's parent is there before it), then the
		// changed ones, their new parents all there.
		now := Now()
		sum := importSummary{File: file, Rows: len(seen)}
		parentID := func(st *orgState) any {
			if st.parentCode != "" {
				return state[st.parentCode].id
			}
			return nil
		}
		cols := []string{"id", "code", "name", "type", "domain", "parent_id", "window_unit", "path", "depth", "updated_at"}
		var batch [][]any
		flush := func() error {
			err := InsertRows(ctx, q, "orgs", cols, batch)
			batch = batch[:0]
			return err
		}
		for _, st := range order {
			if !st.isNew {
				continue
			}
			batch = append(batch, []any{st.id, st.code, st.name, st.typ, st.domain, parentID(st), BoolInt(st.window), st.path, st.depth, now})
			sum.created(st.code)
			if len(batch) == importChunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		ucols := []string{"name", "type", "domain", "parent_id", "window_unit", "path", "depth", "updated_at"}
		utypes := []string{"TEXT", "TEXT", "TEXT", "BIGINT", "INTEGER", "TEXT", "INTEGER", "TEXT"}
		uflush := func() error {
			err := updateRows(ctx, q, "orgs", ucols, utypes, batch)
			batch = batch[:0]
			return err
		}
		for _, st := range order {
			if st.isNew {
				continue
			}
			old := st.old
			if old.name == st.name && old.typ == st.typ && old.domain == st.domain && old.parentCode == st.parentCode &&
				old.window == st.window && old.path == st.path && old.depth == st.depth {
				if st.line != 0 {
					sum.UnchangedN++
				}
				continue
			}
			batch = append(batch, []any{st.name, st.typ, st.domain, parentID(st), BoolInt(st.window), st.path, st.depth, now, st.id})
			if st.line != 0 {
				sum.updated(st.code)
			} else {
				sum.Moved++
			}
			if len(batch) == importChunk {
				if err := uflush(); err != nil {
					return err
				}
			}
		}
		if err := uflush(); err != nil {
			return err
		}
		stats = ImportStats{Created: sum.CreatedN, Updated: sum.UpdatedN, Unchanged: sum.UnchangedN}
		if sum.CreatedN+sum.UpdatedN+sum.Moved == 0 {
			return nil // an import that changes nothing leaves no trace
		}
		return Audit(ctx, q, a, "import", "org", file, nil, sum)
	})
	return stats, err
}

// cycleMembers returns the orgs that lie on a cycle of parents, among
// those the walk from the roots did not reach (the others hang below a
// cycle). Each org is followed once.
func cycleMembers(state map[string]*orgState, placed map[string]bool) map[string]bool {
	on := map[string]bool{}
	visit := map[string]int{} // 1: on the current path, 2: done
	for code := range state {
		if placed[code] || visit[code] != 0 {
			continue
		}
		var path []string
		cur := code
		for state[cur] != nil && !placed[cur] && visit[cur] == 0 {
			visit[cur] = 1
			path = append(path, cur)
			cur = state[cur].parentCode
		}
		if visit[cur] == 1 { // back on this path: a new cycle
			for i := len(path) - 1; i >= 0; i-- {
				on[path[i]] = true
				if path[i] == cur {
					break
				}
			}
		}
		for _, c := range path {
			visit[c] = 2
		}
	}
	return on
}

// CheckCellText refuses a cell holding control characters (a NUL byte, which
// PostgreSQL cannot store in text, or any other C0 control but tab and line
// breaks), naming its line and column.
func CheckCellText(bad *pingyi.InputError, line int, column, v string) {
	for _, r := range v {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			bad.Add(line, column, "control character %U in the text", r)
			return
		}
	}
}
