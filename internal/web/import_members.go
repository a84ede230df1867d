package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// importMembers is POST /import/members (admin, org admin): the member
// file of SPEC §6, all or nothing. An org admin's file may only touch their
// subtree: a row naming an org outside it, or a member code already used
// outside it, is refused with its line and column.
func (s *Server) importMembers(w http.ResponseWriter, r *http.Request) {
	t, name, err := readUpload(w, r, store.MemberColumns, store.MemberOptional, true)
	if err != nil {
		s.importResult(w, r, "members", name, store.ImportStats{}, err)
		return
	}
	rows := store.MemberRows(t)
	if scope := CurrentScope(r); !scope.All() {
		if err := s.checkMemberRowsInScope(r, scope, rows); err != nil {
			s.importResult(w, r, "members", name, store.ImportStats{}, err)
			return
		}
	}
	stats, err := s.st.ImportMembers(r.Context(), rows, actor(r))
	s.importResult(w, r, "members", name, stats, err)
}

func (s *Server) checkMemberRowsInScope(r *http.Request, scope pingyi.Scope, rows []store.MemberRow) error {
	var orgCodes, memberCodes []string
	for _, row := range rows {
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
	tr := s.tr(r)
	bad := &pingyi.InputError{}
	for _, row := range rows {
		if p, ok := orgPaths[row.OrgCode]; row.OrgCode != "" && (!ok || !scope.Contains(p)) {
			bad.Add(row.Line, "org_code", "%s", tr.T("import.err_org_outside", "Code", row.OrgCode))
		}
		if p, ok := memberPaths[row.Code]; ok && !scope.Contains(p) {
			bad.Add(row.Line, "code", "%s", tr.T("import.err_member_outside", "Code", row.Code))
		}
	}
	return bad.Err()
}
