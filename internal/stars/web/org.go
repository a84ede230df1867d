package web

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/stars"
	shell "github.com/pingyi/pingyi/internal/web"
)

// starMemberRow is one member on a branch's star page.
type starMemberRow struct {
	Member     pingyi.Member
	Cap        int
	Goal       *stars.Goal
	PostName   string
	LogMonth   int // entries this month
	LogYear    int // entries of the year
	Idle       bool
	Pre        *stars.Preassessment
	Suggestion *stars.Suggestion
	Rating     *stars.Rating
	Result     *stars.Result
}

// quotaLine is the quota of one cap group of the branch, from the
// committee's ratings (before finalization).
type quotaLine struct {
	Cap, Rated, Excellent, Limit int
}

// Over reports a group over its quota.
func (q quotaLine) Over() bool { return q.Excellent > q.Limit }

// violationView is a quota violation with the branch's name.
type violationView struct {
	rules.QuotaViolation
	BranchName string
}

type starOrgView struct {
	shell.View
	Year        int
	Years       []int
	Org         *pingyi.Org
	Trail       []pingyi.Org
	Children    []pingyi.Org
	Rows        []starMemberRow
	Idle        []pingyi.Member // no logbook entry this month
	ThisYear    bool            // Year is this year (the month columns mean something)
	Month       int
	Quotas      []quotaLine
	Violations  []violationView // a refused finalization
	Finalized   int             // members with a result
	Manages     bool
	Quarter     int
	Quarters    []int
	ResultsDone bool
	// the year's rules, for the quota note
	QuotaPercent, Excellent10, Excellent6 int
	// the year-end publicity's objections (contacts only for who manages)
	Objections []stars.Objection
	// the secretary's half-year debrief to the street or park committee
	Debrief       *stars.Debrief
	CanComment    bool     // a superior scope: may write the committee's comment
	DebriefErrors []string // a refused save
}

// starOrgPage is GET /stars/orgs/{code}?year=: the branch's star year —
// each member's goal, logbook this month (who has done nothing stands
// out), pre-assessment, the three assessments and their suggestion, the
// committee's rating (accept the suggestion), the quota, the finalize
// button, results with helpers, and links to the bulletin and door plates.
func (s *Feature) starOrgPage(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	o := s.VisibleOrg(w, r, r.PathValue("code"))
	if o == nil {
		return
	}
	v, err := s.starOrgData(r, o, year)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "star_org", v)
}

func (s *Feature) starOrgData(r *http.Request, o *pingyi.Org, year int) (*starOrgView, error) {
	ctx := r.Context()
	scope := shell.CurrentScope(r)
	now := time.Now()
	v := &starOrgView{Year: year, Years: starYears(year), Org: o, Manages: scope.Manages(o.Path),
		ThisYear: year == now.Year(), Month: int(now.Month()), Quarter: currentQuarter(year), Quarters: []int{1, 2, 3, 4}}
	var err error
	if v.Trail, err = s.Trail(ctx, scope, o, map[int64]pingyi.Org{}); err != nil {
		return nil, err
	}
	if v.Children, err = s.st.Children(ctx, scope, o.ID); err != nil {
		return nil, err
	}
	if v.Rows, err = s.starRows(ctx, s.Tr(r), o, year); err != nil {
		return nil, err
	}
	rs, err := s.st.Rules(ctx, year)
	if err != nil {
		return nil, err
	}
	v.QuotaPercent, v.Excellent10, v.Excellent6 = rs.QuotaPercent, rs.Levels[10].Excellent, rs.Levels[6].Excellent
	groups := map[int]*quotaLine{}
	for i := range v.Rows {
		row := &v.Rows[i]
		if v.ThisYear && row.LogMonth == 0 {
			row.Idle = true
			v.Idle = append(v.Idle, row.Member)
		}
		if row.Result != nil {
			v.Finalized++
		}
		if row.Rating != nil {
			g := groups[row.Rating.Cap]
			if g == nil {
				g = &quotaLine{Cap: row.Rating.Cap}
				groups[row.Rating.Cap] = g
			}
			g.Rated++
			if rs.Level(row.Rating.Total, row.Rating.Cap) == pingyi.LevelExcellent {
				g.Excellent++
			}
		}
	}
	for _, g := range groups {
		g.Limit = rs.Limit(g.Rated)
		v.Quotas = append(v.Quotas, *g)
	}
	sort.Slice(v.Quotas, func(i, j int) bool { return v.Quotas[i].Cap > v.Quotas[j].Cap })
	v.ResultsDone = v.Finalized > 0
	if err := s.starOrgPublicity(r, v); err != nil {
		return nil, err
	}
	return v, nil
}

