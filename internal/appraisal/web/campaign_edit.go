package web

import (
	"net/http"
	"strconv"
	"strings"

	shell "github.com/pingyi/pingyi/internal/web"
)

// programForm is the campaign's editable settings and its program (方案).
type programForm struct {
	Name, Opens, Closes      string
	Anonymity, PublicityDays string
	Program                  string // procedure, form and content (评议程序、形式和内容)
	Participants, ResultsUse string
}

type campaignEditView struct {
	shell.View
	Head   campaignHead
	Form   programForm
	Errors map[string]string
}

// campaignEdit is GET /campaigns/{code}/edit: settings and program.
func (s *Feature) campaignEdit(w http.ResponseWriter, r *http.Request) {
	c := s.managedCampaign(w, r)
	if c == nil {
		return
	}
	participants, resultsUse, _, err := s.st.CampaignTexts(r.Context(), c)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	f := programForm{Name: c.Name, Opens: inputTime(c.Opens), Closes: inputTime(c.Closes), Anonymity: strconv.Itoa(c.Anonymity),
		PublicityDays: strconv.Itoa(c.PublicityDays), Program: c.Program, Participants: participants, ResultsUse: resultsUse}
	s.Render(w, r, http.StatusOK, "campaign_edit", &campaignEditView{Head: s.head(r, c, "overview"), Form: f})
}

// campaignUpdate is POST /campaigns/{code}/edit.
func (s *Feature) campaignUpdate(w http.ResponseWriter, r *http.Request) {
	c := s.managedCampaign(w, r)
	if c == nil {
		return
	}
	tr := s.Tr(r)
	f := programForm{Name: strings.TrimSpace(r.PostFormValue("name")), Opens: r.PostFormValue("opens"), Closes: r.PostFormValue("closes"),
		Anonymity: strings.TrimSpace(r.PostFormValue("anonymity")), PublicityDays: strings.TrimSpace(r.PostFormValue("publicity_days")),
		Program: strings.TrimSpace(r.PostFormValue("program")), Participants: strings.TrimSpace(r.PostFormValue("participants")),
		ResultsUse: strings.TrimSpace(r.PostFormValue("results_use"))}
	errs := map[string]string{}
	upd := *c
	if f.Name == "" {
		errs["name"] = tr.T("campaign_new.err_required")
	} else if len([]rune(f.Name)) > 200 {
		errs["name"] = tr.T("campaign_new.err_too_long", "N", 200, "Len", len([]rune(f.Name)))
	}
	upd.Name = f.Name
	parseCampaignWindow(tr, f.Opens, f.Closes, f.Anonymity, &upd, errs)
	// The form shows times to the minute: a time left as shown is the
	// stored one (a closed campaign's window never changes, not even by
	// its seconds).
	if f.Opens == inputTime(c.Opens) {
		upd.Opens = c.Opens
	}
	if f.Closes == inputTime(c.Closes) {
		upd.Closes = c.Closes
	} else {
		checkPastClose(tr, r, upd.Closes, errs)
	}
	if n, err := strconv.Atoi(f.PublicityDays); err != nil || n < 1 || n > 60 {
		errs["publicity_days"] = tr.T("campaign_edit.err_days")
	} else {
		upd.PublicityDays = n
	}
	for k, v := range map[string]string{"program": f.Program, "participants": f.Participants, "results_use": f.ResultsUse} {
		if len([]rune(v)) > 20000 {
			errs[k] = tr.T("campaign_new.err_too_long", "N", 20000, "Len", len([]rune(v)))
		}
	}
	upd.Program = f.Program
	if len(errs) == 0 {
		err := s.st.UpdateCampaign(r.Context(), &upd, f.Participants, f.ResultsUse, shell.ActorOf(r))
		if err == nil {
			s.Flash(r, "campaign_edit.saved")
			shell.Redirect(w, r, "/campaigns/"+c.Code)
			return
		}
		bad, ok := inputErrors(s.Tr(r), err)
		if !ok {
			s.ServerError(w, r, err)
			return
		}
		for k, v := range bad {
			errs[k] = v
		}
	}
	s.Render(w, r, http.StatusUnprocessableEntity, "campaign_edit", &campaignEditView{Head: s.head(r, c, "overview"), Form: f, Errors: errs})
}

// campaignPhase is POST /campaigns/{code}/phase: move the campaign to
// phase 1..5 (方案, 自查, 集中评议, 通报整改, 结果运用).
func (s *Feature) campaignPhase(w http.ResponseWriter, r *http.Request) {
	c := s.managedCampaign(w, r)
	if c == nil {
		return
	}
	p, err := strconv.Atoi(r.PostFormValue("phase"))
	if err != nil || p < 1 || p > 5 {
		s.FailMsg(w, r, http.StatusUnprocessableEntity, "campaign.err_phase")
		return
	}
	if err := s.st.SetPhase(r.Context(), c, p, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "campaign.phase_saved")
	shell.Redirect(w, r, "/campaigns/"+c.Code+"#phases")
}

// campaignNotice is POST /campaigns/{code}/notices: publish a notice
// (通报); it shows on the campaign page and the public page.
func (s *Feature) campaignNotice(w http.ResponseWriter, r *http.Request) {
	c := s.managedCampaign(w, r)
	if c == nil {
		return
	}
	title := strings.TrimSpace(r.PostFormValue("title"))
	body := strings.TrimSpace(r.PostFormValue("body"))
	if title == "" || len([]rune(title)) > 200 || len([]rune(body)) > 20000 {
		s.FailMsg(w, r, http.StatusUnprocessableEntity, "campaign.err_notice")
		return
	}
	if err := s.st.AddNotice(r.Context(), c, title, body, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "campaign.notice_saved")
	shell.Redirect(w, r, "/campaigns/"+c.Code+"#notices")
}
