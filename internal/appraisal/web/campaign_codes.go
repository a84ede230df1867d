package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pdf"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/tabular"
)

// maxCodesPerIssue bounds one batch of codes issued from the page (the
// command line issues more).
const maxCodesPerIssue = 1000

type codesForm struct {
	Unit, Category, Count, Format string
}

type campaignCodesView struct {
	shell.View
	Head       campaignHead
	Units      []appraisal.Unit // units the viewer may issue codes for
	Counts     []appraisal.CodeCount
	Categories []pingyi.EvaluatorCategory
	Form       codesForm
	Errors     map[string]string
	MaxCodes   int
	BaseURL    string
}

func (s *Feature) codesView(r *http.Request, c *pingyi.Campaign, f codesForm, errs map[string]string) (*campaignCodesView, error) {
	ctx := r.Context()
	scope := shell.CurrentScope(r)
	v := &campaignCodesView{Head: s.head(r, c, "codes"), Categories: pingyi.EvaluatorCategories, Form: f, Errors: errs,
		MaxCodes: maxCodesPerIssue, BaseURL: s.BaseURL(r)}
	units, err := s.st.Units(ctx, c.ID, scope)
	if err != nil {
		return nil, err
	}
	inScope := map[string]bool{}
	user := shell.CurrentUser(r)
	for _, u := range units {
		inScope[u.Code] = true
		if scope.Manages(u.Path) && canManageUnits(user) && (user.Role == pingyi.RoleAdmin || appraisal.IssuerAbove(user.OrgPath, u.Path)) {
			v.Units = append(v.Units, u)
		}
	}
	counts, err := s.st.CodeCounts(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, cc := range counts {
		if inScope[cc.UnitCode] {
			v.Counts = append(v.Counts, cc)
		}
	}
	return v, nil
}

// campaignCodes is GET /campaigns/{code}/codes: issue one-time codes
// (测评码) per unit and evaluator category, as CSV or a PDF of QR slips;
// and how many were issued and used per unit of the viewer's subtree.
func (s *Feature) campaignCodes(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	q := r.URL.Query()
	f := codesForm{Unit: q.Get("unit"), Category: q.Get("category"), Count: "30", Format: "pdf"}
	if f.Category == "" {
		f.Category = string(pingyi.EvalMassRep)
	}
	v, err := s.codesView(r, c, f, nil)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "campaign_codes", v)
}

// campaignIssueCodes is POST /campaigns/{code}/codes: issue the codes and
// answer with the file (CSV: header code,url; PDF: QR slips to cut
// apart). A unit outside the viewer's managed subtree is refused.
func (s *Feature) campaignIssueCodes(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	tr := s.Tr(r)
	f := codesForm{Unit: strings.TrimSpace(r.PostFormValue("unit")), Category: r.PostFormValue("category"),
		Count: strings.TrimSpace(r.PostFormValue("count")), Format: r.PostFormValue("format")}
	errs := map[string]string{}
	unit, err := s.st.Unit(ctx, c.ID, f.Unit)
	if err != nil || !shell.CurrentScope(r).Manages(unit.Path) {
		errs["unit"] = tr.T("campaign_codes.err_unit")
	}
	if !pingyi.ValidEvaluatorCategory(f.Category) {
		errs["category"] = tr.T("campaign_codes.err_category")
	}
	n, err := strconv.Atoi(f.Count)
	if err != nil || n < 1 || n > maxCodesPerIssue {
		errs["count"] = tr.T("campaign_codes.err_count", "Max", maxCodesPerIssue)
	}
	if f.Format != "csv" && f.Format != "pdf" {
		errs["format"] = tr.T("campaign_codes.err_format")
	}
	if len(errs) == 0 && appraisal.State(c, time.Now()) == appraisal.StateClosed {
		errs["unit"] = tr.T("campaign_codes.err_closed")
	}
	if len(errs) == 0 {
		// Only an org above the unit, never one of its targets (seal.go).
		ok, err := s.st.CanIssueCodes(ctx, c.ID, unit, shell.ActorOf(r))
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		if !ok {
			errs["unit"] = tr.T("campaign_codes.err_issuer")
		}
	}
	if len(errs) > 0 {
		v, err := s.codesView(r, c, f, errs)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		s.Render(w, r, http.StatusUnprocessableEntity, "campaign_codes", v)
		return
	}
	cat := pingyi.EvaluatorCategory(f.Category)
	codes, err := s.st.IssueCodes(ctx, c, unit.Code, cat, n, shell.ActorOf(r))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	base := s.BaseURL(r)
	name := "codes-" + c.Code + "-" + unit.Code + "-" + f.Category
	var buf bytes.Buffer
	ctype := "text/csv; charset=utf-8"
	if f.Format == "pdf" {
		ctype = "application/pdf"
		// Printed slips are in Chinese whatever the page's language.
		sheet := pdf.SlipSheet{Title: "测评码", CampaignName: c.Name, UnitName: unit.Name,
			CategoryLabel: i18n.For("zh-CN").T("evaluator." + f.Category)}
		if c.TestMode {
			sheet.Title = "测评码（演练）"
		}
		for _, k := range codes {
			sheet.Slips = append(sheet.Slips, pdf.Slip{Code: k, URL: codeURL(base, k)})
		}
		if err := pdf.CodeSlips(&buf, sheet); err != nil {
			s.ServerError(w, r, err)
			return
		}
	} else {
		cw := tabular.NewCSVWriter(&buf)
		cw.Write([]string{"code", "url"})
		for _, k := range codes {
			cw.Write([]string{k, codeURL(base, k)})
		}
		cw.Flush()
	}
	shell.Download(w, ctype, name+"."+f.Format, buf.Bytes())
}
