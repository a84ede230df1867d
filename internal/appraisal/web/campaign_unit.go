package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/rules"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
)

type attendeeRow struct {
	Category pingyi.EvaluatorCategory
	N        int
}

type summaryRow struct {
	Member  pingyi.Member
	Summary string
}

type windowDayRow struct {
	Day   string
	Total int64
	Tally rules.Tally
}

type campaignUnitView struct {
	shell.View
	Head       campaignHead
	Unit       *appraisal.Unit
	Org        *pingyi.Org
	Manages    bool // may change this unit's records
	SelfCheck  appraisal.SelfCheck
	Meeting    appraisal.Meeting
	Attendees  []attendeeRow
	Methods    []string
	Summaries  []summaryRow
	Codes      []appraisal.CodeCount
	Categories []pingyi.EvaluatorCategory
	WindowCode string // a window unit's standing code (managers only)
	WindowURL  string
	WindowDays []windowDayRow
	Levels     []pingyi.Rating
	Items      []appraisal.Rectification
	Errors     map[string]string
	Today      string
	MaxCodes   int
}

// unitForChange loads campaign and unit for a change to the unit's
// records: 404 outside the viewer's subtree, 403 for a viewer who sees the
// unit but does not manage it.
func (s *Feature) unitForChange(w http.ResponseWriter, r *http.Request) (*pingyi.Campaign, *appraisal.Unit) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return nil, nil
	}
	u := s.loadUnit(w, r, c, r.PathValue("org"))
	if u == nil {
		return nil, nil
	}
	if !shell.CurrentScope(r).Manages(u.Path) || !canManageUnits(shell.CurrentUser(r)) {
		s.Fail(w, r, http.StatusForbidden)
		return nil, nil
	}
	return c, u
}

// campaignUnit is GET /campaigns/{code}/units/{org}: one evaluation unit
// (a branch, usually): its self-check (自查), its centralized meeting
// (集中评议), its members' summaries (小结), its codes, its window code and
// daily aggregates (窗口单位), and its rectification items.
func (s *Feature) campaignUnit(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	u := s.loadUnit(w, r, c, r.PathValue("org"))
	if u == nil {
		return
	}
	v, err := s.unitView(r, c, u)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "campaign_unit", v)
}

