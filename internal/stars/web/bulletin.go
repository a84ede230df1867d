package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pdf"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/tabular"
	shell "github.com/pingyi/pingyi/internal/web"
)

// The quarterly bulletin (季度通报, seed 003): each quarter the branch
// reports every member's progress towards their goal from the logbook and
// the goals, with the problems found and suggestions for improvement.

// bulletinRow is one member's quarter.
type bulletinRow struct {
	Member      pingyi.Member
	Cap         int
	Goal        *stars.Goal
	PostName    string
	Signed      bool
	Kinds       map[string]int
	Total       int
	IdleMonths  []int
	Pre         *stars.Preassessment
	Problems    []string
	Suggestions []string
}

// Months joins idle months as "4、5".
func (b bulletinRow) Months() string {
	parts := make([]string, len(b.IdleMonths))
	for i, m := range b.IdleMonths {
		parts[i] = strconv.Itoa(m)
	}
	return strings.Join(parts, "、")
}

type starBulletinView struct {
	shell.View
	Year        int
	Years       []int
	Quarter     int
	Quarters    []int
	Org         *pingyi.Org
	Title       string
	Rows        []bulletinRow
	Kinds       []string
	KindTotals  map[string]int
	Entries     int
	Members     int
	Active      int // members with an entry this quarter
	WithGoal    int // members with a responsibility book signed by both
	NotStarted  bool
	Problems    []string
	Suggestions []string
	Generated   string
}

