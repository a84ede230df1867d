package web

import (
	"errors"
	"net/http"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	shell "github.com/pingyi/pingyi/internal/web"
)

// wallNeed is a need as the public sees it: no beneficiary, no claimer.
type wallNeed struct {
	Code, Kind, Title, WishType, PublishedOn string
	State                                    rules.NeedState
}

type wallView struct {
	shell.View
	Code, Name string
	Open, Done []wallNeed
}

// wall is GET /wall/{code}: a community's public wish wall (phone first):
// its open needs and the completed ones, with no personal data.
func (f *Feature) wall(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, name, _, err := f.dr.CommunityOf(ctx, r.PathValue("code"))
	if errors.Is(err, pingyi.ErrNotFound) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	needs, err := f.dr.CommunityNeeds(ctx, id, "")
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	v := &wallView{Code: r.PathValue("code"), Name: name}
	for _, n := range needs {
		wn := publicNeed(n)
		switch n.State {
		case rules.NeedOpen:
			v.Open = append(v.Open, wn)
		case rules.NeedCompleted, rules.NeedConfirmed:
			v.Done = append(v.Done, wn)
		}
	}
	f.srv.Render(w, r, http.StatusOK, "service_wall", v)
}

func publicNeed(n doublereport.Need) wallNeed {
	return wallNeed{Code: n.Code, Kind: n.Kind, Title: n.Title, WishType: n.WishType, PublishedOn: n.PublishedOn, State: n.State}
}
