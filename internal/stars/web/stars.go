package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
	shell "github.com/pingyi/pingyi/internal/web"
)

// levelCounts counts members per level.
type levelCounts struct {
	Excellent, Good, Poor int
}

func (c *levelCounts) add(l pingyi.StarLevel, n int) {
	switch l {
	case pingyi.LevelExcellent:
		c.Excellent += n
	case pingyi.LevelGood:
		c.Good += n
	case pingyi.LevelPoor:
		c.Poor += n
	}
}

// Total is the members counted.
func (c levelCounts) Total() int { return c.Excellent + c.Good + c.Poor }

// starRowView is one line of the overview: a child org of the focus (its
// whole subtree), a category or a domain.
type starRowView struct {
	Org     *pingyi.Org // org rows
	Key     string      // category or domain rows
	Members int         // org rows: members of the subtree
	Rated   int
	Goals   int
	Signed  int
	Levels  levelCounts
	Drill   bool // org rows: has child orgs (the link drills down)
}

type starsView struct {
	shell.View
	Year        int
	Years       []int
	Focus       *pingyi.Org // nil: the roots of the admin's tree
	Trail       []pingyi.Org
	Rows        []starRowView
	ByCategory  []starRowView
	ByDomain    []starRowView
	Totals      starRowView
	Provisional bool // no result is finalized yet: levels from the committee's ratings
	ChartJSON   template.JS
	CanImport   bool
	CanRules    bool
	CanComments bool
}

// starsOverview is GET /stars: the star year of the viewer's subtree, one
// line per child org of the focus (?org=, default the viewer's root) with
// its members, ratings, goals and levels, and a district view of the
// distribution by org, category and domain (tables, and ECharts charts
// drawn from a JSON block when JavaScript runs). A member account goes to
// its own star page.
func (s *Feature) starsOverview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	u := shell.CurrentUser(r)
	if u.Role == pingyi.RoleMember {
		m, _, err := s.st.MemberByID(ctx, u.MemberID)
		if err != nil {
			s.Fail(w, r, http.StatusNotFound)
			return
		}
		shell.Redirect(w, r, "/stars/members/"+m.Code+starYearQuery(year))
		return
	}
	scope := shell.CurrentScope(r)
	v := &starsView{Year: year, Years: starYears(year),
		CanImport:   u.Role == pingyi.RoleAdmin || u.Role == pingyi.RoleOrgAdmin,
		CanRules:    u.Role == pingyi.RoleAdmin || u.Role == pingyi.RoleOrgAdmin,
		CanComments: u.Role != pingyi.RoleMember,
	}
	var rows []pingyi.Org
	var err error
	if code := strings.TrimSpace(r.URL.Query().Get("org")); code != "" {
		if v.Focus = s.VisibleOrg(w, r, code); v.Focus == nil {
			return
		}
	} else {
		roots, err := s.st.Children(ctx, scope, 0)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		if len(roots) == 1 {
			v.Focus = &roots[0]
		} else {
			rows = roots
		}
	}
	prefix := scope.Path
	if v.Focus != nil {
		prefix = v.Focus.Path
		if v.Trail, err = s.Trail(ctx, scope, v.Focus, map[int64]pingyi.Org{}); err != nil {
			s.ServerError(w, r, err)
			return
		}
		if rows, err = s.st.Children(ctx, scope, v.Focus.ID); err != nil {
			s.ServerError(w, r, err)
			return
		}
		if v.Focus.MemberCount > 0 || len(rows) == 0 {
			// The focus's own members (a branch) get a line of their own.
			rows = append([]pingyi.Org{*v.Focus}, rows...)
		}
	}
	if err := s.fillStarRows(r, v, prefix, rows); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "stars", v)
}

