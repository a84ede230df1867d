package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/store"
)

// importOrgs is POST /import/orgs (admin): the org file of SPEC §6, all or
// nothing.
func (s *Server) importOrgs(w http.ResponseWriter, r *http.Request) {
	f, name, each, err := openUpload(w, r)
	if err != nil {
		s.importResult(w, r, "orgs", name, store.ImportStats{}, err)
		return
	}
	defer f.Close()
	rows, err := store.ReadOrgFile(each)
	if err != nil {
		s.importResult(w, r, "orgs", name, store.ImportStats{}, err)
		return
	}
	stats, err := s.st.ImportOrgsFrom(r.Context(), name, rows, ActorOf(r))
	s.importResult(w, r, "orgs", name, stats, err)
}
