package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	shell "github.com/pingyi/pingyi/internal/web"
)

type starImportView struct {
	shell.View
	Year     int
	Years    []int
	Done     bool
	FileName string
	Stats    *store.ImportStats
	Errors   []pingyi.FieldError
	Problem  string
}

// starImportPage is GET /stars/import: upload the branch committees'
// ratings of a year (SPEC §6 star file, CSV or XLSX).
func (s *Feature) starImportPage(w http.ResponseWriter, r *http.Request) {
	y := time.Now().Year()
	s.Render(w, r, http.StatusOK, "star_import", &starImportView{Year: y, Years: starYears(y)})
}

// starImport is POST /stars/import: store.ImportStars, all or nothing;
// every bad line and column is shown. An org admin's file may only rate
// members of their subtree.
func (s *Feature) starImport(w http.ResponseWriter, r *http.Request) {
	y := time.Now().Year()
	v := &starImportView{Year: y, Years: starYears(y), Done: true}
	t, name, err := shell.ReadUpload(w, r, stars.Columns, nil, false)
	v.FileName = name
	if err == nil {
		if ys := strings.TrimSpace(r.FormValue("year")); ys != "" {
			n, perr := strconv.Atoi(ys)
			if perr != nil || !stars.ValidYear(n) {
				bad := &pingyi.InputError{}
				bad.Add(0, "year", "%s", s.Tr(r).T("stars_import.bad_year"))
				err = bad
			} else {
				v.Year = n
			}
		}
	}
	var rows []stars.Row
	if err == nil {
		rows = stars.Rows(t)
		if scope := shell.CurrentScope(r); !scope.All() {
			err = s.checkStarRowsInScope(r, scope, rows)
		}
	}
	var stats store.ImportStats
	if err == nil {
		stats, err = s.st.Import(r.Context(), v.Year, rows, shell.ActorOf(r))
	}
	var ie *pingyi.InputError
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		v.Stats = &stats
		s.Render(w, r, http.StatusOK, "star_import", v)
	case errors.As(err, &ie):
		v.Errors = ie.Errors
		s.Render(w, r, http.StatusUnprocessableEntity, "star_import", v)
	case errors.Is(err, shell.ErrNoFile):
		v.Problem = s.Tr(r).T("stars_import.no_file")
		s.Render(w, r, http.StatusBadRequest, "star_import", v)
	case errors.As(err, &mbe):
		s.Fail(w, r, http.StatusRequestEntityTooLarge)
	default:
		v.Problem = s.Tr(r).T("stars_import.unreadable", "Detail", fmt.Sprint(err))
		s.Render(w, r, http.StatusBadRequest, "star_import", v)
	}
}

func (s *Feature) checkStarRowsInScope(r *http.Request, scope pingyi.Scope, rows []stars.Row) error {
	codes := make([]string, 0, len(rows))
	for _, row := range rows {
		codes = append(codes, strings.TrimSpace(row.MemberCode))
	}
	paths, err := s.st.MemberOrgPathsByCode(r.Context(), codes)
	if err != nil {
		return err
	}
	tr := s.Tr(r)
	bad := &pingyi.InputError{}
	for _, row := range rows {
		code := strings.TrimSpace(row.MemberCode)
		if p, ok := paths[code]; ok && !scope.Contains(p) {
			bad.Add(row.Line, "member_code", "%s", tr.T("stars_import.err_outside", "Code", code))
		}
	}
	return bad.Err()
}

type starRulesView struct {
	shell.View
	Year    int
	Years   []int
	Set     stars.RuleSettings
	Form    map[string]string
	Errors  map[string]string
	CanEdit bool
}

var starRuleFields = []string{"quota_percent", "excellent_10", "poor_10", "excellent_6", "poor_6", "weight_self", "weight_peer", "weight_mass"}

func ruleForm(set stars.RuleSettings) map[string]string {
	return map[string]string{
		"quota_percent": strconv.Itoa(set.QuotaPercent),
		"excellent_10":  strconv.Itoa(set.Excellent10), "poor_10": strconv.Itoa(set.Poor10),
		"excellent_6": strconv.Itoa(set.Excellent6), "poor_6": strconv.Itoa(set.Poor6),
		"weight_self": set.WeightSelf, "weight_peer": set.WeightPeer, "weight_mass": set.WeightMass,
	}
}

// starRulesPage is GET /stars/rules?year=: the year's quota, level
// thresholds and the weights of the committee's suggestion (defaults
// unless the year has its own). The rules hold for the whole database, so
// only the system admin changes them; org admins read them.
func (s *Feature) starRulesPage(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	set, err := s.st.RuleSettings(r.Context(), year)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "star_rules", &starRulesView{Year: year, Years: starYears(year), Set: set, Form: ruleForm(set),
		Errors: map[string]string{}, CanEdit: shell.CurrentUser(r).Role == pingyi.RoleAdmin})
}

// starRulesSave is POST /stars/rules: save the year's rules, or reset
// them to the defaults (action=reset).
func (s *Feature) starRulesSave(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("action") == "reset" {
		if err := s.st.ResetRules(r.Context(), year, shell.ActorOf(r)); err != nil {
			s.ServerError(w, r, err)
			return
		}
		s.Flash(r, "stars_rules.reset_done")
		shell.Redirect(w, r, "/stars/rules"+starYearQuery(year))
		return
	}
	form := map[string]string{}
	errs := map[string]string{}
	for _, k := range starRuleFields {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	num := func(k string) int {
		n, err := strconv.Atoi(form[k])
		if err != nil {
			errs[k] = s.Tr(r).T("stars_rules.not_number")
			return -1
		}
		return n
	}
	set := stars.RuleSettings{QuotaPercent: num("quota_percent"), Excellent10: num("excellent_10"), Poor10: num("poor_10"),
		Excellent6: num("excellent_6"), Poor6: num("poor_6"), WeightSelf: form["weight_self"], WeightPeer: form["weight_peer"], WeightMass: form["weight_mass"]}
	if len(errs) == 0 {
		if err := s.st.SetRuleSettings(r.Context(), year, set, shell.ActorOf(r)); err != nil {
			fe, ok := fieldErrors(s.Tr(r), err)
			if !ok {
				s.ServerError(w, r, err)
				return
			}
			errs = fe
		}
	}
	if len(errs) > 0 {
		cur, err := s.st.RuleSettings(r.Context(), year)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		s.Render(w, r, http.StatusUnprocessableEntity, "star_rules", &starRulesView{Year: year, Years: starYears(year), Set: cur, Form: form, Errors: errs, CanEdit: true})
		return
	}
	s.Flash(r, "stars_rules.saved")
	shell.Redirect(w, r, "/stars/rules"+starYearQuery(year))
}