// fillStarRows counts, for each org of rows (its subtree; the focus org
// itself only its own members), the members, ratings, goals and levels,
// and the distribution by category and domain of everything under prefix.
func (s *Feature) fillStarRows(r *http.Request, v *starsView, prefix string, rows []pingyi.Org) error {
	ctx := r.Context()
	rs, err := s.st.Rules(ctx, v.Year)
	if err != nil {
		return err
	}
	results, err := s.st.ResultTallies(ctx, prefix, v.Year)
	if err != nil {
		return err
	}
	ratings, err := s.st.RatingTallies(ctx, prefix, v.Year)
	if err != nil {
		return err
	}
	goals, signed, err := s.st.GoalCounts(ctx, prefix, v.Year)
	if err != nil {
		return err
	}
	paths := make([]string, len(rows))
	for i, o := range rows {
		paths[i] = o.Path
	}
	members, err := s.st.SubtreeMemberCounts(ctx, paths)
	if err != nil {
		return err
	}
	levels := results
	if len(results) == 0 {
		v.Provisional = len(ratings) > 0
		levels = nil
		for _, t := range ratings {
			t.Level = rs.Level(t.Total, t.Cap)
			levels = append(levels, t)
		}
	}
	// which row an org path belongs to: the row of its first path segment
	// under the focus (rows are the focus's children, or the roots); the
	// focus org's own line takes only its own members.
	index := make(map[string]int, len(rows))
	for i, o := range rows {
		index[o.Path] = i
	}
	base := "/"
	if v.Focus != nil {
		base = v.Focus.Path
	}
	rowOf := func(path string) int {
		if v.Focus != nil && path == v.Focus.Path {
			if i, ok := index[path]; ok {
				return i
			}
			return -1
		}
		rest, ok := strings.CutPrefix(path, base)
		j := strings.IndexByte(rest, '/')
		if !ok || j < 0 {
			return -1
		}
		if i, ok := index[base+rest[:j+1]]; ok {
			return i
		}
		return -1
	}
	v.Rows = make([]starRowView, len(rows))
	for i := range rows {
		o := rows[i]
		v.Rows[i] = starRowView{Org: &o, Members: members[o.Path], Drill: o.ChildCount > 0 && (v.Focus == nil || o.ID != v.Focus.ID)}
		if v.Focus != nil && o.ID == v.Focus.ID {
			v.Rows[i].Members = o.MemberCount
		}
	}
	cats, doms := map[string]*starRowView{}, map[string]*starRowView{}
	for _, c := range pingyi.Categories {
		cats[string(c)] = &starRowView{Key: string(c)}
	}
	for _, d := range pingyi.Domains {
		doms[string(d)] = &starRowView{Key: string(d)}
	}
	for _, t := range ratings {
		if i := rowOf(t.OrgPath); i >= 0 {
			v.Rows[i].Rated += t.N
		}
		v.Totals.Rated += t.N
		if c := cats[string(t.Category)]; c != nil {
			c.Rated += t.N
		}
		if d := doms[string(t.Domain)]; d != nil {
			d.Rated += t.N
		}
	}
	for _, t := range levels {
		if i := rowOf(t.OrgPath); i >= 0 {
			v.Rows[i].Levels.add(t.Level, t.N)
		}
		v.Totals.Levels.add(t.Level, t.N)
		if c := cats[string(t.Category)]; c != nil {
			c.Levels.add(t.Level, t.N)
		}
		if d := doms[string(t.Domain)]; d != nil {
			d.Levels.add(t.Level, t.N)
		}
	}
	for p, n := range goals {
		if i := rowOf(p); i >= 0 {
			v.Rows[i].Goals += n
			v.Rows[i].Signed += signed[p]
		}
		v.Totals.Goals += n
		v.Totals.Signed += signed[p]
	}
	for _, row := range v.Rows {
		v.Totals.Members += row.Members
	}
	for _, c := range pingyi.Categories {
		if x := cats[string(c)]; x.Rated > 0 || x.Levels.Total() > 0 {
			v.ByCategory = append(v.ByCategory, *x)
		}
	}
	for _, d := range pingyi.Domains {
		if x := doms[string(d)]; x.Rated > 0 || x.Levels.Total() > 0 {
			v.ByDomain = append(v.ByDomain, *x)
		}
	}
	return s.starChartData(r, v)
}

// starChart is one stacked bar chart of the district view.
type starChart struct {
	Title     string   `json:"title"`
	Names     []string `json:"names"`
	Excellent []int    `json:"excellent"`
	Good      []int    `json:"good"`
	Poor      []int    `json:"poor"`
}

func (s *Feature) starChartData(r *http.Request, v *starsView) error {
	tr := s.Tr(r)
	chart := func(title string, rows []starRowView, name func(starRowView) string) starChart {
		c := starChart{Title: title, Names: []string{}, Excellent: []int{}, Good: []int{}, Poor: []int{}}
		for _, row := range rows {
			if row.Levels.Total() == 0 {
				continue
			}
			c.Names = append(c.Names, name(row))
			c.Excellent = append(c.Excellent, row.Levels.Excellent)
			c.Good = append(c.Good, row.Levels.Good)
			c.Poor = append(c.Poor, row.Levels.Poor)
		}
		return c
	}
	data := map[string]any{
		"levels": map[string]string{
			"excellent": tr.T("stars_level.excellent"), "good": tr.T("stars_level.good"), "poor": tr.T("stars_level.poor"),
		},
		"charts": []starChart{
			chart(tr.T("stars.by_org"), v.Rows, func(x starRowView) string { return x.Org.Name }),
			chart(tr.T("stars.by_category"), v.ByCategory, func(x starRowView) string { return tr.T("category." + x.Key) }),
			chart(tr.T("stars.by_domain"), v.ByDomain, func(x starRowView) string { return tr.T("domain." + x.Key) }),
		},
	}
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	// json.Marshal escapes <, > and & so the block cannot end the script.
	v.ChartJSON = template.JS(b)
	return nil
}