func (s *Feature) unitView(r *http.Request, c *pingyi.Campaign, u *appraisal.Unit) (*campaignUnitView, error) {
	ctx := r.Context()
	scope := shell.CurrentScope(r)
	v := &campaignUnitView{Head: s.head(r, c, "overview"), Unit: u, Methods: appraisal.Methods, Categories: pingyi.EvaluatorCategories,
		Manages: scope.Manages(u.Path) && canManageUnits(shell.CurrentUser(r)), Levels: c.Scale.Levels(), Today: time.Now().Format("2006-01-02"),
		MaxCodes: maxCodesPerIssue}
	var err error
	if v.Org, err = s.st.OrgByID(ctx, u.ID); err != nil {
		return nil, err
	}
	if v.SelfCheck, err = s.st.SelfCheckOf(ctx, c, u.ID); err != nil {
		return nil, err
	}
	if v.Meeting, err = s.st.MeetingOf(ctx, c, u.ID); err != nil {
		return nil, err
	}
	for _, cat := range pingyi.EvaluatorCategories {
		v.Attendees = append(v.Attendees, attendeeRow{Category: cat, N: v.Meeting.Attendees[cat]})
	}
	members, err := s.st.Members(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	sums, err := s.st.MemberSummaries(ctx, c, u.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		v.Summaries = append(v.Summaries, summaryRow{Member: m, Summary: sums[m.ID]})
	}
	counts, err := s.st.CodeCounts(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, cc := range counts {
		if cc.UnitCode == u.Code {
			v.Codes = append(v.Codes, cc)
		}
	}
	if v.Org.WindowUnit && slices.Contains(c.TargetTypes, pingyi.TargetOrg) {
		if v.Manages {
			code, err := s.st.WindowCode(ctx, c, u.Code, shell.ActorOf(r))
			if err != nil {
				if _, refused := inputErrors(s.Tr(r), err); !refused {
					return nil, err
				}
			} else {
				v.WindowCode, v.WindowURL = code, windowURL(s.BaseURL(r), code)
			}
		}
		days, err := s.st.WindowDays(ctx, c, u.ID)
		if err != nil {
			return nil, err
		}
		closed := appraisal.State(c, time.Now()) == appraisal.StateClosed
		for _, d := range days {
			row := windowDayRow{Day: d.Day, Total: d.Tally.Total()}
			if closed { // the breakdown is a result: sealed while open
				row.Tally = d.Tally
			}
			v.WindowDays = append(v.WindowDays, row)
		}
	}
	items, err := s.st.Rectifications(ctx, scope, c.ID, u.Path)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.OrgID == u.ID {
			v.Items = append(v.Items, it)
		}
	}
	return v, nil
}

// Overdue is for templates: whether an item is past its deadline.
func (v *campaignUnitView) Overdue(it appraisal.Rectification) bool { return it.Overdue(time.Now()) }

// TallyOf reads one level's count of a window day (template helper).
func (d windowDayRow) TallyOf(r pingyi.Rating) int64 { return d.Tally.Of(r) }

const maxText = 20000

// campaignSelfCheck is POST /campaigns/{code}/units/{org}/selfcheck: the
// org's self-check: mass opinions collected, achievements, shortfalls and
// measures (seed 002 §4.1).
func (s *Feature) campaignSelfCheck(w http.ResponseWriter, r *http.Request) {
	c, u := s.unitForChange(w, r)
	if c == nil {
		return
	}
	sc := appraisal.SelfCheck{OrgID: u.ID, OrgCode: u.Code, OrgName: u.Name,
		MassOpinions: strings.TrimSpace(r.PostFormValue("mass_opinions")), Achievements: strings.TrimSpace(r.PostFormValue("achievements")),
		Shortfalls: strings.TrimSpace(r.PostFormValue("shortfalls")), Measures: strings.TrimSpace(r.PostFormValue("measures"))}
	errs := map[string]string{}
	if sc.MassOpinions+sc.Achievements+sc.Shortfalls+sc.Measures == "" {
		errs["selfcheck"] = s.Tr(r).T("campaign_unit.err_selfcheck_empty")
	}
	for _, t := range []string{sc.MassOpinions, sc.Achievements, sc.Shortfalls, sc.Measures} {
		if len([]rune(t)) > maxText {
			errs["selfcheck"] = s.Tr(r).T("campaign_new.err_too_long", "N", maxText, "Len", len([]rune(t)))
		}
	}
	if len(errs) > 0 {
		s.unitRefused(w, r, c, u, errs, func(v *campaignUnitView) { v.SelfCheck = sc })
		return
	}
	if err := s.st.SaveSelfCheck(r.Context(), c, sc, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "campaign_unit.selfcheck_saved")
	shell.Redirect(w, r, "/campaigns/"+c.Code+"/units/"+u.Code+"#selfcheck")
}

// campaignMeeting is POST /campaigns/{code}/units/{org}/meeting: the
// centralized appraisal meeting (集中评议): date, method, attendees by
// evaluator category, the secretary's report and 述职, who the superior
// org sent, and that person's comment (领导点评).
func (s *Feature) campaignMeeting(w http.ResponseWriter, r *http.Request) {
	c, u := s.unitForChange(w, r)
	if c == nil {
		return
	}
	tr := s.Tr(r)
	m := appraisal.Meeting{OrgID: u.ID, OrgCode: u.Code, HeldOn: strings.TrimSpace(r.PostFormValue("held_on")), Method: r.PostFormValue("method"),
		Attendees: map[pingyi.EvaluatorCategory]int{}, Report: strings.TrimSpace(r.PostFormValue("report")),
		SuperiorRep: strings.TrimSpace(r.PostFormValue("superior_rep")), LeaderComment: strings.TrimSpace(r.PostFormValue("leader_comment"))}
	errs := map[string]string{}
	if _, err := time.Parse("2006-01-02", m.HeldOn); err != nil {
		errs["held_on"] = tr.T("campaign_unit.err_date")
	}
	if !slices.Contains(appraisal.Methods, m.Method) {
		errs["method"] = tr.T("campaign_unit.err_method")
	}
	for _, cat := range pingyi.EvaluatorCategories {
		n, ok := formInt(r, "att_"+string(cat), 0)
		if !ok || n < 0 || n > 100000 {
			errs["attendees"] = tr.T("campaign_unit.err_attendees")
			continue
		}
		if n > 0 {
			m.Attendees[cat] = n
		}
	}
	for _, t := range []string{m.Report, m.LeaderComment} {
		if len([]rune(t)) > maxText {
			errs["report"] = tr.T("campaign_new.err_too_long", "N", maxText, "Len", len([]rune(t)))
		}
	}
	if len([]rune(m.SuperiorRep)) > 200 {
		errs["superior_rep"] = tr.T("campaign_new.err_too_long", "N", 200, "Len", len([]rune(m.SuperiorRep)))
	}
	if len(errs) > 0 {
		s.unitRefused(w, r, c, u, errs, func(v *campaignUnitView) {
			v.Meeting = m
			v.Attendees = v.Attendees[:0]
			for _, cat := range pingyi.EvaluatorCategories {
				v.Attendees = append(v.Attendees, attendeeRow{Category: cat, N: m.Attendees[cat]})
			}
		})
		return
	}
	if err := s.st.SaveMeeting(r.Context(), c, m, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "campaign_unit.meeting_saved")
	shell.Redirect(w, r, "/campaigns/"+c.Code+"/units/"+u.Code+"#meeting")
}

// campaignSummaries is POST /campaigns/{code}/units/{org}/summaries: the
// members' summaries (小结) as entered by the branch (fields
// summary_MEMBERCODE); only those that changed are stored.
func (s *Feature) campaignSummaries(w http.ResponseWriter, r *http.Request) {
	c, u := s.unitForChange(w, r)
	if c == nil {
		return
	}
	ctx := r.Context()
	members, err := s.st.Members(ctx, u.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	sums, err := s.st.MemberSummaries(ctx, c, u.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	r.ParseForm()
	if !hasSummaryField(r) {
		s.unitRefused(w, r, c, u, map[string]string{"summaries": s.Tr(r).T("campaign_unit.err_summaries")}, nil)
		return
	}
	for _, m := range members {
		vals, ok := r.PostForm["summary_"+m.Code]
		if !ok {
			continue
		}
		text := strings.TrimSpace(vals[0])
		if len([]rune(text)) > maxText {
			s.unitRefused(w, r, c, u, map[string]string{"summaries": s.Tr(r).T("campaign_new.err_too_long", "N", maxText, "Len", len([]rune(text)))}, nil)
			return
		}
		if text == sums[m.ID] {
			continue
		}
		if err := s.st.SaveMemberSummary(ctx, c, m.ID, text, shell.ActorOf(r)); err != nil {
			s.ServerError(w, r, err)
			return
		}
	}
	s.Flash(r, "campaign_unit.summaries_saved")
	shell.Redirect(w, r, "/campaigns/"+c.Code+"/units/"+u.Code+"#summaries")
}

func hasSummaryField(r *http.Request) bool {
	for k := range r.PostForm {
		if strings.HasPrefix(k, "summary_") {
			return true
		}
	}
	return false
}

// unitRefused shows the unit page again with the refused form (422).
func (s *Feature) unitRefused(w http.ResponseWriter, r *http.Request, c *pingyi.Campaign, u *appraisal.Unit, errs map[string]string, keep func(*campaignUnitView)) {
	v, err := s.unitView(r, c, u)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.Errors = errs
	if keep != nil {
		keep(v)
	}
	s.Render(w, r, http.StatusUnprocessableEntity, "campaign_unit", v)
}
