package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pdf"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	shell "github.com/pingyi/pingyi/internal/web"
)

// The mass appraisal of a star year with one-time codes (群众评议, SPEC §3
// "三评两公开", seed 003): staff managing a branch print QR slips; each
// code opens the phone page /s/{code}, where one person of the masses
// rates each member of the branch per star (好 2, 较好 1, 一般 0), once.

// starMassURL is the phone page of a star mass code.
func starMassURL(base, code string) string { return base + "/s/" + code }

type starMassCodesView struct {
	shell.View
	Year   int
	Years  []int
	Org    *pingyi.Org
	Counts stars.MassCodeCount
	Count  string
	Errors map[string]string
	Max    int
}

func (s *Feature) starMassCodesView(r *http.Request, o *pingyi.Org, year int, count string, errs map[string]string) (*starMassCodesView, error) {
	c, err := s.st.MassCodeCounts(r.Context(), year, o.Code)
	if err != nil {
		return nil, err
	}
	return &starMassCodesView{Year: year, Years: starYears(year), Org: o, Counts: c, Count: count, Errors: errs, Max: stars.MaxMassCodes}, nil
}

// starMassOrg loads the branch {code} the viewer manages (404 otherwise).
func (s *Feature) starMassOrg(w http.ResponseWriter, r *http.Request) *pingyi.Org {
	o := s.VisibleOrg(w, r, r.PathValue("code"))
	if o == nil {
		return nil
	}
	if !shell.CurrentScope(r).Manages(o.Path) {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	return o
}

// starMassCodes is GET /stars/orgs/{code}/mass-codes?year=: issue mass
// appraisal codes for the branch, and how many were issued and used.
func (s *Feature) starMassCodes(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	o := s.starMassOrg(w, r)
	if o == nil {
		return
	}
	v, err := s.starMassCodesView(r, o, year, strconv.Itoa(max(1, o.MemberCount*3)), nil)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "star_mass_codes", v)
}

// starMassIssue is POST /stars/orgs/{code}/mass-codes: issue the codes and
// answer with a PDF of QR slips to cut apart.
func (s *Feature) starMassIssue(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	o := s.starMassOrg(w, r)
	if o == nil {
		return
	}
	tr := s.Tr(r)
	count := strings.TrimSpace(r.PostFormValue("count"))
	errs := map[string]string{}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 || n > stars.MaxMassCodes {
		errs["count"] = tr.T("stars_mass.err_count", "Max", stars.MaxMassCodes)
	}
	var codes []string
	if len(errs) == 0 {
		codes, err = s.st.IssueMassCodes(r.Context(), year, o.Code, n, shell.ActorOf(r))
		if err != nil {
			fe, ok := fieldErrors(tr, err)
			if !ok {
				s.ServerError(w, r, err)
				return
			}
			errs = fe
		}
	}
	if len(errs) > 0 {
		v, err := s.starMassCodesView(r, o, year, count, errs)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		s.Render(w, r, http.StatusUnprocessableEntity, "star_mass_codes", v)
		return
	}
	base := s.BaseURL(r)
	// Printed slips are in Chinese whatever the page's language.
	sheet := pdf.SlipSheet{Title: "群众评议码", CampaignName: fmt.Sprintf("%d 年度党员星级评定", year), UnitName: o.Name, CategoryLabel: "群众"}
	for _, k := range codes {
		sheet.Slips = append(sheet.Slips, pdf.Slip{Code: k, URL: starMassURL(base, k)})
	}
	var buf bytes.Buffer
	if err := pdf.CodeSlips(&buf, sheet); err != nil {
		s.ServerError(w, r, err)
		return
	}
	shell.Download(w, "application/pdf", fmt.Sprintf("star-mass-codes-%s-%d.pdf", o.Code, year), buf.Bytes())
}

// starMassView is a phone screen of a star mass code.
type starMassView struct {
	shell.View
	Screen  string // form, done, used, unknown
	Status  int
	Year    int
	Org     string
	Action  string
	Members []starMassMemberView
	Levels  []string
	Error   string
}

type starMassMemberView struct {
	Code, Name string
	Stars      []starMassStarView
}

