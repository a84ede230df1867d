package web

import (
	"errors"
	"math/big"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	shell "github.com/pingyi/pingyi/internal/web"
)

// goalForm is the responsibility book (责任书) as shown or typed.
type goalForm struct {
	StarsAimed int
	Post       string // a seed post, "custom" or ""
	PostCustom string
	PostNote   string
	Household1 string
	Household2 string
	Measures   string
	Public     bool
}

// customPost is the post select's value for a post the street adds.
const customPost = "custom"

func goalFormOf(g *stars.Goal, cap int) goalForm {
	if g == nil {
		return goalForm{StarsAimed: cap}
	}
	f := goalForm{StarsAimed: g.StarsAimed, Post: g.Post, PostNote: g.PostNote, Household1: g.Household1,
		Household2: g.Household2, Measures: g.Measures, Public: g.Public}
	if g.Post != "" && !isSeedPost(g.Post) {
		f.Post, f.PostCustom = customPost, g.Post
	}
	return f
}

// post is the post to store: a seed post or the custom one typed.
func (f goalForm) post() string {
	if f.Post == customPost {
		return strings.TrimSpace(f.PostCustom)
	}
	return f.Post
}

// suggestionRow is one star of the three assessments and their suggestion.
type suggestionRow struct {
	Star                         pingyi.Star
	Self, Peer, Mass, Suggestion string
}

type starMemberView struct {
	shell.View
	Year        int
	Years       []int
	S           *starSubject
	Org         *pingyi.Org
	Trail       []pingyi.Org
	Cap         int
	Stars       []pingyi.Star // the stars of the member's category
	AimOptions  []int
	Posts       []string
	Full        bool // cap 10: post and households
	Goal        *stars.Goal
	GoalForm    goalForm
	PostName    string
	LogMonth    int
	LogYear     int
	Pre         *stars.Preassessment
	PreCells    map[string]string
	PreDebrief  string
	SelfDone    bool
	SelfCells   map[string]string
	MassCells   map[string]string
	PeerCells   map[string]string
	PeerRater   string
	Peers       []pingyi.Member // members of the branch who may rate as peers
	PeerCount   int
	MassCount   int
	Suggestion  *stars.Suggestion
	SugRows     []suggestionRow
	Rating      *stars.Rating
	RatingCells map[string]string
	Result      *stars.Result
	Past        []stars.Result
	FollowUps   []stars.FollowUp
	FollowDay   string
	FollowNote  string
	FollowHelp  string
	Errors      map[string]string // "form.field" → message
	ErrForm     string            // the form refused
	ErrList     []string          // its errors: "field: message"
	PreShown    map[string]string // the stored values (the forms may hold what was typed)
	RatingShown map[string]string
	PublicURL   string
}

// Err is the message of field of form, if any.
func (v *starMemberView) Err(form, field string) string { return v.Errors[form+"."+field] }

// starMemberPage is GET /stars/members/{code}?year=: one member's star
// year — the responsibility book (sign as member, sign as secretary), the
// logbook's counts, the half-year pre-assessment, the three assessments
// and their suggestion, the committee's rating, the result with the
// helper and follow-ups, past years, the door plate.
func (s *Feature) starMemberPage(w http.ResponseWriter, r *http.Request) {
	year, subj, ok := s.starYearMember(w, r)
	if !ok {
		return
	}
	s.renderStarMember(w, r, subj, year, http.StatusOK, nil)
}

// renderStarMember shows the member page; edit (if any) changes the view
// before rendering (a refused form with its values and errors).
func (s *Feature) renderStarMember(w http.ResponseWriter, r *http.Request, subj *starSubject, year, status int, edit func(*starMemberView)) {
	v, err := s.starMemberData(r, subj, year)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if edit != nil {
		edit(v)
	}
	s.Render(w, r, status, "star_member", v)
}

func cellsOf(vals stars.Values) map[string]string {
	out := map[string]string{}
	for k, x := range vals {
		out[string(k)] = strconv.Itoa(x)
	}
	return out
}