// starRows gathers the star records of year of o's own members.
func (s *Feature) starRows(ctx context.Context, tr interface{ T(string, ...any) string }, o *pingyi.Org, year int) ([]starMemberRow, error) {
	members, err := s.st.Members(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	scope := pingyi.Scope{Path: o.Path}
	goals, err := s.st.Goals(ctx, scope, year, false)
	if err != nil {
		return nil, err
	}
	pres, err := s.st.Preassessments(ctx, scope, year)
	if err != nil {
		return nil, err
	}
	sugs, err := s.st.Suggestions(ctx, scope, year)
	if err != nil {
		return nil, err
	}
	ratings, err := s.st.Ratings(ctx, scope, year)
	if err != nil {
		return nil, err
	}
	results, err := s.st.Results(ctx, scope, year, "")
	if err != nil {
		return nil, err
	}
	from, to := monthRange(time.Now())
	month, err := s.st.LogCounts(ctx, o.Path, from, to)
	if err != nil {
		return nil, err
	}
	yearCounts, err := s.st.LogCounts(ctx, o.Path, strconv.Itoa(year)+"-01-01", strconv.Itoa(year+1)+"-01-01")
	if err != nil {
		return nil, err
	}
	rs, err := s.st.Rules(ctx, year)
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	rows := make([]starMemberRow, len(members))
	for i, m := range members {
		m.Phone, m.IDNumber = "", ""
		rows[i] = starMemberRow{Member: m, Cap: rs.Cap(m.Category)}
		idx[m.Code] = i
		for _, n := range month[m.Code] {
			rows[i].LogMonth += n
		}
		for _, n := range yearCounts[m.Code] {
			rows[i].LogYear += n
		}
	}
	for i := range goals {
		if j, ok := idx[goals[i].MemberCode]; ok {
			rows[j].Goal = &goals[i]
			rows[j].PostName = starPostName(tr, goals[i].Post)
		}
	}
	for i := range pres {
		if j, ok := idx[pres[i].MemberCode]; ok {
			rows[j].Pre = &pres[i]
		}
	}
	for i := range sugs {
		if j, ok := idx[sugs[i].MemberCode]; ok {
			rows[j].Suggestion = &sugs[i]
		}
	}
	for i := range ratings {
		if j, ok := idx[ratings[i].MemberCode]; ok {
			rows[j].Rating = &ratings[i]
		}
	}
	for i := range results {
		if j, ok := idx[results[i].MemberCode]; ok {
			rows[j].Result = &results[i]
		}
	}
	return rows, nil
}

// starFinalize is POST /stars/orgs/{code}/finalize: store.FinalizeStars
// over the org's subtree. While a branch breaks the quota nothing is
// stored and the page shows each such branch with its count and limit
// (409); otherwise back to the page with the results.
func (s *Feature) starFinalize(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	o := s.VisibleOrg(w, r, r.PathValue("code"))
	if o == nil {
		return
	}
	if !shell.CurrentScope(r).Manages(o.Path) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	rows, violations, err := s.st.Finalize(r.Context(), year, o.Code, shell.ActorOf(r))
	if errors.Is(err, pingyi.ErrConflict) {
		s.FailMsg(w, r, http.StatusConflict, "stars_org.finalize_stale", "Detail", err.Error())
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if len(violations) > 0 {
		v, err := s.starOrgData(r, o, year)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		for _, x := range violations {
			vv := violationView{QuotaViolation: x}
			if bo, err := s.st.Org(r.Context(), x.BranchCode); err == nil {
				vv.BranchName = bo.Name
			}
			v.Violations = append(v.Violations, vv)
		}
		s.Render(w, r, http.StatusConflict, "star_org", v)
		return
	}
	if len(rows) == 0 {
		s.Flash(r, "stars_org.finalize_none")
	} else {
		s.Flash(r, "stars_org.finalized")
	}
	shell.Redirect(w, r, "/stars/orgs/"+o.Code+starYearQuery(year))
}
