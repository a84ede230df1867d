package web

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// campaignForm is the create form of a campaign, as typed.
type campaignForm struct {
	Code, Name, Year, Scope, Kind string
	Targets                       map[string]bool
	Scale                         string
	MinMassShare                  string
	Opens, Closes                 string
	Anonymity                     string
	TestMode                      bool
}

type campaignNewView struct {
	shell.View
	Form        campaignForm
	Errors      map[string]string
	Kinds       []pingyi.Kind
	TargetTypes []pingyi.TargetType
}

var campaignCodeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

func (s *Feature) newCampaignView(f campaignForm, errs map[string]string) *campaignNewView {
	return &campaignNewView{Form: f, Errors: errs, Kinds: pingyi.Kinds,
		TargetTypes: []pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember}}
}

// campaignNew is GET /campaigns/new: the create form, with the viewer's
// org as the scope and seed 002's defaults.
func (s *Feature) campaignNew(w http.ResponseWriter, r *http.Request) {
	u := shell.CurrentUser(r)
	f := campaignForm{Year: strconv.Itoa(time.Now().Year()), Kind: string(pingyi.KindMass), Scale: "3", MinMassShare: "0.8", Anonymity: "3",
		Targets: map[string]bool{"org": true, "secretary": true, "member": true}}
	if u.OrgID != 0 {
		if o, err := s.st.OrgByID(r.Context(), u.OrgID); err == nil {
			f.Scope = o.Code
		}
	}
	s.Render(w, r, http.StatusOK, "campaign_new", s.newCampaignView(f, nil))
}

// campaignCreate is POST /campaigns/new: the scope must be an org the
// viewer manages. Refused forms come back with every problem marked (422).
func (s *Feature) campaignCreate(w http.ResponseWriter, r *http.Request) {
	tr := s.Tr(r)
	f := campaignForm{
		Code: strings.TrimSpace(r.PostFormValue("code")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Year: strings.TrimSpace(r.PostFormValue("year")), Scope: strings.TrimSpace(r.PostFormValue("scope")),
		Kind: r.PostFormValue("kind"), Scale: r.PostFormValue("scale"), MinMassShare: strings.TrimSpace(r.PostFormValue("min_mass_share")),
		Opens: r.PostFormValue("opens"), Closes: r.PostFormValue("closes"), Anonymity: strings.TrimSpace(r.PostFormValue("anonymity")),
		TestMode: r.PostFormValue("test_mode") != "", Targets: map[string]bool{},
	}
	for _, t := range r.PostForm["targets"] {
		f.Targets[t] = true
	}
	errs := map[string]string{}
	c := &pingyi.Campaign{Code: f.Code, Name: f.Name, Kind: pingyi.Kind(f.Kind), TestMode: f.TestMode, MinMassShare: f.MinMassShare}
	switch {
	case f.Code == "":
		errs["code"] = tr.T("campaign_new.err_required")
	case !campaignCodeRE.MatchString(f.Code) || f.Code == "new":
		errs["code"] = tr.T("campaign_new.err_code")
	}
	if f.Name == "" {
		errs["name"] = tr.T("campaign_new.err_required")
	} else if len([]rune(f.Name)) > 200 {
		errs["name"] = tr.T("campaign_new.err_too_long", "N", 200, "Len", len([]rune(f.Name)))
	}
	if y, err := strconv.Atoi(f.Year); err != nil || y < 2000 || y > 2100 {
		errs["year"] = tr.T("campaign_new.err_year")
	} else {
		c.Year = y
	}
	if !pingyi.ValidKind(f.Kind) {
		errs["kind"] = tr.T("campaign_new.err_kind")
	}
	for _, t := range []pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember} {
		if f.Targets[string(t)] {
			c.TargetTypes = append(c.TargetTypes, t)
		}
	}
	if len(c.TargetTypes) == 0 {
		errs["targets"] = tr.T("campaign_new.err_targets")
	}
	switch f.Scale {
	case "3", "4":
		c.Scale = pingyi.Scale(f.Scale[0] - '0')
	default:
		errs["scale"] = tr.T("campaign_new.err_scale")
	}
	if _, err := rules.ParseShare(f.MinMassShare); err != nil {
		errs["min_mass_share"] = tr.T("campaign_new.err_share")
	}
	parseCampaignWindow(tr, f.Opens, f.Closes, f.Anonymity, c, errs)
	checkPastClose(tr, r, c.Closes, errs)
	if f.Scope == "" {
		errs["scope"] = tr.T("campaign_new.err_required")
	} else {
		o, err := s.st.Org(r.Context(), f.Scope)
		switch {
		case errors.Is(err, pingyi.ErrNotFound) || (err == nil && !shell.CurrentScope(r).Manages(o.Path)):
			errs["scope"] = tr.T("campaign_new.err_scope")
		case err != nil:
			s.ServerError(w, r, err)
			return
		}
		c.ScopeCode = f.Scope
	}
	if len(errs) == 0 {
		err := s.st.CreateCampaign(r.Context(), c, shell.ActorOf(r))
		if err == nil {
			s.Flash(r, "campaign_new.created")
			shell.Redirect(w, r, "/campaigns/"+c.Code)
			return
		}
		bad, ok := inputErrors(s.Tr(r), err)
		if !ok {
			s.ServerError(w, r, err)
			return
		}
		for col, msg := range bad {
			key := strings.ReplaceAll(col, "-", "_")
			if key == "code" && shell.RefusedWith(err, "code", "campaign %q already exists") {
				msg = tr.T("campaign_new.err_code_taken")
			}
			errs[key] = msg
		}
	}
	s.Render(w, r, http.StatusUnprocessableEntity, "campaign_new", s.newCampaignView(f, errs))
}
