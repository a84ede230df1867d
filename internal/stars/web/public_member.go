package web

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	shell "github.com/pingyi/pingyi/internal/web"
)

// The public pages of star management (no login): a member's door-plate
// page (the QR code of the 共产党员户 plate) where the masses see the
// member's goals and stars and leave a comment for the branch (seed 003:
// "accept the supervision of the masses"), and a branch's publicized
// responsibility books (责任书公示) and results. They never show a phone
// or an ID number.

// commentsPerHour is how many comments one client address may leave in an
// hour (held in memory; a restart forgets it).
const commentsPerHour = 3

var commentLimiters sync.Map // *Server → *auth.Limiter

func (s *Feature) commentLimiter() *auth.Limiter {
	if l, ok := commentLimiters.Load(s); ok {
		return l.(*auth.Limiter)
	}
	l, _ := commentLimiters.LoadOrStore(s, auth.NewLimiter(commentsPerHour, time.Hour))
	return l.(*auth.Limiter)
}

// publicGoal is a responsibility book as the public sees it.
type publicGoal struct {
	MemberCode, MemberName string
	Category               pingyi.Category
	StarsAimed, Cap        int
	PostName, PostNote     string
	Households             []string
	Measures               string
	Signed                 bool
}

func (s *Feature) publicGoalOf(tr translator, g *stars.Goal) *publicGoal {
	p := &publicGoal{MemberCode: g.MemberCode, MemberName: g.MemberName, Category: g.Category, StarsAimed: g.StarsAimed, Cap: g.Cap,
		PostName: starPostName(tr, g.Post), PostNote: g.PostNote, Measures: g.Measures,
		Signed: g.MemberSigned != "" && g.SecretarySigned != ""}
	for _, h := range []string{g.Household1, g.Household2} {
		if h != "" {
			p.Households = append(p.Households, h)
		}
	}
	return p
}

// publicResult is a finalized year as the public sees it.
type publicResult struct {
	Year, Stars, Cap int
	Level            pingyi.StarLevel
}

type publicMemberView struct {
	shell.View
	Code       string
	Name       string
	OrgCode    string
	OrgName    string
	Category   pingyi.Category
	Year       int
	Goal       *publicGoal
	Results    []publicResult
	Comments   []stars.Comment
	Text       string
	Error      string
	Sent       bool
	MaxComment int
}

// publicMember is GET /m/{code}: the member's public page.
func (s *Feature) publicMember(w http.ResponseWriter, r *http.Request) {
	s.renderPublicMember(w, r, http.StatusOK, "", "")
}

func (s *Feature) renderPublicMember(w http.ResponseWriter, r *http.Request, status int, text, errMsg string) {
	ctx := r.Context()
	m, _, err := s.st.Member(ctx, r.PathValue("code"))
	if errors.Is(err, pingyi.ErrNotFound) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	year := time.Now().Year()
	v := &publicMemberView{Code: m.Code, Name: m.Name, OrgCode: m.OrgCode, OrgName: m.OrgName, Category: m.Category, Year: year,
		Text: text, Error: errMsg, Sent: status == http.StatusOK && r.URL.Query().Get("sent") == "1", MaxComment: stars.MaxCommentRunes}
	g, err := s.st.Goal(ctx, year, m.Code)
	switch {
	case err == nil && g.Public:
		v.Goal = s.publicGoalOf(s.Tr(r), g)
	case err != nil && !errors.Is(err, pingyi.ErrNotFound):
		s.ServerError(w, r, err)
		return
	}
	results, err := s.st.MemberResults(ctx, m.Code)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	for _, res := range results {
		v.Results = append(v.Results, publicResult{Year: res.Year, Stars: res.Stars, Cap: res.Cap, Level: res.Level})
	}
	if v.Comments, err = s.st.ApprovedComments(ctx, m.Code); err != nil {
		s.ServerError(w, r, err)
		return
	}
	for i := range v.Comments { // the public sees the text and the day only
		v.Comments[i].OrgPath, v.Comments[i].ReviewedAt = "", ""
	}
	s.Render(w, r, status, "public_member", v)
}