func cellsFromForm(c map[pingyi.Star]string) map[string]string {
	out := map[string]string{}
	for k, x := range c {
		out[string(k)] = x
	}
	return out
}

func ratString(r *big.Rat) string {
	if r == nil {
		return "—"
	}
	s := r.FloatString(2)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

func (s *Feature) starMemberData(r *http.Request, subj *starSubject, year int) (*starMemberView, error) {
	ctx := r.Context()
	m := subj.Member
	rs, err := s.st.Rules(ctx, year)
	if err != nil {
		return nil, err
	}
	v := &starMemberView{Year: year, Years: starYears(year), S: subj, Cap: rs.Cap(m.Category), Stars: rs.StarsFor(m.Category),
		Posts: stars.Posts, PublicURL: s.publicMemberURL(r, m.Code), Errors: map[string]string{},
		FollowDay: time.Now().Format("2006-01-02")}
	v.Full = len(v.Stars) == len(pingyi.Stars)
	for i := v.Cap; i >= 0; i-- {
		v.AimOptions = append(v.AimOptions, i)
	}
	if v.Org, err = s.st.OrgByID(ctx, m.OrgID); err != nil {
		return nil, err
	}
	if shell.CurrentUser(r).Role != pingyi.RoleMember {
		if v.Trail, err = s.Trail(ctx, shell.CurrentScope(r), v.Org, map[int64]pingyi.Org{}); err != nil {
			return nil, err
		}
	}
	if v.Goal, err = s.st.Goal(ctx, year, m.Code); err != nil && !errors.Is(err, pingyi.ErrNotFound) {
		return nil, err
	}
	v.GoalForm = goalFormOf(v.Goal, v.Cap)
	if v.Goal != nil {
		v.PostName = starPostName(s.Tr(r), v.Goal.Post)
	}
	from, to := monthRange(time.Now())
	month, err := s.st.LogCounts(ctx, v.Org.Path, from, to)
	if err != nil {
		return nil, err
	}
	yc, err := s.st.LogCounts(ctx, v.Org.Path, strconv.Itoa(year)+"-01-01", strconv.Itoa(year+1)+"-01-01")
	if err != nil {
		return nil, err
	}
	for _, n := range month[m.Code] {
		v.LogMonth += n
	}
	for _, n := range yc[m.Code] {
		v.LogYear += n
	}
	one := pingyi.Scope{Path: v.Org.Path, MemberID: m.ID}
	pres, err := s.st.Preassessments(ctx, one, year)
	if err != nil {
		return nil, err
	}
	v.PreCells = map[string]string{}
	if len(pres) > 0 {
		v.Pre = &pres[0]
		v.PreCells, v.PreDebrief = cellsOf(v.Pre.Values), v.Pre.Debrief
		v.PreShown = v.PreCells
	}
	list, err := s.st.Assessments(ctx, year, m.Code)
	if err != nil {
		return nil, err
	}
	v.SelfCells, v.MassCells, v.PeerCells = map[string]string{}, map[string]string{}, map[string]string{}
	for _, a := range list {
		switch a.Kind {
		case stars.AssessSelf:
			v.SelfDone, v.SelfCells = true, cellsOf(a.Values)
		case stars.AssessPeer:
			v.PeerCount++
		case stars.AssessMass:
			v.MassCount++
		}
	}
	if sg, err := s.st.SuggestionFor(ctx, year, m.Code); err == nil {
		v.Suggestion = sg
		for _, st := range v.Stars {
			row := suggestionRow{Star: st, Self: "—", Peer: ratString(sg.Peer[st]), Mass: ratString(sg.Mass[st]), Suggestion: "—"}
			if x, ok := sg.Self[st]; ok {
				row.Self = strconv.Itoa(x)
			}
			if x, ok := sg.Suggested[st]; ok {
				row.Suggestion = strconv.Itoa(x)
			}
			v.SugRows = append(v.SugRows, row)
		}
	} else if !errors.Is(err, pingyi.ErrNotFound) {
		return nil, err
	}
	if v.Rating, err = s.st.Rating(ctx, year, m.Code); err != nil && !errors.Is(err, pingyi.ErrNotFound) {
		return nil, err
	}
	v.RatingCells = map[string]string{}
	switch {
	case v.Rating != nil:
		v.RatingCells = cellsOf(v.Rating.Values)
		v.RatingShown = v.RatingCells
	case v.Suggestion != nil && v.Suggestion.Complete:
		v.RatingCells = cellsOf(v.Suggestion.Suggested)
	}
	all, err := s.st.MemberResults(ctx, m.Code)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Year == year {
			v.Result = &all[i]
		} else {
			v.Past = append(v.Past, all[i])
		}
	}
	if v.FollowUps, err = s.st.FollowUps(ctx, one, year, m.Code); err != nil {
		return nil, err
	}
	if subj.Manages {
		if v.Peers, err = s.st.Members(ctx, m.OrgID); err != nil {
			return nil, err
		}
		for i := range v.Peers {
			v.Peers[i].Phone, v.Peers[i].IDNumber = "", ""
		}
	}
	return v, nil
}

// refused re-renders the member page with a form's errors (422), or
// answers a server error for anything that is not a refusal.
func (s *Feature) refused(w http.ResponseWriter, r *http.Request, subj *starSubject, year int, form string, err error, edit func(*starMemberView)) {
	errs, ok := fieldErrors(s.Tr(r), err)
	if !ok {
		if errors.Is(err, pingyi.ErrNotFound) {
			s.Fail(w, r, http.StatusNotFound)
			return
		}
		s.ServerError(w, r, err)
		return
	}
	s.renderStarMember(w, r, subj, year, http.StatusUnprocessableEntity, func(v *starMemberView) {
		v.ErrForm = form
		v.ErrList = s.errorList(r, errs)
		for k, msg := range errs {
			v.Errors[form+"."+k] = msg
		}
		if edit != nil {
			edit(v)
		}
	})
}

// errorList lists refused fields as "name: message", named by their star
// or form label where there is one, sorted.
func (s *Feature) errorList(r *http.Request, errs map[string]string) []string {
	tr, lang := s.Tr(r), s.Lang(r)
	out := make([]string, 0, len(errs))
	for k, msg := range errs {
		name := k
		for _, key := range []string{"stars_star." + k, "stars_field." + k} {
			if i18n.Has(lang, key) {
				name = tr.T(key)
				break
			}
		}
		out = append(out, name+": "+msg)
	}
	sort.Strings(out)
	return out
}

// starGoalSave is POST /stars/members/{code}/goal: the member (their own)
// or whoever manages the branch saves the responsibility book; "sign"
// signs it as the member (only the member) or as the secretary (only who
// manages the branch). Changing what a signed book says clears its
// signatures. Only who manages the branch publicizes it.
func (s *Feature) starGoalSave(w http.ResponseWriter, r *http.Request) {
	year, subj, ok := s.starYearMember(w, r)
	if !ok {
		return
	}
	if !subj.CanEdit() {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	sign := r.PostFormValue("sign")
	if (sign == "member" && !subj.Self) || (sign == "secretary" && !subj.Manages) {
		s.Fail(w, r, http.StatusForbidden)
		return
	}
	aim, aimErr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("stars_aimed")))
	f := goalForm{StarsAimed: aim, Post: r.PostFormValue("post"), PostCustom: r.PostFormValue("post_custom"),
		PostNote: r.PostFormValue("post_note"), Household1: r.PostFormValue("household1"), Household2: r.PostFormValue("household2"),
		Measures: r.PostFormValue("measures"), Public: r.PostFormValue("public") != ""}
	old, err := s.st.Goal(r.Context(), year, subj.Member.Code)
	if err != nil && !errors.Is(err, pingyi.ErrNotFound) {
		s.ServerError(w, r, err)
		return
	}
	g := &stars.Goal{Year: year, MemberCode: subj.Member.Code, StarsAimed: f.StarsAimed, Post: f.post(), PostNote: f.PostNote,
		Household1: f.Household1, Household2: f.Household2, Measures: f.Measures, Public: f.Public}
	if aimErr != nil {
		g.StarsAimed = -1
	}
	if old != nil {
		g.MemberSigned, g.SecretarySigned = old.MemberSigned, old.SecretarySigned
		if !subj.Manages {
			g.Public = old.Public
		}
		same := old.StarsAimed == g.StarsAimed && old.Post == strings.TrimSpace(g.Post) && old.PostNote == strings.TrimSpace(g.PostNote) &&
			old.Household1 == strings.TrimSpace(g.Household1) && old.Household2 == strings.TrimSpace(g.Household2) &&
			old.Measures == strings.TrimSpace(g.Measures)
		if !same {
			g.MemberSigned, g.SecretarySigned = "", ""
		}
	} else if !subj.Manages {
		g.Public = false
	}
	today := time.Now().Format("2006-01-02")
	switch sign {
	case "member":
		g.MemberSigned = today
	case "secretary":
		g.SecretarySigned = today
	}
	if err := s.st.SaveGoal(r.Context(), g, shell.ActorOf(r)); err != nil {
		s.refused(w, r, subj, year, "goal", err, func(v *starMemberView) { v.GoalForm = f })
		return
	}
	switch sign {
	case "member":
		s.Flash(r, "stars_member.signed_member")
	case "secretary":
		s.Flash(r, "stars_member.signed_secretary")
	default:
		s.Flash(r, "stars_member.goal_saved")
	}
	shell.Redirect(w, r, "/stars/members/"+subj.Member.Code+starYearQuery(year)+"#goal")
}

// starManaged loads the member of a write only whoever manages the branch
// may do (404 otherwise, as for a member outside the subtree).
func (s *Feature) starManaged(w http.ResponseWriter, r *http.Request) (*starSubject, int, bool) {
	year, subj, ok := s.starYearMember(w, r)
	if !ok {
		return nil, 0, false
	}
	if !subj.Manages {
		s.Fail(w, r, http.StatusNotFound)
		return nil, 0, false
	}
	return subj, year, true
}

// starPreSave is POST /stars/members/{code}/preassessment: the branch's
// half-year pre-rating of the member, with the member's debrief.
func (s *Feature) starPreSave(w http.ResponseWriter, r *http.Request) {
	subj, year, ok := s.starManaged(w, r)
	if !ok {
		return
	}
	cells, debrief := starCells(r), r.PostFormValue("debrief")
	if _, err := s.st.SavePreassessment(r.Context(), year, subj.Member.Code, cells, debrief, shell.ActorOf(r)); err != nil {
		s.refused(w, r, subj, year, "pre", err, func(v *starMemberView) { v.PreCells, v.PreDebrief = cellsFromForm(cells), debrief })
		return
	}
	s.Flash(r, "stars_member.pre_saved")
	shell.Redirect(w, r, "/stars/members/"+subj.Member.Code+starYearQuery(year)+"#pre")
}

