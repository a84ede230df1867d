package web

import "net/http"

// orgChildren is GET /orgs/{code}/children: the htmx fragment of a tree
// node's children (404 outside the viewer's subtree).
func (s *Server) orgChildren(w http.ResponseWriter, r *http.Request) {
	o := s.VisibleOrg(w, r, r.PathValue("code"))
	if o == nil {
		return
	}
	kids, err := s.st.TreeChildren(r.Context(), CurrentScope(r), o.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	nodes, err := s.nodes(r.Context(), kids)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	WriteHTML(w, http.StatusOK, []byte(treeNodes(s.Tr(r), nodes)))
}
