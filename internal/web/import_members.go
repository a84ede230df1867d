package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// importMembers is POST /import/members (admin, org admin): the member
// file of SPEC §6, all or nothing. An org admin's file may only touch their
// subtree: a row naming an org outside it, or a member code already used
// outside it, is refused with its line and column.
func (s *Server) importMembers(w http.ResponseWriter, r *http.Request) {
	f, name, each, err := openUpload(w, r)
	if err != nil {
		s.importResult(w, r, "members", name, store.ImportStats{}, err)
		return
	}
	defer f.Close()
	src := store.MemberFile(each)
	if format, _ := tabular.FormatOf(name); format == tabular.XLSX {
		// Read the sheet once (excelize's XML decoding is slow), the scope
		// check and the import's two passes from a spool file.
		spool, remove, err := store.SpoolMembers(src)
		if err != nil {
			s.importResult(w, r, "members", name, store.ImportStats{}, err)
			return
		}
		defer remove()
		src = spool
	}
	if scope := CurrentScope(r); !scope.All() {
		if err := s.checkMembersInScope(r, scope, src); err != nil {
			s.importResult(w, r, "members", name, store.ImportStats{}, err)
			return
		}
	}
	stats, err := s.st.ImportMembersFrom(r.Context(), name, src, ActorOf(r))
	s.importResult(w, r, "members", name, stats, err)
}

// checkMembersInScope reads the file once, a chunk of rows at a time,
// refusing the rows that name an org outside the scope or a member stored
// outside it. The file's own problems (unreadable rows, a bad header) are
// returned as they are.
func (s *Server) checkMembersInScope(r *http.Request, scope pingyi.Scope, src store.MemberSource) error {
	tr := s.Tr(r)
	bad := &pingyi.InputError{}
	var chunk []store.MemberRow
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		var orgCodes, memberCodes []string
		for _, row := range chunk {
			orgCodes = append(orgCodes, row.OrgCode)
			memberCodes = append(memberCodes, row.Code)
		}
		orgPaths, err := s.st.OrgPathsByCode(r.Context(), orgCodes)
		if err != nil {
			return err
		}
		memberPaths, err := s.st.MemberOrgPathsByCode(r.Context(), memberCodes)
		if err != nil {
			return err
		}
		for _, row := range chunk {
			if p, ok := orgPaths[row.OrgCode]; row.OrgCode != "" && (!ok || !scope.Contains(p)) {
				bad.Add(row.Line, "org_code", "%s", tr.T("import.err_org_outside", "Code", row.OrgCode))
			}
			if p, ok := memberPaths[row.Code]; ok && !scope.Contains(p) {
				bad.Add(row.Line, "code", "%s", tr.T("import.err_member_outside", "Code", row.Code))
			}
		}
		chunk = chunk[:0]
		return nil
	}
	err := src(func(row store.MemberRow) error {
		chunk = append(chunk, row)
		if len(chunk) == 1000 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	return bad.Err()
}
