package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// orgNode is an org with the member count of its whole subtree.
type orgNode struct {
	pingyi.Org
	Members int
	Trail   []pingyi.Org // ancestors within the viewer's scope (search results)
}

// visibleOrg loads the org {code} of the request if the viewer's scope
// contains it; otherwise it answers 404 (outside the subtree looks exactly
// like nonexistent) and returns nil.
func (s *Server) VisibleOrg(w http.ResponseWriter, r *http.Request, code string) *pingyi.Org {
	o, err := s.st.Org(r.Context(), code)
	if errors.Is(err, pingyi.ErrNotFound) || (err == nil && !CurrentScope(r).Contains(o.Path)) {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil
	}
	return o
}

// trail lists the ancestors of o that lie in scope, root first.
func (s *Server) Trail(ctx context.Context, scope pingyi.Scope, o *pingyi.Org, cache map[int64]pingyi.Org) ([]pingyi.Org, error) {
	var ids, missing []int64
	for _, part := range strings.Split(strings.Trim(o.Path, "/"), "/") {
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id == o.ID {
			continue
		}
		ids = append(ids, id)
		if _, ok := cache[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		got, err := s.st.OrgsByIDs(ctx, missing)
		if err != nil {
			return nil, err
		}
		for id, a := range got {
			cache[id] = a
		}
	}
	var out []pingyi.Org
	for _, id := range ids {
		if a, ok := cache[id]; ok && scope.Contains(a.Path) {
			out = append(out, a)
		}
	}
	return out, nil
}

// nodes adds subtree member counts to orgs.
func (s *Server) nodes(ctx context.Context, orgs []pingyi.Org) ([]orgNode, error) {
	paths := make([]string, len(orgs))
	for i, o := range orgs {
		paths[i] = o.Path
	}
	counts, err := s.st.SubtreeMemberCounts(ctx, paths)
	if err != nil {
		return nil, err
	}
	out := make([]orgNode, len(orgs))
	for i, o := range orgs {
		out[i] = orgNode{Org: o, Members: counts[o.Path]}
	}
	return out, nil
}

// actor is the acting account, for the audit log.
func ActorOf(r *http.Request) store.Actor {
	if u := CurrentUser(r); u != nil {
		return store.Actor{UserID: u.ID, Username: u.Username}
	}
	return store.Actor{}
}

// isHTMX reports an htmx request (which wants a fragment).
func IsHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }
