package web

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/i18n"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/appraisal/export"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// Results are sealed while a campaign is open (nobody can press
// evaluators mid-way) and, once it has closed, a target rated by fewer
// than the campaign's anonymity threshold (ballots, abstentions included)
// has its counts withheld on pages and in exports made from pages, so
// that no evaluator can be singled out. Staff see the targets of their own
// subtree only.

// hiddenResult reports whether a target's counts are withheld.
func hiddenResult(c *pingyi.Campaign) func(appraisal.TargetResult) bool {
	return func(t appraisal.TargetResult) bool { return rules.Withheld(t.Tally.Total(), c.Anonymity) }
}

type resultRow struct {
	appraisal.TargetResult
	Hidden      bool
	Score, Rate string
}

// pageRow is a row of the results page, flat (what the template reads is
// worked out here: fields of embedded structs cost the template a search
// by reflection each).
type pageRow struct {
	UnitName, Name, Code string
	Hidden, Flagged      bool
	Valid, Abstain       int64
	Counts               []int64 // of each level of the scale
	Score, Rate          string
	FlagLabels           []flagLabel
}

type flagLabel struct{ Flag, Label string }

// write writes the unit's row as HTML (see pageRow.write).
func (uc *unitComposition) write(b *strings.Builder, lowLabel string) {
	b.WriteString("<tr")
	if uc.Low {
		b.WriteString(` class="row-flag"`)
	}
	b.WriteString("><td>" + html.EscapeString(uc.Name) + " <code>" + html.EscapeString(uc.Code) + `</code></td><td class="num">` + shell.Thousands(uc.Ballots) + "</td>")
	for _, c := range uc.Cats {
		b.WriteString(`<td class="num lo">` + shell.Thousands(c.N) + "</td>")
	}
	b.WriteString("\n<td class=\"num\">")
	if uc.Share != "" {
		b.WriteString(uc.Share + "%")
	}
	if uc.Low {
		b.WriteString(` <span class="flag flag-low_mass_share">` + html.EscapeString(lowLabel) + "</span>")
	}
	b.WriteString("</td></tr>")
}

// write writes the row as HTML (what a template would, ≈ 10 times faster:
// a results page has a hundred of them).
func (row *pageRow) write(b *strings.Builder, notOrg bool, hiddenSpan int, hiddenNote string) {
	esc := html.EscapeString
	b.WriteString("<tr")
	if row.Hidden {
		b.WriteString(` class="row-hidden"`)
	} else if row.Flagged {
		b.WriteString(` class="row-flag"`)
	}
	b.WriteString(">\n")
	if notOrg {
		b.WriteString(`<td class="lo">` + esc(row.UnitName) + "</td>")
	}
	b.WriteString("<td>" + esc(row.Name) + " <code>" + esc(row.Code) + "</code>")
	if notOrg {
		b.WriteString(`<span class="phone-only muted small"> · ` + esc(row.UnitName) + "</span>")
	}
	b.WriteString("</td>\n")
	if row.Hidden {
		b.WriteString(`<td colspan="` + strconv.Itoa(hiddenSpan) + `" class="hidden-note">` + esc(hiddenNote) + "</td>\n</tr>")
		return
	}
	num := func(n int64) { b.WriteString(`<td class="num lo">` + shell.Thousands(n) + "</td>") } // counts: not on a phone
	num(row.Valid)
	for _, n := range row.Counts {
		num(n)
	}
	num(row.Abstain)
	b.WriteString("\n<td class=\"num\">" + cmp.Or(row.Score, "—") + `</td><td class="num">`)
	if row.Rate != "" {
		b.WriteString(row.Rate + "%")
	} else {
		b.WriteString("—")
	}
	b.WriteString("</td>\n<td>")
	for _, f := range row.FlagLabels {
		b.WriteString(`<span class="flag flag-` + esc(f.Flag) + `">` + esc(f.Label) + "</span> ")
	}
	b.WriteString("</td>\n</tr>")
}

type resultGroup struct {
	NotOrg bool // rows show their unit
	Type   pingyi.TargetType
	Rows   []resultRow   // the publicity page's
	Lines  []pageRow     // the results page's
	Body   template.HTML // Lines as table rows (pageRow.write)
	Cut    bool          // only the rows flagged for attention (see maxMemberRows)
	Param  string        // the query parameter of its page
	Pager  pager
}

// maxMemberRows: beyond this many members the page lists only those
// flagged for attention, until a unit is chosen (a variable for tests).
var maxMemberRows = 200

type categoryCount struct {
	Category pingyi.EvaluatorCategory
	N        int64
	Label    string
}

type unitComposition struct {
	Code, Name string
	Ballots    int64
	Low        bool
	Share      string // the masses' share of its ballots, percent
	Cats       []categoryCount
}

type resultsView struct {
	shell.View
	Head         campaignHead
	Sealed       bool
	Levels       []pingyi.Rating
	Groups       []resultGroup
	Units        []unitComposition
	Average      string
	Ballots      int64
	Hidden       int
	Shown        int
	Coverage     *appraisal.Coverage
	Chart        resultsChart
	HasChart     bool
	Anonymity    int
	HiddenSpan   int              // columns of a withheld row
	Units4Filter []appraisal.Unit // the units of the viewer's subtree
	Unit         *appraisal.Unit  // ?unit=: one unit's results
	MembersTotal int              // members in scope when the list was cut
	MembersShown int              // members listed (on all pages) when cut
	HiddenNote   string           // what a withheld row says
	UnitsInScope int              // units with targets in the viewer's subtree
	UnitField    bool             // too many units for a list: a code field
	UnitCode     string           // ?unit= as chosen
	UnitsPager   pager            // the composition table's pages
	UnitsBody    template.HTML    // Units as table rows (unitComposition.write)
	// AverageWithheld: an org target with ratings is under the threshold,
	// and the average with the other rates shown would give its rate away.
	AverageWithheld bool
	Body            template.HTML // results_body, rendered or cached (results_cache.go)
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

// resultsPageSize is how many rows a results table shows at once (a
// variable for tests); further rows are on later pages of that table.
var resultsPageSize = 25

// maxUnitOptions: with more units than this in the viewer's subtree, the
// unit filter is a code field instead of a list.
var maxUnitOptions = 300

// pager is one table's position among its pages.
type pager struct {
	Total, From, To int    // rows in all; the first and last shown (1-based)
	Prev, Next      string // links to the neighbouring pages ("" at an end)
}

// pageOf reads a table's page number (its query parameter, 1-based) and
// returns the offset of its first row with the pager, clamping it to the
// last page.
func pageOf(r *http.Request, param string, total int) (int, pager) {
	p, _ := strconv.Atoi(r.URL.Query().Get(param))
	pages := max(1, (total+resultsPageSize-1)/resultsPageSize)
	p = min(max(p, 1), pages)
	off := (p - 1) * resultsPageSize
	pg := pager{Total: total, From: min(off+1, total), To: min(off+resultsPageSize, total)}
	link := func(n int) string {
		q := r.URL.Query()
		if n == 1 {
			q.Del(param)
		} else {
			q.Set(param, strconv.Itoa(n))
		}
		u := *r.URL
		u.RawQuery = q.Encode()
		return u.RequestURI() + "#" + param
	}
	if p > 1 {
		pg.Prev = link(p - 1)
	}
	if p < pages {
		pg.Next = link(p + 1)
	}
	return off, pg
}

// resultsPage is GET /campaigns/{code}/results: per target its
// distribution, score, satisfaction rate and rule flags; per unit its
// ballots by evaluator category against the minimum mass share; coverage;
// two charts. The campaign's summary (appraisal.Summary, cached) gives the
// counts; each table shows one page of rows (?page_org=, page_secretary=,
// page_member=, page_units=), whose names alone are read.
func (s *Feature) resultsPage(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	v := &resultsView{Head: s.head(r, c, "results"), Levels: c.Scale.Levels(), Anonymity: c.Anonymity}
	v.HiddenSpan = len(v.Levels) + 5
	if appraisal.State(c, time.Now()) != appraisal.StateClosed {
		v.Sealed = true
		s.Render(w, r, http.StatusOK, "results", v)
		return
	}
	sm, err := s.st.Summary(r.Context(), c)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	scope := shell.CurrentScope(r)
	lang := s.Lang(r)
	key := resultsKeyOf(scope, staffTabs(shell.CurrentUser(r)), lang, r.URL.RequestURI(), c)
	if e, ok := s.results.get(c.ID, sm, key, time.Now()); ok {
		v.Body = e.body
		shell.WithSegment(r.Context(), e.seg)
		s.Render(w, r, http.StatusOK, "results", v)
		return
	}
	if !s.resultsBody(w, r, c, sm, scope, v) {
		return
	}
	var buf bytes.Buffer
	if err := s.PageSet(lang, "results").ExecuteTemplate(&buf, "results_body", v); err != nil {
		s.ServerError(w, r, fmt.Errorf("template results_body: %w", err))
		return
	}
	v.Body = template.HTML(buf.String())
	seg := shell.CompressSegment(buf.Bytes())
	s.results.put(c.ID, sm, key, resultsEntry{body: v.Body, seg: seg, at: time.Now()})
	shell.WithSegment(r.Context(), seg)
	s.Render(w, r, http.StatusOK, "results", v)
}

// resultsBody fills v with what results_body shows; it reports false when
// it has answered the request (an error, a unit not found).
func (s *Feature) resultsBody(w http.ResponseWriter, r *http.Request, c *pingyi.Campaign, sm *appraisal.Summary, scope pingyi.Scope, v *resultsView) bool {
	view := sm.View(c.Anonymity)
	inScope, shown, ok := s.resultsUnits(w, r, sm, scope, v)
	if !ok {
		return false
	}
	v.Coverage = resultsCoverage(view, inScope)
	agg := view.Sum(shown)
	mask := sm.Mask(shown)
	tr := s.Tr(r)
	v.HiddenNote = tr.T("results.hidden", "N", c.Anonymity)
	var body strings.Builder
	if sm.OrgAverage != nil && !view.AverageWithheld {
		v.Average = rules.FormatRate(sm.OrgAverage)
	} else if sm.OrgAverage != nil {
		v.AverageWithheld = true
	}
	v.Chart = resultsChart{Title: tr.T("results.chart_rates"), AvgLabel: tr.T("results.average"), DistTitle: tr.T("results.chart_dist")}
	if v.Average != "" {
		a := ratFloat(v.Average)
		v.Chart.Average = &a
	}
	if !s.resultsGroups(w, r, c, sm, view, agg, mask, v, &body) {
		return false
	}
	v.Chart.Series = resultsDist(tr, c, agg)
	v.HasChart = len(v.Chart.Orgs) > 0 || len(v.Chart.Types) > 0
	s.resultsComposition(r, sm, shown, v, &body)
	return true
}

// resultsUnits fills the unit filter of the viewer's scope and reads the
// chosen unit (?unit=): the units whose coverage counts (inScope) and
// those listed (shown); false when it answered (an unknown unit: 404).
func (s *Feature) resultsUnits(w http.ResponseWriter, r *http.Request, sm *appraisal.Summary, scope pingyi.Scope, v *resultsView) (inScope, shown []int32, ok bool) {
	inScope = sm.UnitsIn(scope)
	for _, ui := range inScope {
		u := &sm.Units[ui]
		if n := u.Targets[0] + u.Targets[1] + u.Targets[2]; n > 0 {
			v.UnitsInScope++
			if v.UnitsInScope <= maxUnitOptions {
				v.Units4Filter = append(v.Units4Filter, appraisal.Unit{ID: u.OrgID, Code: u.Code, Name: u.Name, Path: u.Path, Targets: int(n)})
			}
		}
	}
	if v.UnitsInScope > maxUnitOptions {
		v.Units4Filter, v.UnitField = nil, true
	}
	shown = inScope // the units whose targets and composition are listed
	if code := r.URL.Query().Get("unit"); code != "" {
		ui, ok := sm.UnitByCode(code)
		if !ok || !scope.Contains(sm.Units[ui].Path) || sm.Units[ui].Targets == [appraisal.NumTypes]int32{} {
			s.Fail(w, r, http.StatusNotFound)
			return nil, nil, false
		}
		u := &sm.Units[ui]
		v.Unit = &appraisal.Unit{ID: u.OrgID, Code: u.Code, Name: u.Name, Path: u.Path, Targets: int(u.Targets[0] + u.Targets[1] + u.Targets[2])}
		v.UnitCode = u.Code
		inScope = sm.UnitsIn(pingyi.Scope{Path: u.Path}) // coverage: the unit's subtree
		shown = []int32{ui}                              // listed: the unit itself
	}
	return inScope, shown, true
}

// resultsCoverage is how many targets of the units have ratings, by type.
func resultsCoverage(view *appraisal.AnonView, units []int32) *appraisal.Coverage {
	cov := view.Sum(units)
	out := &appraisal.Coverage{ByType: map[pingyi.TargetType][2]int{}}
	for k := range appraisal.NumTypes {
		out.Targets += int(cov.Targets[k])
		out.Rated += int(cov.Rated[k])
		out.ByType[appraisal.TypeNames[k]] = [2]int{int(cov.Targets[k]), int(cov.Rated[k])}
	}
	return out
}

// resultsGroups writes the rows of each target type (a page of each, the
// members cut to those flagged without a unit chosen) into v's groups and
// the rates chart; false when it answered (an error).
func (s *Feature) resultsGroups(w http.ResponseWriter, r *http.Request, c *pingyi.Campaign, sm *appraisal.Summary, view *appraisal.AnonView, agg appraisal.UnitAgg, mask []bool, v *resultsView, body *strings.Builder) bool {
	tr := s.Tr(r)
	flagLabels := map[string]string{}
	for _, tt := range []pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember} {
		k, _ := appraisal.TypeCode(tt)
		v.Hidden += int(agg.Hidden[k])
		v.Shown += int(agg.Shown[k])
		g := resultGroup{Type: tt, Param: "page_" + string(tt), NotOrg: tt != pingyi.TargetOrg}
		f := appraisal.Filter{Type: k, Units: mask}
		total := int(agg.Targets[k])
		// A whole district's members do not fit on a page: without a unit
		// chosen, only those the rules flag for attention are listed (the
		// exports have everyone).
		if tt == pingyi.TargetMember && v.Unit == nil && total > maxMemberRows {
			v.MembersTotal = total
			g.Cut = true
			f.Attention = view
			total = int(agg.Attention)
			v.MembersShown = total
		}
		off, pg := pageOf(r, g.Param, total)
		g.Pager = pg
		rows, err := s.st.ResultRows(r.Context(), sm, sm.Page(f, off, resultsPageSize))
		if err != nil {
			s.ServerError(w, r, err)
			return false
		}
		hide := hiddenResult(c)
		for _, t := range rows {
			row := pageRow{UnitName: t.UnitName, Name: t.Name, Code: t.Code, Hidden: hide(t)}
			if !row.Hidden {
				row.Flagged = len(t.Flags) > 0
				row.Score, row.Rate = rules.FormatScore(t.Score), rules.FormatRate(t.Rate)
				row.Valid, row.Abstain = t.Tally.Valid(), t.Tally.Abstain
				for _, l := range v.Levels {
					row.Counts = append(row.Counts, levelCount(t.Tally, l))
				}
				for _, f := range t.Flags {
					l, ok := flagLabels[f]
					if !ok {
						l = tr.T("result_flag." + f)
						flagLabels[f] = l
					}
					row.FlagLabels = append(row.FlagLabels, flagLabel{f, l})
				}
				// the rates chart: the organizations of this page
				if tt == pingyi.TargetOrg && t.HasValid {
					v.Chart.Orgs = append(v.Chart.Orgs, t.Name)
					v.Chart.Rates = append(v.Chart.Rates, ratFloat(row.Rate))
				}
			}
			g.Lines = append(g.Lines, row)
			row.write(body, g.NotOrg, v.HiddenSpan, v.HiddenNote)
		}
		g.Body = template.HTML(body.String())
		body.Reset()
		if total > 0 || g.Cut {
			v.Groups = append(v.Groups, g)
		}
		if agg.Shown[k] > 0 {
			v.Chart.Types = append(v.Chart.Types, tr.T("target_type."+string(tt)))
		}
	}
	return true
}

// resultsDist is the chart's distribution of ratings: one series a level
// of the scale (and abstentions), a value a target type shown.
func resultsDist(tr *i18n.Translator, c *pingyi.Campaign, agg appraisal.UnitAgg) []chartSeries {
	var out []chartSeries
	levels := append(c.Scale.Levels(), pingyi.Abstain)
	for _, l := range levels {
		sr := chartSeries{Name: tr.T("ballot_rating." + string(l)), Color: levelColors[l]}
		for _, tt := range []pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember} {
			if k, _ := appraisal.TypeCode(tt); agg.Shown[k] > 0 {
				sr.Data = append(sr.Data, agg.Dist[k].Of(l))
			}
		}
		out = append(out, sr)
	}
	return out
}

// resultsComposition writes a page of the listed units' ballot counts by
// evaluator category (the units with ballots) into v.
func (s *Feature) resultsComposition(r *http.Request, sm *appraisal.Summary, shown []int32, v *resultsView, body *strings.Builder) {
	tr := s.Tr(r)
	var tallied []int32
	for _, ui := range shown {
		if u := &sm.Units[ui]; u.Tallied {
			tallied = append(tallied, ui)
			v.Ballots += u.Ballots
		}
	}
	off, pg := pageOf(r, "page_units", len(tallied))
	lowLabel := tr.T("result_flag." + rules.FlagLowMassShare)
	v.UnitsPager = pg
	for _, ui := range tallied[off:min(off+resultsPageSize, len(tallied))] {
		u := &sm.Units[ui]
		uc := unitComposition{Code: u.Code, Name: u.Name, Ballots: u.Ballots, Low: u.Low}
		if share, ok := rules.MassShare(u.Input()); ok {
			uc.Share = rules.FormatRate(share)
		}
		for k, cat := range pingyi.EvaluatorCategories {
			uc.Cats = append(uc.Cats, categoryCount{Category: cat, N: u.ByCategory[k], Label: tr.T("evaluator." + string(cat))})
		}
		v.Units = append(v.Units, uc)
		uc.write(body, lowLabel)
	}
	v.UnitsBody = template.HTML(body.String())
}

// levelCount is a tally's count of one level of the scale.
func levelCount(t rules.Tally, l pingyi.Rating) int64 { return t.Of(l) }

func ratFloat(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// sealedExport answers 403 with the sealed message for an export of an
// open campaign; it reports whether it did.
func (s *Feature) sealedExport(w http.ResponseWriter, r *http.Request, c *pingyi.Campaign) bool {
	if appraisal.State(c, time.Now()) == appraisal.StateClosed {
		return false
	}
	s.FailMsg(w, r, http.StatusForbidden, "results.sealed_export")
	return true
}

// scopedSummary is campaign c's summary with the mask of the viewer's
// units (nil: all) and the number of targets of each type in it.
func (s *Feature) scopedSummary(r *http.Request, c *pingyi.Campaign) (*appraisal.Summary, []bool, map[pingyi.TargetType]int, error) {
	sm, err := s.st.Summary(r.Context(), c)
	if err != nil {
		return nil, nil, nil, err
	}
	units := sm.UnitsIn(shell.CurrentScope(r))
	agg := sm.View(c.Anonymity).Sum(units)
	counts := map[pingyi.TargetType]int{}
	for k := range appraisal.NumTypes {
		counts[appraisal.TypeNames[k]] = int(agg.Targets[k])
	}
	return sm, sm.Mask(units), counts, nil
}

// lazyDownload sends a download's headers with its first byte, so that an
// error before it can still be answered with an error page.
type lazyDownload struct {
	w               http.ResponseWriter
	ctype, filename string
	started         bool
}

func (d *lazyDownload) Write(b []byte) (int, error) {
	if !d.started {
		d.started = true
		h := d.w.Header()
		h.Set("Content-Type", d.ctype)
		h.Set("Content-Disposition", `attachment; filename="`+shell.ASCIIName(d.filename)+`"; filename*=UTF-8''`+url.PathEscape(d.filename))
		h.Set("Cache-Control", "no-store")
		d.w.WriteHeader(http.StatusOK)
	}
	return d.w.Write(b)
}

// resultsExport is what every results download starts from: the
// campaign (closed: sealedExport), its summary scoped to the viewer, and
// the audit chain's anchor, sent as the X-Pingyi-Audit-Anchor header of
// every download (the workbook also carries it on its last sheet; a CSV
// has no room for it: the SPEC file's columns are fixed).
type resultsExport struct {
	c      *pingyi.Campaign
	counts map[pingyi.TargetType]int // targets of each type in the viewer's scope
	anchor string
	each   func(func(appraisal.TargetResult) error) error // the scoped targets' results, in order
}

// startExport answers for the request (and returns nil) when no export can
// be made.
func (s *Feature) startExport(w http.ResponseWriter, r *http.Request) *resultsExport {
	c := s.loadCampaign(w, r)
	if c == nil || s.sealedExport(w, r, c) {
		return nil
	}
	sm, mask, counts, err := s.scopedSummary(r, c)
	if err != nil {
		s.ServerError(w, r, err)
		return nil
	}
	head, err := s.st.AuditHead(r.Context())
	if err != nil {
		s.ServerError(w, r, err)
		return nil
	}
	w.Header().Set("X-Pingyi-Audit-Anchor", head.Anchor())
	return &resultsExport{c: c, counts: counts, anchor: head.Anchor(),
		each: func(fn func(appraisal.TargetResult) error) error { return s.st.EachResult(r.Context(), sm, mask, fn) }}
}

// sendExport writes a download as it is made (lazyDownload: an error before
// its first byte is still answered with an error page).
func (s *Feature) sendExport(w http.ResponseWriter, r *http.Request, ctype, filename string, write func(io.Writer) error) {
	out := &lazyDownload{w: w, ctype: ctype, filename: filename}
	bw := bufio.NewWriterSize(out, 64<<10)
	if err := write(bw); err != nil && !out.started {
		s.ServerError(w, r, err)
		return
	}
	bw.Flush()
}

// resultsXLSX is GET /campaigns/{code}/results.xlsx: the printable
// workbook (export.ResultsXLSX) of the viewer's subtree, with the page's
// hiding, written as it is read.
func (s *Feature) resultsXLSX(w http.ResponseWriter, r *http.Request) {
	x := s.startExport(w, r)
	if x == nil {
		return
	}
	s.sendExport(w, r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "results-"+x.c.Code+".xlsx", func(out io.Writer) error {
		return export.ResultsXLSXStream(out, x.c.Name, x.c.Scale, x.counts, x.each, hiddenResult(x.c), x.anchor)
	})
}

// resultsCSV is GET /campaigns/{code}/results.csv: the results file of
// SPEC §6 for the viewer's subtree; a target under the anonymity
// threshold has its cells left empty. Rows are written as they are read.
// With ?headers=zh, the same rows for people: Chinese headers, names
// beside codes (export.ResultsCSVZH).
func (s *Feature) resultsCSV(w http.ResponseWriter, r *http.Request) {
	x := s.startExport(w, r)
	if x == nil {
		return
	}
	if r.URL.Query().Get("headers") == "zh" {
		s.sendExport(w, r, "text/csv; charset=utf-8", x.c.Code+"-测评结果.csv", func(out io.Writer) error {
			return export.ResultsCSVZH(out, x.c.Scale, x.each, hiddenResult(x.c))
		})
		return
	}
	s.sendExport(w, r, "text/csv; charset=utf-8", "results-"+x.c.Code+".csv", func(out io.Writer) error {
		return export.ResultsCSV(out, x.each, hiddenResult(x.c))
	})
}