// starAssessSave is POST /stars/members/{code}/assessment: kind "self"
// (the member, or whoever manages the branch entering a paper form),
// "mass" (whoever manages the branch records the masses' values) or
// "peer" (whoever manages the branch entering a paper form, with
// rater_code; members rate each other on /stars/peer).
func (s *Feature) starAssessSave(w http.ResponseWriter, r *http.Request) {
	year, subj, ok := s.starYearMember(w, r)
	if !ok {
		return
	}
	if !subj.CanEdit() {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	kind, rater := r.PostFormValue("kind"), ""
	switch kind {
	case stars.AssessSelf:
	case stars.AssessMass:
		if !subj.Manages {
			s.Fail(w, r, http.StatusForbidden)
			return
		}
	case stars.AssessPeer:
		if !subj.Manages {
			s.Fail(w, r, http.StatusForbidden)
			return
		}
		rater = r.PostFormValue("rater_code")
	default:
		kind = "self" // an empty form: refused below as a self-assessment
		if r.PostFormValue("kind") != "" {
			s.Fail(w, r, http.StatusBadRequest)
			return
		}
	}
	cells := starCells(r)
	if _, err := s.st.RecordAssessment(r.Context(), year, subj.Member.Code, kind, rater, cells, shell.ActorOf(r)); err != nil {
		s.refused(w, r, subj, year, kind, err, func(v *starMemberView) {
			switch kind {
			case stars.AssessSelf:
				v.SelfCells = cellsFromForm(cells)
			case stars.AssessMass:
				v.MassCells = cellsFromForm(cells)
			case stars.AssessPeer:
				v.PeerCells, v.PeerRater = cellsFromForm(cells), rater
			}
		})
		return
	}
	switch kind {
	case stars.AssessSelf:
		s.Flash(r, "stars_member.assessed_self")
	case stars.AssessPeer:
		s.Flash(r, "stars_member.assessed_peer")
	default:
		s.Flash(r, "stars_member.assessed_mass")
	}
	shell.Redirect(w, r, "/stars/members/"+subj.Member.Code+starYearQuery(year)+"#assess")
}

// starRatingSave is POST /stars/members/{code}/rating: the branch
// committee's rating (accept=1 takes the suggestion of the three
// assessments).
func (s *Feature) starRatingSave(w http.ResponseWriter, r *http.Request) {
	subj, year, ok := s.starManaged(w, r)
	if !ok {
		return
	}
	cells := starCells(r)
	if r.PostFormValue("accept") != "" {
		sg, err := s.st.SuggestionFor(r.Context(), year, subj.Member.Code)
		if err != nil && !errors.Is(err, pingyi.ErrNotFound) {
			s.ServerError(w, r, err)
			return
		}
		if sg == nil || !sg.Complete {
			bad := &pingyi.InputError{}
			bad.Add(0, "accept", "%s", s.Tr(r).T("stars_member.no_suggestion"))
			s.refused(w, r, subj, year, "rating", bad, nil)
			return
		}
		cells = map[pingyi.Star]string{}
		for st, x := range sg.Suggested {
			cells[st] = strconv.Itoa(x)
		}
	}
	if _, err := s.st.SetRating(r.Context(), year, subj.Member.Code, cells, shell.ActorOf(r)); err != nil {
		s.refused(w, r, subj, year, "rating", err, func(v *starMemberView) { v.RatingCells = cellsFromForm(cells) })
		return
	}
	s.Flash(r, "stars_member.rated")
	if back := r.PostFormValue("back"); back == "org" {
		shell.Redirect(w, r, "/stars/orgs/"+subj.Member.OrgCode+starYearQuery(year)+"#m-"+subj.Member.Code)
		return
	}
	shell.Redirect(w, r, "/stars/members/"+subj.Member.Code+starYearQuery(year)+"#rating")
}

// starFollowUpAdd is POST /stars/members/{code}/followups: a record of
// help given to a lagging member (helper: the one paired at finalization
// unless given).
func (s *Feature) starFollowUpAdd(w http.ResponseWriter, r *http.Request) {
	subj, year, ok := s.starManaged(w, r)
	if !ok {
		return
	}
	f := &stars.FollowUp{Year: year, MemberCode: subj.Member.Code, HelperCode: r.PostFormValue("helper_code"),
		Day: r.PostFormValue("day"), Note: r.PostFormValue("note")}
	if err := s.st.AddFollowUp(r.Context(), f, shell.ActorOf(r)); err != nil {
		s.refused(w, r, subj, year, "followup", err, func(v *starMemberView) {
			v.FollowDay, v.FollowNote, v.FollowHelp = f.Day, f.Note, f.HelperCode
		})
		return
	}
	s.Flash(r, "stars_member.followup_added")
	shell.Redirect(w, r, "/stars/members/"+subj.Member.Code+starYearQuery(year)+"#followups")
}
