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
	changed    bool
}

// ImportOrgs creates or updates orgs by code, all or nothing. A parent may
// come after its child in the file, or already be in the database. It
// refuses, naming every bad line and column: an empty code or name, an
// unknown type or domain, a bad window_unit, a duplicate code in the file,
// a parent that exists nowhere, and a cycle.
func (s *Store) ImportOrgs(ctx context.Context, rows []OrgRow, a Actor) (ImportStats, error) {
	var stats ImportStats
	err := s.Tx(ctx, func(q Q) error {
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
			state[code].parentCode = byID[pid]
		}
		before := map[string]orgState{}
		for c, st := range state {
			before[c] = *st
		}

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
				ok = false
			}
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
		if err := bad.Err(); err != nil {
			return err
		}

		// Paths from the roots down; whatever is left is on a cycle.
		children := map[string][]string{}
		var roots []string
		for code, st := range state {
			if st.parentCode == "" {
				roots = append(roots, code)
			} else {
				children[st.parentCode] = append(children[st.parentCode], code)
			}
		}
		sort.Strings(roots)
		var order []*orgState
		placed := map[string]bool{}
		var walk func(code, parentPath string, depth int)
		walk = func(code, parentPath string, depth int) {
			st := state[code]
			st.path = parentPath + strconv.FormatInt(st.id, 10) + "/"
			st.depth = depth
			placed[code] = true
			order = append(order, st)
			kids := children[code]
			sort.Strings(kids)
			for _, k := range kids {
				walk(k, st.path, depth+1)
			}
		}
		for _, r := range roots {
			walk(r, "/", 0)
		}
		for _, r := range rows {
			if seen[r.Code] == r.Line && !placed[r.Code] {
				bad.Add(r.Line, "parent_code", "org %q is part of a cycle through parent %q", r.Code, r.ParentCode)
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}

		// Write parents before children.
		now := Now()
		for _, st := range order {
			parentID := any(nil)
			if st.parentCode != "" {
				parentID = state[st.parentCode].id
			}
			if st.isNew {
				if _, err := q.Exec(ctx, `INSERT INTO orgs (id, code, name, type, domain, parent_id, window_unit, path, depth, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					st.id, st.code, st.name, st.typ, st.domain, parentID, b2i(st.window), st.path, st.depth, now); err != nil {
					return err
				}
				stats.Created++
				if err := Audit(ctx, q, a, "create", "org", st.code, nil, orgAudit(st)); err != nil {
					return err
				}
				continue
			}
			old := before[st.code]
			if old.name == st.name && old.typ == st.typ && old.domain == st.domain && old.parentCode == st.parentCode &&
				old.window == st.window && old.path == st.path && old.depth == st.depth {
				if st.line != 0 {
					stats.Unchanged++
				}
				continue
			}
			if _, err := q.Exec(ctx, `UPDATE orgs SET name = ?, type = ?, domain = ?, parent_id = ?, window_unit = ?, path = ?, depth = ?, updated_at = ? WHERE id = ?`,
				st.name, st.typ, st.domain, parentID, b2i(st.window), st.path, st.depth, now, st.id); err != nil {
				return err
			}
			if st.line != 0 {
				stats.Updated++
			}
			if err := Audit(ctx, q, a, "update", "org", st.code, orgAudit(&old), orgAudit(st)); err != nil {
				return err
			}
		}
		return nil
	})
	return stats, err
}

func orgAudit(st *orgState) map[string]any {
	return map[string]any{"code": st.code, "name": st.name, "type": st.typ, "domain": st.domain,
		"parent_code": st.parentCode, "window_unit": st.window}
}
