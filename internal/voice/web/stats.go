package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/voice"
	shell "github.com/pingyi/pingyi/internal/web"
)

type monthRates struct {
	Month                              string
	Received                           int
	Response, Resolution, Satisfaction string // percentages ("" with no denominator)
	ResponseW, ResolutionW, SatisW     int    // bar widths, 0–100
}

type statsView struct {
	shell.View
	Scope    *pingyi.Org
	From, To string
	Rows     []voice.StatsRow
	Total    voice.StatsRow
	Months   []monthRates
	Header   []string
	Query    string
}

func barWidth(s string) int {
	if s == "" {
		return 0
	}
	f, _ := strconv.ParseFloat(s, 64)
	return int(f + 0.5)
}

// stats is GET /inbox/stats[?scope=CODE&from=D&to=D][&format=xlsx]: the
// three rates of the viewer's subtree (or a scope inside it) by org, as
// `opinions stats` computes them, and by month of receipt.
func (f *Feature) stats(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	now := time.Now().In(f.v.Loc)
	from, to := q.Get("from"), q.Get("to")
	if from == "" {
		from = strconv.Itoa(now.Year()) + "-01-01"
	}
	if to == "" {
		to = now.Format(rules.DateLayout)
	}
	fd, e1 := time.ParseInLocation(rules.DateLayout, from, f.v.Loc)
	td, e2 := time.ParseInLocation(rules.DateLayout, to, f.v.Loc)
	if e1 != nil || e2 != nil || td.Before(fd) || td.Sub(fd) > 3*366*24*time.Hour {
		f.srv.FailMsg(w, r, http.StatusBadRequest, "voice.bad_period")
		return
	}
	code := q.Get("scope")
	var scope *pingyi.Org
	var err error
	if code == "" {
		u := shell.CurrentUser(r)
		if u.OrgID != 0 {
			scope, err = f.v.S.OrgByID(ctx, u.OrgID)
		} else {
			var root string
			if root, err = f.office(r); err == nil {
				scope, err = f.v.S.Org(ctx, root)
			}
		}
	} else {
		scope, err = f.v.S.Org(ctx, code)
	}
	if err == nil && !shell.CurrentScope(r).Contains(scope.Path) {
		err = pingyi.ErrNotFound
	}
	if errors.Is(err, pingyi.ErrNotFound) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	rows, total, err := f.v.Stats(ctx, scope.Code, from, to, time.Now())
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	if q.Get("format") == "xlsx" {
		var buf bytes.Buffer
		if err := voice.StatsXLSX(&buf, scope.Code, from, to, append(rows, total)); err != nil {
			f.srv.ServerError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="opinions-%s-%s-%s.xlsx"`, scope.Code, from, to))
		w.Write(buf.Bytes())
		return
	}
	v := &statsView{Scope: scope, From: from, To: to, Rows: rows, Total: total, Header: voice.StatsHeader,
		Query: "scope=" + scope.Code + "&from=" + from + "&to=" + to}
	for m := time.Date(fd.Year(), fd.Month(), 1, 0, 0, 0, 0, f.v.Loc); !m.After(td); m = m.AddDate(0, 1, 0) {
		mf, mt := m, m.AddDate(0, 1, -1)
		if mf.Before(fd) {
			mf = fd
		}
		if mt.After(td) {
			mt = td
		}
		_, t, err := f.v.Stats(ctx, scope.Code, mf.Format(rules.DateLayout), mt.Format(rules.DateLayout), time.Now())
		if err != nil {
			f.srv.ServerError(w, r, err)
			return
		}
		rec := t.Record()
		mr := monthRates{Month: m.Format("2006-01"), Received: t.Received, Response: rec[11], Resolution: rec[12], Satisfaction: rec[13]}
		mr.ResponseW, mr.ResolutionW, mr.SatisW = barWidth(rec[11]), barWidth(rec[12]), barWidth(rec[13])
		v.Months = append(v.Months, mr)
	}
	f.srv.Render(w, r, http.StatusOK, "voice_stats", v)
}