type starMassStarView struct {
	Star     pingyi.Star
	Field    string // v:MEMBER:STAR
	Selected string
}

// starMassLevels are the buttons of each star, best first.
var starMassLevels = []string{"2", "1", "0"}

func starMassField(member string, st pingyi.Star) string { return "v:" + member + ":" + string(st) }

func starMassFormView(f *stars.MassForm, selected map[string]string) *starMassView {
	v := &starMassView{Screen: "form", Year: f.Year, Org: f.OrgName, Action: "/s/" + f.Code, Levels: starMassLevels}
	for _, m := range f.Members {
		mv := starMassMemberView{Code: m.Code, Name: m.Name}
		for _, st := range m.Stars {
			fld := starMassField(m.Code, st)
			mv.Stars = append(mv.Stars, starMassStarView{Star: st, Field: fld, Selected: selected[fld]})
		}
		v.Members = append(v.Members, mv)
	}
	return v
}

func (s *Feature) renderStarMass(w http.ResponseWriter, r *http.Request, status int, v *starMassView) {
	s.FillView(r, &v.View)
	v.Status = status
	var buf bytes.Buffer
	if err := s.PageSet(v.Lang, "star_mass").ExecuteTemplate(&buf, "phone", v); err != nil {
		s.ServerError(w, r, fmt.Errorf("template star_mass: %w", err))
		return
	}
	shell.WriteHTML(w, status, buf.Bytes())
}

// starMassRefused answers for a code that cannot be used: unknown (404),
// used (409).
func (s *Feature) starMassRefused(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, pingyi.ErrNotFound):
		s.renderStarMass(w, r, http.StatusNotFound, &starMassView{Screen: "unknown"})
	case errors.Is(err, store.ErrCodeUsed):
		s.renderStarMass(w, r, http.StatusConflict, &starMassView{Screen: "used"})
	default:
		s.ServerError(w, r, err)
	}
}

// starMassPage is GET /s/{code}: the phone form of a star mass code.
func (s *Feature) starMassPage(w http.ResponseWriter, r *http.Request) {
	f, err := s.st.MassForm(r.Context(), shell.Clip(r.PathValue("code"), 64))
	if err != nil {
		s.starMassRefused(w, r, err)
		return
	}
	s.renderStarMass(w, r, http.StatusOK, starMassFormView(f, nil))
}

// starMassSubmit is POST /s/{code}: spend the code and store one mass
// assessment per member rated (a member left blank is not rated).
func (s *Feature) starMassSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxMassForm)
	if err := r.ParseForm(); err != nil {
		s.Fail(w, r, http.StatusRequestEntityTooLarge)
		return
	}
	ctx := r.Context()
	f, err := s.st.MassForm(ctx, shell.Clip(r.PathValue("code"), 64))
	if err != nil {
		s.starMassRefused(w, r, err)
		return
	}
	selected := map[string]string{}
	values := map[string]map[pingyi.Star]string{}
	for _, m := range f.Members {
		for _, st := range m.Stars {
			fld := starMassField(m.Code, st)
			if v := strings.TrimSpace(r.PostForm.Get(fld)); v != "" {
				selected[fld] = v
				if values[m.Code] == nil {
					values[m.Code] = map[pingyi.Star]string{}
				}
				values[m.Code][st] = v
			}
		}
	}
	tr := s.Tr(r)
	if len(values) == 0 {
		v := starMassFormView(f, selected)
		v.Error = tr.T("stars_mass.err_none")
		s.renderStarMass(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	err = s.st.SubmitMass(ctx, f.Code, values, stars.PublicActor)
	var ie *pingyi.InputError
	switch {
	case err == nil:
		s.renderStarMass(w, r, http.StatusOK, &starMassView{Screen: "done", Year: f.Year, Org: f.OrgName})
	case errors.As(err, &ie):
		v := starMassFormView(f, selected)
		v.Error = tr.T("stars_mass.err_rating")
		s.renderStarMass(w, r, http.StatusUnprocessableEntity, v)
	default:
		s.starMassRefused(w, r, err)
	}
}

// maxMassForm bounds the mass assessment form (as the ballot form).
const maxMassForm = 256 << 10
