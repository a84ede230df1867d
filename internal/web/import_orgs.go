package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/store"
)

// importOrgs is POST /import/orgs (admin): the org file of SPEC §6, all or
// nothing.
func (s *Server) importOrgs(w http.ResponseWriter, r *http.Request) {
	t, name, err := readUpload(w, r, store.OrgColumns[:5], store.OrgColumns[5:], false)
	if err != nil {
		s.importResult(w, r, "orgs", name, store.ImportStats{}, err)
		return
	}
	rows := make([]store.OrgRow, 0, len(t.Rows))
	for _, row := range t.Rows {
		rows = append(rows, store.OrgRow{Line: row.Line, Code: row.Get("code"), Name: row.Get("name"), Type: row.Get("type"),
			Domain: row.Get("domain"), ParentCode: row.Get("parent_code"), WindowUnit: row.Get("window_unit")})
	}
	stats, err := s.st.ImportOrgs(r.Context(), rows, actor(r))
	s.importResult(w, r, "orgs", name, stats, err)
}
