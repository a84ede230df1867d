package web

import (
	"net/http"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	shell "github.com/pingyi/pingyi/internal/web"
)

// laggingRow is a poor member with their helper and follow-ups.
type laggingRow struct {
	stars.Result
	FollowUps int
	LastDay   string
}

type starListsView struct {
	shell.View
	Year      int
	Years     []int
	Org       *pingyi.Org // nil: the viewer's whole subtree
	Excellent []stars.Result
	Reserve   []stars.Result
	Lagging   []laggingRow
}

// reserveCategory reports whether an excellent member of category c is a
// candidate for the reserve cadre pool (seed 003: "to meet the conditions
// can be incorporated into the reserve cadres"): not already a village
// cadre, and able to work.
func reserveCategory(c pingyi.Category) bool {
	return c != pingyi.CategoryCadre && c != pingyi.CategoryElderly
}

// starLists is GET /stars/lists?year=&org=: using the results (seed 003)
// — excellent members for the "七一" and year-end commendation, the
// candidates for the reserve cadre pool, and lagging (poor) members with
// the excellent member who helps each and their follow-up records.
func (s *Feature) starLists(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v := &starListsView{Year: year, Years: starYears(year)}
	scope := shell.CurrentScope(r)
	if code := strings.TrimSpace(r.URL.Query().Get("org")); code != "" {
		if v.Org = s.VisibleOrg(w, r, code); v.Org == nil {
			return
		}
		scope = pingyi.Scope{Path: v.Org.Path}
	}
	exc, err := s.st.Results(ctx, scope, year, pingyi.LevelExcellent)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.Excellent = exc
	for _, e := range exc {
		if reserveCategory(e.Category) {
			v.Reserve = append(v.Reserve, e)
		}
	}
	poor, err := s.st.Results(ctx, scope, year, pingyi.LevelPoor)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	fus, err := s.st.FollowUps(ctx, scope, year, "")
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	count, last := map[string]int{}, map[string]string{}
	for _, f := range fus { // newest first
		count[f.MemberCode]++
		if last[f.MemberCode] == "" {
			last[f.MemberCode] = f.Day
		}
	}
	for _, p := range poor {
		v.Lagging = append(v.Lagging, laggingRow{Result: p, FollowUps: count[p.MemberCode], LastDay: last[p.MemberCode]})
	}
	s.Render(w, r, http.StatusOK, "star_lists", v)
}
