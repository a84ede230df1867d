package web

import (
	"net/http"
)

// rectificationPage is GET /rectifications/{id}: one item with its
// evidence, the edit form for those who keep it, and the verification
// form for the superior org.
func (s *Feature) rectificationPage(w http.ResponseWriter, r *http.Request) {
	it := s.loadRect(w, r, parseID(r.PathValue("id")))
	if it == nil {
		return
	}
	s.Render(w, r, http.StatusOK, "rectification", s.rectView(r, it))
}