// publicComment is POST /m/{code}/comments: a comment of the public for
// the member's branch, held for review (shown once approved). Each client
// address may leave commentsPerHour comments an hour (429 beyond).
func (s *Feature) publicComment(w http.ResponseWriter, r *http.Request) {
	lim, ip := s.commentLimiter(), s.ClientIP(r)
	text := r.PostFormValue("text")
	if blocked, _ := lim.Blocked(ip); blocked {
		s.renderPublicMember(w, r, http.StatusTooManyRequests, text, s.Tr(r).T("stars_public.too_many"))
		return
	}
	_, err := s.st.AddComment(r.Context(), r.PathValue("code"), text)
	if errors.Is(err, pingyi.ErrNotFound) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if _, ok := fieldErrors(s.Tr(r), err); ok {
		s.renderPublicMember(w, r, http.StatusUnprocessableEntity, text, s.Tr(r).T("stars_public.bad_text", "Max", stars.MaxCommentRunes))
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	lim.Fail(ip)
	shell.Redirect(w, r, "/m/"+r.PathValue("code")+"?sent=1#comment")
}

// starObjectionsPerHour is how many objections one client address may file
// in an hour on a branch's publicity page (held in memory, as comments).
const starObjectionsPerHour = 3

var starObjectionLimiters sync.Map // *Server → *auth.Limiter

func (s *Feature) starObjectionLimiter() *auth.Limiter {
	if l, ok := starObjectionLimiters.Load(s); ok {
		return l.(*auth.Limiter)
	}
	l, _ := starObjectionLimiters.LoadOrStore(s, auth.NewLimiter(starObjectionsPerHour, time.Hour))
	return l.(*auth.Limiter)
}

// maxStarObjection is the longest objection text (store.FileStarObjection).
const maxStarObjection = 2000

// publicObjection is an answered objection as the public sees it (never
// the contact).
type publicObjection struct {
	MemberName, Text, FiledDay, Answer string
}

// publicMemberRef names a member of the branch (the objection form).
type publicMemberRef struct{ Code, Name string }

type publicOrgView struct {
	shell.View
	Org        *pingyi.Org
	Year       int
	Years      []int // the year switch: finalized years, this year, the year shown
	Goals      []publicGoal
	Results    []stars.Result
	Members    []publicMemberRef
	Objections []publicObjection
	// the objection form
	Text, Contact, MemberCode string
	Error                     string
	Sent                      bool
	MaxObjection              int
}

// publicOrg is GET /m/org/{code}?year=: the branch's publicized
// responsibility books (责任书公示) of the year and its finalized results
// (结果公示), each linking to the member's page where anyone may comment;
// and, for the year-end publicity (三评两公开), a form where anyone may
// object to the results, and the answered objections.
func (s *Feature) publicOrg(w http.ResponseWriter, r *http.Request) {
	s.renderPublicOrg(w, r, http.StatusOK, nil, "")
}

func (s *Feature) renderPublicOrg(w http.ResponseWriter, r *http.Request, status int, form *publicOrgView, errMsg string) {
	ctx := r.Context()
	o, err := s.st.Org(ctx, r.PathValue("code"))
	if errors.Is(err, pingyi.ErrNotFound) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	years, err := s.st.ResultYears(ctx, o.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	year, ok := s.publicYear(w, r, years)
	if !ok {
		return
	}
	v := &publicOrgView{Org: o, Year: year, Years: publicYears(years, year), Error: errMsg, MaxObjection: maxStarObjection,
		Sent: status == http.StatusOK && r.URL.Query().Get("sent") == "1"}
	if form != nil {
		v.Text, v.Contact, v.MemberCode = form.Text, form.Contact, form.MemberCode
	}
	goals, err := s.st.Goals(ctx, pingyi.Scope{Path: o.Path}, year, true)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	tr := s.Tr(r)
	for i := range goals {
		if goals[i].OrgCode == o.Code {
			v.Goals = append(v.Goals, *s.publicGoalOf(tr, &goals[i]))
		}
	}
	results, err := s.st.Results(ctx, pingyi.Scope{Path: o.Path}, year, "")
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	for _, res := range results {
		if res.OrgCode == o.Code {
			res.OrgPath, res.HelperCode, res.HelperName = "", "", ""
			v.Results = append(v.Results, res)
		}
	}
	members, err := s.st.Members(ctx, o.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	for _, m := range members {
		v.Members = append(v.Members, publicMemberRef{Code: m.Code, Name: m.Name})
	}
	objs, err := s.st.Objections(ctx, year, o.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	for _, x := range objs { // answered ones only, without the contact
		if x.Answer != "" {
			v.Objections = append(v.Objections, publicObjection{MemberName: x.MemberName, Text: x.Text, FiledDay: x.FiledDay, Answer: x.Answer})
		}
	}
	s.Render(w, r, status, "public_member_org", v)
}

// publicStarObjection is POST /m/org/{code}/objections: anyone objects to
// the branch's results of the year (fields year, member optional, text,
// contact optional). Each client address may file starObjectionsPerHour
// objections an hour (429 beyond).
func (s *Feature) publicStarObjection(w http.ResponseWriter, r *http.Request) {
	lim, ip := s.starObjectionLimiter(), s.ClientIP(r)
	form := &publicOrgView{Text: r.PostFormValue("text"), Contact: r.PostFormValue("contact"), MemberCode: r.PostFormValue("member")}
	if blocked, _ := lim.Blocked(ip); blocked {
		s.renderPublicOrg(w, r, http.StatusTooManyRequests, form, s.Tr(r).T("stars_public.obj_too_many"))
		return
	}
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	code := r.PathValue("code")
	_, err := s.st.FileObjection(r.Context(), year, code, form.MemberCode, form.Text, form.Contact)
	if errors.Is(err, pingyi.ErrNotFound) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if errs, ok := fieldErrors(s.Tr(r), err); ok {
		s.renderPublicOrg(w, r, http.StatusUnprocessableEntity, form, joinErrs(errs))
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	lim.Fail(ip)
	shell.Redirect(w, r, "/m/org/"+code+starYearQuery(year)+"&sent=1#objection")
}

// joinErrs puts the messages of a refusal together, in column order.
func joinErrs(errs map[string]string) string {
	cols := make([]string, 0, len(errs))
	for c := range errs {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	msgs := make([]string, len(cols))
	for i, c := range cols {
		msgs[i] = errs[c]
	}
	return strings.Join(msgs, " ")
}

// publicYear is the year a public page shows: the one asked for, else the
// latest with finalized results (the page is about them), else this year.
func (s *Feature) publicYear(w http.ResponseWriter, r *http.Request, finalized []int) (int, bool) {
	if strings.TrimSpace(r.FormValue("year")) == "" && len(finalized) > 0 {
		return finalized[0], true
	}
	return s.starYear(w, r)
}

// publicYears are the years of the switch, newest first: this year, the
// finalized ones and the one shown.
func publicYears(finalized []int, shown int) []int {
	out := append([]int{time.Now().Year(), shown}, finalized...)
	slices.Sort(out)
	slices.Reverse(out)
	return slices.Compact(out)
}