// starBulletin is GET /stars/orgs/{code}/bulletin?year=&q=1..4&format=:
// the quarterly bulletin of the org's own members, as a page, a PDF
// (format=pdf) or an Excel workbook (format=xlsx). The files are in
// Chinese whatever the page language: they are the branch's documents.
func (s *Feature) starBulletin(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	o := s.VisibleOrg(w, r, r.PathValue("code"))
	if o == nil {
		return
	}
	q := currentQuarter(year)
	if qs := r.URL.Query().Get("q"); qs != "" {
		n, err := strconv.Atoi(qs)
		if err != nil || n < 1 || n > 4 {
			s.Fail(w, r, http.StatusNotFound)
			return
		}
		q = n
	}
	format := r.URL.Query().Get("format")
	tr := s.Tr(r)
	if format == "pdf" || format == "xlsx" {
		tr = i18n.For("zh-CN")
	} else if format != "" && format != "html" {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	v, err := s.bulletinData(r, tr, o, year, q)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	name := fmt.Sprintf("bulletin-%s-%d-Q%d", o.Code, year, q)
	switch format {
	case "pdf":
		var buf bytes.Buffer
		header, rows := bulletinTable(tr, v)
		names := make([]string, 0, len(v.Rows))
		values := make([]float64, 0, len(v.Rows))
		for _, row := range v.Rows {
			names = append(names, row.Member.Name)
			values = append(values, float64(row.Total))
		}
		var chart []byte
		if v.Entries > 0 { // an empty chart says nothing
			if chart, err = pdf.BarChartPNG(tr.T("stars_bulletin.chart_title"), names, values); err != nil {
				s.ServerError(w, r, err)
				return
			}
		}
		if err := pdf.TableWithChart(&buf, v.Title, chart, header, rows); err != nil {
			s.ServerError(w, r, err)
			return
		}
		sendFile(w, "application/pdf", name+".pdf", buf.Bytes())
	case "xlsx":
		var buf bytes.Buffer
		if err := bulletinXLSX(&buf, tr, v); err != nil {
			s.ServerError(w, r, err)
			return
		}
		sendFile(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name+".xlsx", buf.Bytes())
	default:
		s.Render(w, r, http.StatusOK, "star_bulletin", v)
	}
}

// sendFile answers a download.
func sendFile(w http.ResponseWriter, ctype, filename string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

type translator interface{ T(string, ...any) string }

// bulletinKey is the message of a problem k: "p" (a member's problem),
// "s" (its suggestion) or "b" (the branch's count of it).
func bulletinKey(kind, k string) string { return "stars_bulletin." + kind + "_" + k }

func (s *Feature) bulletinData(r *http.Request, tr translator, o *pingyi.Org, year, q int) (*starBulletinView, error) {
	ctx := r.Context()
	rs, err := s.st.Rules(ctx, year)
	if err != nil {
		return nil, err
	}
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
	entries, err := s.st.Log(ctx, scope, stars.LogFilter{Year: year})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	from, to := quarterRange(year, q)
	v := &starBulletinView{Year: year, Years: starYears(year), Quarter: q, Quarters: []int{1, 2, 3, 4}, Org: o,
		Kinds: stars.LogKinds, KindTotals: map[string]int{}, Members: len(members), Generated: now.Format("2006-01-02")}
	v.Title = tr.T("stars_bulletin.doc_title", "Org", o.Name, "Year", year, "Q", q)
	v.NotStarted = from > now.Format("2006-01-02")
	// the months of the quarter that have begun
	var months []int
	for m := 3*(q-1) + 1; m <= 3*q; m++ {
		if year < now.Year() || (year == now.Year() && m <= int(now.Month())) {
			months = append(months, m)
		}
	}
	goalOf := map[string]*stars.Goal{}
	for i := range goals {
		goalOf[goals[i].MemberCode] = &goals[i]
	}
	preOf := map[string]*stars.Preassessment{}
	for i := range pres {
		preOf[pres[i].MemberCode] = &pres[i]
	}
	type key struct {
		code  string
		month int
	}
	kinds := map[string]map[string]int{}
	perMonth := map[key]int{}
	for _, e := range entries {
		if e.OrgCode != o.Code || e.Day < from || e.Day >= to {
			continue
		}
		if kinds[e.MemberCode] == nil {
			kinds[e.MemberCode] = map[string]int{}
		}
		kinds[e.MemberCode][e.Kind]++
		m, _ := strconv.Atoi(e.Day[5:7])
		perMonth[key{e.MemberCode, m}]++
		v.KindTotals[e.Kind]++
		v.Entries++
	}
	counts := map[string]int{} // problem key → members
	sugSeen := map[string]bool{}
	for _, m := range members {
		m.Phone, m.IDNumber = "", ""
		row := bulletinRow{Member: m, Cap: rs.Cap(m.Category), Goal: goalOf[m.Code], Pre: preOf[m.Code], Kinds: kinds[m.Code]}
		if row.Kinds == nil {
			row.Kinds = map[string]int{}
		}
		for _, n := range row.Kinds {
			row.Total += n
		}
		if row.Goal != nil {
			row.PostName = starPostName(tr, row.Goal.Post)
			row.Signed = row.Goal.MemberSigned != "" && row.Goal.SecretarySigned != ""
		}
		if row.Signed {
			v.WithGoal++
		}
		if row.Total > 0 {
			v.Active++
		}
		for _, mo := range months {
			if perMonth[key{m.Code, mo}] == 0 {
				row.IdleMonths = append(row.IdleMonths, mo)
			}
		}
		problem := func(k string, args ...any) {
			row.Problems = append(row.Problems, tr.T(bulletinKey("p", k), args...))
			row.Suggestions = append(row.Suggestions, tr.T(bulletinKey("s", k)))
			counts[k]++
		}
		full := len(rs.StarsFor(m.Category)) == len(pingyi.Stars)
		if !row.Signed {
			problem("goal")
		}
		if len(months) > 0 {
			switch {
			case row.Total == 0:
				problem("nothing")
			case len(row.IdleMonths) > 0:
				problem("idle_months", "Months", row.Months())
			}
			if row.Total > 0 && full && row.Kinds[stars.LogHouseholdService] == 0 {
				problem("household")
			}
			if row.Total > 0 && full && row.Kinds[stars.LogPostDuty] == 0 {
				problem("post")
			}
			if row.Total > 0 && row.Kinds[stars.LogServiceActivity] == 0 {
				problem("activity")
			}
		}
		if row.Pre != nil && row.Goal != nil && q >= 3 && row.Pre.Total < row.Goal.StarsAimed {
			problem("pre", "Pre", row.Pre.Total, "Aim", row.Goal.StarsAimed)
		}
		v.Rows = append(v.Rows, row)
	}
	for _, k := range []string{"goal", "nothing", "idle_months", "household", "post", "activity", "pre"} {
		if counts[k] == 0 {
			continue
		}
		v.Problems = append(v.Problems, tr.T(bulletinKey("b", k), "N", counts[k]))
		if s := tr.T(bulletinKey("s", k)); !sugSeen[s] {
			sugSeen[s] = true
			v.Suggestions = append(v.Suggestions, s)
		}
	}
	return v, nil
}

// bulletinTable is the bulletin as a table (PDF, Excel): one line per
// member and a last line for the whole branch.
func bulletinTable(tr translator, v *starBulletinView) ([]string, [][]string) {
	header := []string{tr.T("stars_bulletin.h_no"), tr.T("stars_bulletin.h_name"), tr.T("stars_bulletin.h_category"),
		tr.T("stars_bulletin.h_aim"), tr.T("stars_bulletin.h_post")}
	for _, k := range stars.LogKinds {
		header = append(header, tr.T("stars_kind."+k))
	}
	header = append(header, tr.T("stars_bulletin.h_total"), tr.T("stars_bulletin.h_idle"), tr.T("stars_bulletin.h_problems"), tr.T("stars_bulletin.h_suggestions"))
	var rows [][]string
	for i, b := range v.Rows {
		aim := "—"
		if b.Goal != nil {
			aim = fmt.Sprintf("%d/%d", b.Goal.StarsAimed, b.Cap)
		}
		row := []string{strconv.Itoa(i + 1), b.Member.Name, tr.T("category." + string(b.Member.Category)), aim, b.PostName}
		for _, k := range stars.LogKinds {
			row = append(row, strconv.Itoa(b.Kinds[k]))
		}
		row = append(row, strconv.Itoa(b.Total), b.Months(), strings.Join(b.Problems, "；"), strings.Join(b.Suggestions, "；"))
		rows = append(rows, row)
	}
	total := []string{"", tr.T("stars_bulletin.whole_branch"), "", "", ""}
	for _, k := range stars.LogKinds {
		total = append(total, strconv.Itoa(v.KindTotals[k]))
	}
	total = append(total, strconv.Itoa(v.Entries), "", strings.Join(v.Problems, "；"), strings.Join(v.Suggestions, "；"))
	return header, append(rows, total)
}

// bulletinXLSX writes the bulletin as a workbook: the table with Chinese
// headers on A4 landscape, the header row repeated on every page.
func bulletinXLSX(w *bytes.Buffer, tr translator, v *starBulletinView) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := tr.T("stars_bulletin.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Family: "SimSun"},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "SimSun"}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"F2F2F2"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	cell, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "SimSun"}, Border: border,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	header, rows := bulletinTable(tr, v)
	last, _ := excelize.ColumnNumberToName(len(header))
	f.MergeCell(sheet, "A1", last+"1")
	f.SetCellValue(sheet, "A1", v.Title)
	f.SetCellStyle(sheet, "A1", last+"1", title)
	f.SetRowHeight(sheet, 1, 28)
	for i, h := range header {
		c, _ := excelize.CoordinatesToCellName(i+1, 2)
		f.SetCellValue(sheet, c, h)
	}
	f.SetCellStyle(sheet, "A2", last+"2", head)
	for i, row := range rows {
		for j, x := range row {
			c, _ := excelize.CoordinatesToCellName(j+1, i+3)
			if n, err := strconv.Atoi(x); err == nil && j >= 5 && j < 5+len(stars.LogKinds)+1 {
				f.SetCellValue(sheet, c, n)
			} else {
				f.SetCellValue(sheet, c, tabular.SafeCell(x))
			}
		}
	}
	end, _ := excelize.CoordinatesToCellName(len(header), len(rows)+2)
	f.SetCellStyle(sheet, "A3", end, cell)
	widths := []float64{6, 10, 16, 9, 14}
	for range stars.LogKinds {
		widths = append(widths, 9)
	}
	widths = append(widths, 7, 10, 36, 36)
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		f.SetColWidth(sheet, col, col, wd)
	}
	orient, size := "landscape", 9 // A4
	f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &orient, Size: &size})
	fit := true
	f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
	one, zero := 1, 0
	f.SetPageLayout(sheet, &excelize.PageLayoutOptions{FitToWidth: &one, FitToHeight: &zero})
	f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$2:$2", Scope: sheet})
	return f.Write(w)
}
