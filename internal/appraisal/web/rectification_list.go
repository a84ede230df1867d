package web

import (
	"net/http"

	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
)

type rectListView struct {
	shell.View
	Org     *pingyi.Org
	Items   []rectRow
	Overdue int
}

// rectificationList is GET /rectifications: every item of the viewer's
// subtree across campaigns, overdue first; ?org=CODE narrows it to that
// org's subtree.
func (s *Feature) rectificationList(w http.ResponseWriter, r *http.Request) {
	v := &rectListView{}
	path := ""
	if code := r.URL.Query().Get("org"); code != "" {
		if v.Org = s.VisibleOrg(w, r, code); v.Org == nil {
			return
		}
		path = v.Org.Path
	}
	items, err := s.st.Rectifications(r.Context(), shell.CurrentScope(r), 0, path)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.Items = rectRows(items)
	for _, it := range v.Items {
		if it.Overdue {
			v.Overdue++
		}
	}
	s.Render(w, r, http.StatusOK, "rectification_list", v)
}
