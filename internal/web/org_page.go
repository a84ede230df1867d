package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/pingyi"
)

type orgView struct {
	View
	Org      *pingyi.Org
	Trail    []pingyi.Org
	Children []orgNode
	Members  []pingyi.Member
	Subtree  int  // members in the whole subtree
	Manages  bool // the viewer sees phone numbers
}

// orgPage is GET /orgs/{code}: trail, type, domain, window unit, secretary,
// child orgs and members; phones masked unless the viewer manages the org.
func (s *Server) orgPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o := s.VisibleOrg(w, r, r.PathValue("code"))
	if o == nil {
		return
	}
	scope := CurrentScope(r)
	v := &orgView{Org: o, Manages: scope.Manages(o.Path)}
	var err error
	if v.Trail, err = s.Trail(ctx, scope, o, map[int64]pingyi.Org{}); err != nil {
		s.ServerError(w, r, err)
		return
	}
	kids, err := s.st.TreeChildren(ctx, scope, o.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if v.Children, err = s.nodes(ctx, kids); err != nil {
		s.ServerError(w, r, err)
		return
	}
	counts, err := s.st.SubtreeMemberCounts(ctx, []string{o.Path})
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.Subtree = counts[o.Path]
	if v.Members, err = s.st.Members(ctx, o.ID); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if !v.Manages { // never send what the viewer may not see
		for i := range v.Members {
			v.Members[i].Phone = maskPhone(v.Members[i].Phone)
			v.Members[i].IDNumber = maskID(v.Members[i].IDNumber)
		}
	}
	s.Render(w, r, http.StatusOK, "org", v)
}
