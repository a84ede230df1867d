package web

import (
	"bytes"
	"encoding/csv"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/export"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// Results are sealed while a campaign is open (nobody can press
// evaluators mid-way) and, once it has closed, a target rated by fewer
// than the campaign's anonymity threshold (ballots, abstentions included)
// has its counts withheld on pages and in exports made from pages, so
// that no evaluator can be singled out. Staff see the targets of their own
// subtree only.

// hiddenResult reports whether a target's counts are withheld.
func hiddenResult(c *pingyi.Campaign) func(store.TargetResult) bool {
	return func(t store.TargetResult) bool { return t.Tally.Total() < int64(c.Anonymity) }
}

type resultRow struct {
	store.TargetResult
	Hidden      bool
	Score, Rate string
}

type resultGroup struct {
	Type pingyi.TargetType
	Rows []resultRow
	Cut  bool // only the rows flagged for attention (see maxMemberRows)
}

// maxMemberRows: beyond this many members the page lists only those
// flagged for attention, until a unit is chosen (a variable for tests).
var maxMemberRows = 200

type categoryCount struct {
	Category pingyi.EvaluatorCategory
	N        int64
}

type unitComposition struct {
	store.UnitResult
	Share string // the masses' share of its ballots, percent
	Cats  []categoryCount
}

type resultsView struct {
	view
	Head         campaignHead
	Sealed       bool
	Levels       []pingyi.Rating
	Groups       []resultGroup
	Units        []unitComposition
	Average      string
	Ballots      int64
	Hidden       int
	Shown        int
	Coverage     *store.Coverage
	Chart        resultsChart
	HasChart     bool
	Anonymity    int
	HiddenSpan   int          // columns of a withheld row
	Units4Filter []store.Unit // the units of the viewer's subtree
	Unit         *store.Unit  // ?unit=: one unit's results
	MembersTotal int          // members in scope when the list was cut
	// AverageWithheld: an org target with ratings is under the threshold,
	// and the average with the other rates shown would give its rate away.
	AverageWithheld bool
}

// resultsChart is what static/js/results.js draws (a JSON block on the
// page; the tables show the same without JavaScript).
type resultsChart struct {
	Title     string        `json:"title"`
	Orgs      []string      `json:"orgs"`
	Rates     []float64     `json:"rates"`
	Average   *float64      `json:"average"`
	AvgLabel  string        `json:"avgLabel"`
	DistTitle string        `json:"distTitle"`
	Types     []string      `json:"types"`
	Series    []chartSeries `json:"series"`
}

type chartSeries struct {
	Name  string  `json:"name"`
	Color string  `json:"color"`
	Data  []int64 `json:"data"`
}

var levelColors = map[pingyi.Rating]string{
	pingyi.Satisfied: "#c00000", pingyi.FairlySatisfied: "#e06666", pingyi.BasicallySatisfied: "#e0a040",
	pingyi.Dissatisfied: "#7f7f7f", pingyi.Abstain: "#c8c8c8",
}

// scopedResults counts campaign c and keeps the targets and units of the
// viewer's subtree.
func (s *Server) scopedResults(r *http.Request, c *pingyi.Campaign) (*store.Results, error) {
	res, err := s.st.Results(r.Context(), c)
	if err != nil {
		return nil, err
	}
	return inScope(res, CurrentScope(r)), nil
}

// inScope keeps the targets and units of a subtree.
func inScope(res *store.Results, scope pingyi.Scope) *store.Results {
	if scope.All() {
		return res
	}
	out := *res
	out.Targets, out.Units = nil, nil
	for _, t := range res.Targets {
		if scope.Contains(t.UnitPath) {
			out.Targets = append(out.Targets, t)
		}
	}
	for _, u := range res.Units {
		if scope.Contains(u.Path) {
			out.Units = append(out.Units, u)
		}
	}
	return &out
}

func ratFloat(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// resultsPage is GET /campaigns/{code}/results: per target its
// distribution, score, satisfaction rate and rule flags; per unit its
// ballots by evaluator category against the minimum mass share; coverage;
// two charts.
func (s *Server) resultsPage(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	v := &resultsView{Head: s.head(r, c, "results"), Levels: c.Scale.Levels(), Anonymity: c.Anonymity}
	v.HiddenSpan = len(v.Levels) + 5
	if store.State(c, time.Now()) != store.StateClosed {
		v.Sealed = true
		s.render(w, r, http.StatusOK, "results", v)
		return
	}
	full, err := s.st.Results(r.Context(), c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	scope := CurrentScope(r)
	if v.Units4Filter, err = s.st.Units(r.Context(), c.ID, scope); err != nil {
		s.serverError(w, r, err)
		return
	}
	if code := r.URL.Query().Get("unit"); code != "" {
		i := slices.IndexFunc(v.Units4Filter, func(u store.Unit) bool { return u.Code == code })
		if i < 0 {
			s.fail(w, r, http.StatusNotFound)
			return
		}
		v.Unit = &v.Units4Filter[i]
		scope = pingyi.Scope{Path: v.Unit.Path}
	}
	res := inScope(full, scope)
	if v.Unit != nil { // the unit itself, not the units below it
		res = onlyUnit(res, v.Unit.Code)
	}
	if v.Coverage, err = s.st.CampaignCoverage(r.Context(), c, scope); err != nil {
		s.serverError(w, r, err)
		return
	}
	tr := s.tr(r)
	hide := hiddenResult(c)
	if avg, ok := publishableAverage(full); ok {
		v.Average = rules.FormatRate(avg)
	} else if full.OrgAverage != nil {
		v.AverageWithheld = true
	}
	v.Chart = resultsChart{Title: tr.T("results.chart_rates"), AvgLabel: tr.T("results.average"), DistTitle: tr.T("results.chart_dist")}
	if v.Average != "" {
		a := ratFloat(v.Average)
		v.Chart.Average = &a
	}
	levels := append(c.Scale.Levels(), pingyi.Abstain)
	dist := map[pingyi.TargetType]map[pingyi.Rating]int64{}
	for _, tt := range []pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember} {
		g := resultGroup{Type: tt}
		for _, t := range res.Targets {
			if t.Type != tt {
				continue
			}
			row := resultRow{TargetResult: t, Hidden: hide(t)}
			if row.Hidden {
				v.Hidden++
			} else {
				v.Shown++
				row.Score, row.Rate = rules.FormatScore(t.Score), rules.FormatRate(t.Rate)
				if dist[tt] == nil {
					dist[tt] = map[pingyi.Rating]int64{}
				}
				d := dist[tt]
				d[pingyi.Satisfied] += t.Tally.Satisfied
				d[pingyi.FairlySatisfied] += t.Tally.FairlySatisfied
				d[pingyi.BasicallySatisfied] += t.Tally.BasicallySatisfied
				d[pingyi.Dissatisfied] += t.Tally.Dissatisfied
				d[pingyi.Abstain] += t.Tally.Abstain
				if tt == pingyi.TargetOrg && t.HasValid {
					v.Chart.Orgs = append(v.Chart.Orgs, t.Name)
					v.Chart.Rates = append(v.Chart.Rates, ratFloat(row.Rate))
				}
			}
			g.Rows = append(g.Rows, row)
		}
		// A whole district's members do not fit on a page: without a unit
		// chosen, only those the rules flag for attention are listed (the
		// exports have everyone).
		if tt == pingyi.TargetMember && v.Unit == nil && len(g.Rows) > maxMemberRows {
			v.MembersTotal = len(g.Rows)
			kept := g.Rows[:0:0]
			for _, row := range g.Rows {
				if !row.Hidden && (row.HasFlag(rules.FlagAdmonish) || row.HasFlag(rules.FlagNotTypical)) {
					kept = append(kept, row)
				}
			}
			g.Rows = kept
			g.Cut = true
		}
		if len(g.Rows) > 0 || g.Cut {
			v.Groups = append(v.Groups, g)
		}
		if dist[tt] != nil {
			v.Chart.Types = append(v.Chart.Types, tr.T("target_type."+string(tt)))
		}
	}
	for _, l := range levels {
		sr := chartSeries{Name: tr.T("ballot_rating." + string(l)), Color: levelColors[l]}
		for _, tt := range []pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember} {
			if dist[tt] != nil {
				sr.Data = append(sr.Data, dist[tt][l])
			}
		}
		v.Chart.Series = append(v.Chart.Series, sr)
	}
	v.HasChart = len(v.Chart.Orgs) > 0 || len(v.Chart.Types) > 0
	for _, u := range res.Units {
		uc := unitComposition{UnitResult: u}
		if share, ok := rules.MassShare(u.UnitInput); ok {
			uc.Share = rules.FormatRate(share)
		}
		for _, cat := range pingyi.EvaluatorCategories {
			uc.Cats = append(uc.Cats, categoryCount{Category: cat, N: u.ByCategory[cat]})
		}
		v.Units = append(v.Units, uc)
		v.Ballots += u.Ballots
	}
	s.render(w, r, http.StatusOK, "results", v)
}

// publishableAverage is the campaign's org average (R3) if it gives
// nothing away: withheld when an org target with valid ratings is under
// the anonymity threshold (its rate could be worked out from the average
// and the rates shown). It is counted on the whole campaign, whatever the
// viewer's subtree.
func publishableAverage(res *store.Results) (*big.Rat, bool) {
	hide := hiddenResult(res.Campaign)
	for _, t := range res.Targets {
		if t.Type == pingyi.TargetOrg && t.HasValid && hide(t) {
			return nil, false
		}
	}
	return res.OrgAverage, res.OrgAverage != nil
}

// onlyUnit keeps the targets and the composition of one unit.
func onlyUnit(res *store.Results, code string) *store.Results {
	out := *res
	out.Targets, out.Units = nil, nil
	for _, t := range res.Targets {
		if t.UnitCode == code {
			out.Targets = append(out.Targets, t)
		}
	}
	for _, u := range res.Units {
		if u.Code == code {
			out.Units = append(out.Units, u)
		}
	}
	return &out
}

// sealedExport answers 403 with the sealed message for an export of an
// open campaign; it reports whether it did.
func (s *Server) sealedExport(w http.ResponseWriter, r *http.Request, c *pingyi.Campaign) bool {
	if store.State(c, time.Now()) == store.StateClosed {
		return false
	}
	s.failMsg(w, r, http.StatusForbidden, "results.sealed_export")
	return true
}

// resultsXLSX is GET /campaigns/{code}/results.xlsx: the printable
// workbook (export.ResultsXLSX) of the viewer's subtree, with the page's
// hiding.
func (s *Server) resultsXLSX(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil || s.sealedExport(w, r, c) {
		return
	}
	res, err := s.scopedResults(r, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := export.ResultsXLSX(&buf, res, hiddenResult(c)); err != nil {
		s.serverError(w, r, err)
		return
	}
	download(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "results-"+c.Code+".xlsx", buf.Bytes())
}

// resultsHeader is the results file's header (SPEC §6, cli.ResultsHeader).
var resultsHeader = []string{"target_type", "target_code", "valid", "satisfied", "fairly_satisfied", "basically_satisfied", "dissatisfied", "abstain", "score", "satisfaction_rate", "flags"}

// resultRecord is one row of the results file (cli.ResultRecord); a
// withheld target keeps only its type and code.
func resultRecord(t store.TargetResult, hidden bool) []string {
	if hidden {
		return []string{string(t.Type), t.Code, "", "", "", "", "", "", "", "", ""}
	}
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	return []string{string(t.Type), t.Code, n(t.Tally.Valid()), n(t.Tally.Satisfied), n(t.Tally.FairlySatisfied),
		n(t.Tally.BasicallySatisfied), n(t.Tally.Dissatisfied), n(t.Tally.Abstain),
		rules.FormatScore(t.Score), rules.FormatRate(t.Rate), rules.JoinFlags(t.Flags)}
}

// resultsCSV is GET /campaigns/{code}/results.csv: the results file of
// SPEC §6 for the viewer's subtree; a target under the anonymity
// threshold has its cells left empty.
func (s *Server) resultsCSV(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil || s.sealedExport(w, r, c) {
		return
	}
	res, err := s.scopedResults(r, c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	hide := hiddenResult(c)
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(resultsHeader)
	for _, t := range res.Targets {
		cw.Write(resultRecord(t, hide(t)))
	}
	cw.Flush()
	download(w, "text/csv; charset=utf-8", "results-"+c.Code+".csv", buf.Bytes())
}
