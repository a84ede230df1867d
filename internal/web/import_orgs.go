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
	rows := store.OrgRows(t)
	stats, err := s.st.ImportOrgs(r.Context(), rows, actor(r))
	s.importResult(w, r, "orgs", name, stats, err)
}
