package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	shell "github.com/pingyi/pingyi/internal/web"
)

type tablesView struct {
	shell.View
	Org        *pingyi.Org
	Half       string
	Halves     []string
	Units      [][]string
	Comms      [][]string
	UnitHead   []string
	CommHead   []string
	HasStreets bool
}

// half is the ?half= of the request, or the current half.
func half(r *http.Request) (string, doublereport.Period, bool) {
	h := r.URL.Query().Get("half")
	if h == "" {
		today := store.Today()
		h = today[:4] + "H1"
		if today[5:7] > "06" {
			h = today[:4] + "H2"
		}
	}
	from, to, err := rules.ParseHalf(h)
	return h, doublereport.Period{From: from, To: to}, err == nil
}

// tables is GET /service/orgs/{code}/tables: Appendix 1 (by unit) and
// Appendix 2 (by community) of an org's subtree for a half, for staff and
// inspectors of a subtree that holds it (404 outside).
func (f *Feature) tables(w http.ResponseWriter, r *http.Request) {
	o := f.srv.VisibleOrg(w, r, r.PathValue("code"))
	if o == nil {
		return
	}
	h, p, ok := half(r)
	if !ok {
		f.srv.Fail(w, r, http.StatusBadRequest)
		return
	}
	units, ut, err := f.dr.StatsByUnit(r.Context(), o.Code, p)
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	comms, ct, err := f.dr.StatsByCommunity(r.Context(), o.Code, p)
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	v := &tablesView{Org: o, Half: h, UnitHead: doublereport.UnitHeaderZH, CommHead: doublereport.CommunityHeaderZH}
	year, _ := strconv.Atoi(h[:4])
	for y := year; y >= year-1; y-- {
		v.Halves = append(v.Halves, strconv.Itoa(y)+"H2", strconv.Itoa(y)+"H1")
	}
	for _, u := range units {
		v.Units = append(v.Units, u.Cells())
	}
	v.Units = append(v.Units, ut.Cells())
	for _, c := range comms {
		v.Comms = append(v.Comms, c.Cells())
	}
	v.Comms = append(v.Comms, ct.Cells())
	f.srv.Render(w, r, http.StatusOK, "service_tables", v)
}

// tablesXLSX is GET /service/orgs/{code}/tables.xlsx?by=unit|community:
// the table in the layout it is filed in.
func (f *Feature) tablesXLSX(w http.ResponseWriter, r *http.Request) {
	o := f.srv.VisibleOrg(w, r, r.PathValue("code"))
	if o == nil {
		return
	}
	h, p, ok := half(r)
	by := r.URL.Query().Get("by")
	if !ok || (by != "" && by != "unit" && by != "community") {
		f.srv.Fail(w, r, http.StatusBadRequest)
		return
	}
	var rows [][]string
	title, sheet, head := "附件1 在职党员到社区报到服务情况统计表（按单位）", "附件1", doublereport.UnitHeaderZH
	if by == "community" {
		title, sheet, head = "附件2 在职党员到社区报到服务情况统计表（按社区）", "附件2", doublereport.CommunityHeaderZH
		cs, t, err := f.dr.StatsByCommunity(r.Context(), o.Code, p)
		if err != nil {
			f.srv.ServerError(w, r, err)
			return
		}
		for _, c := range cs {
			rows = append(rows, c.Cells())
		}
		rows = append(rows, t.Cells())
	} else {
		us, t, err := f.dr.StatsByUnit(r.Context(), o.Code, p)
		if errors.Is(err, pingyi.ErrNotFound) {
			f.srv.Fail(w, r, http.StatusNotFound)
			return
		}
		if err != nil {
			f.srv.ServerError(w, r, err)
			return
		}
		for _, u := range us {
			rows = append(rows, u.Cells())
		}
		rows = append(rows, t.Cells())
	}
	var buf bytes.Buffer
	if err := doublereport.TableXLSX(&buf, sheet, title, o.Name+" "+h, head, rows, map[int]bool{0: true}); err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+sheet+"-"+o.Code+"-"+h+`.xlsx"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
