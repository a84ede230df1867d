package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/voice"
	shell "github.com/pingyi/pingyi/internal/web"
)

type inboxView struct {
	shell.View
	Items    []voice.InboxItem
	Open     bool
	Overdue  int
	DueSoon  int
	CanEnter bool
	IsAdmin  bool
}

// scopePath is the subtree the viewer sees ("/" for all).
func scopePath(r *http.Request) string {
	sc := shell.CurrentScope(r)
	if sc.All() {
		return "/"
	}
	return sc.Path
}

// inbox is GET /inbox: the opinions of the viewer's org and everything
// below it, open ones first by deadline, overdue ones marked (?all=1 shows
// the handled ones too).
func (f *Feature) inbox(w http.ResponseWriter, r *http.Request) {
	open := r.URL.Query().Get("all") != "1"
	items, err := f.v.Inbox(r.Context(), scopePath(r), voice.InboxFilter{OpenOnly: open}, time.Now())
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	v := &inboxView{Items: items, Open: open}
	for _, it := range items {
		if it.Overdue {
			v.Overdue++
		}
		if it.DueSoon {
			v.DueSoon++
		}
	}
	u := shell.CurrentUser(r)
	v.CanEnter = u != nil && u.Role != pingyi.RoleInspector && u.Role != pingyi.RoleMember
	v.IsAdmin = u != nil && u.Role == pingyi.RoleAdmin
	f.srv.Render(w, r, http.StatusOK, "inbox", v)
}

// staffForm is GET /inbox/new: entry on behalf of someone (a visit, a
// seminar, a reception, the box, the hotline, an email).
func (f *Feature) staffForm(w http.ResponseWriter, r *http.Request) {
	org := ""
	if u := shell.CurrentUser(r); u != nil && u.OrgID != 0 {
		if o, err := f.v.S.OrgByID(r.Context(), u.OrgID); err == nil {
			org = o.Code
		}
	}
	f.srv.Render(w, r, http.StatusOK, "opinion_form", &formView{Staff: true, Org: org,
		Form: voice.NewOpinion{Channel: "visit", Category: "suggestion", OrgCode: org}, Channels: rules.Channels, Categories: rules.OpinionCategories})
}

// staffFile is POST /inbox/new.
func (f *Feature) staffFile(w http.ResponseWriter, r *http.Request) {
	if !readForm(w, r) {
		f.srv.FailMsg(w, r, http.StatusRequestEntityTooLarge, "voice.too_large")
		return
	}
	n := formOpinion(r)
	refuse := func(fields map[string]string) {
		f.srv.Render(w, r, http.StatusUnprocessableEntity, "opinion_form", &formView{Staff: true, Org: n.OrgCode, Form: n, Errors: fields,
			Channels: rules.Channels, Categories: rules.OpinionCategories})
	}
	// Only into the viewer's subtree.
	if code := strings.TrimSpace(n.OrgCode); code != "" {
		o, err := f.v.S.Org(r.Context(), code)
		if err == nil && !shell.CurrentScope(r).Manages(o.Path) {
			err = pingyi.ErrNotFound
		}
		if errors.Is(err, pingyi.ErrNotFound) {
			refuse(map[string]string{"org_code": f.srv.Tr(r).T("voice.org_outside")})
			return
		}
		if err != nil {
			f.srv.ServerError(w, r, err)
			return
		}
	}
	rc, err := f.v.Receive(r.Context(), n, time.Now(), shell.ActorOf(r))
	if fields, ok := shell.RefusedFields(f.srv.Tr(r), err); ok {
		refuse(fields)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	f.srv.Flash(r, "voice.filed")
	shell.Redirect(w, r, "/inbox/"+rc.Ref)
}

type opinionView struct {
	shell.View
	D        *voice.Detail
	Manages  bool // handles it: sees the contact, may act
	Overdue  bool
	Deadline time.Time
	Loc      *time.Location
	Errors   map[string]string
	Outcomes []rules.Outcome
	Ratings  []pingyi.Rating
	// Answer templates of the opinion's category (links that start the
	// reply from one) and the reply text to start from.
	Templates   []template
	Draft       string
	Attachments []attachmentLink
}

type attachmentLink struct {
	N        int
	Filename string
}

type template struct{ N, Text string }

// answerTemplates are the message keys of a category's answer templates.
var answerTemplates = map[rules.OpinionCategory]int{rules.CategoryConsultation: 2, rules.CategoryHelp: 2, rules.CategorySuggestion: 2,
	rules.CategoryComplaint: 2, rules.CategoryPraise: 1}

// visible loads the opinion ref if it lies in the viewer's subtree (else
// 404, as for one that does not exist).
func (f *Feature) visible(w http.ResponseWriter, r *http.Request) *voice.Detail {
	d, err := f.v.Opinion(r.Context(), r.PathValue("ref"))
	if err == nil && !shell.CurrentScope(r).Contains(d.OrgPath) {
		err = voice.ErrNotFound
	}
	if errors.Is(err, voice.ErrNotFound) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return nil
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return nil
	}
	return d
}

func (f *Feature) renderOpinion(w http.ResponseWriter, r *http.Request, status int, d *voice.Detail, errs map[string]string) {
	v := &opinionView{D: d, Manages: shell.CurrentScope(r).Manages(d.OrgPath), Overdue: d.Fold.Overdue(time.Now()),
		Deadline: d.Fold.Deadline(), Loc: f.v.Loc, Errors: errs, Outcomes: []rules.Outcome{rules.Resolved, rules.Partly, rules.Unresolved},
		Ratings: rules.OpinionRatings}
	if !v.Manages { // never send personal data to those not handling it
		d.Name, d.Phone, d.Email = "", "", ""
	}
	atts, err := f.v.Attachments(r.Context(), d.Ref)
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	for i, a := range atts {
		v.Attachments = append(v.Attachments, attachmentLink{N: i + 1, Filename: a.Filename})
	}
	tr := f.srv.Tr(r)
	for i := 1; i <= answerTemplates[d.Fold.Category]; i++ {
		n := strconv.Itoa(i)
		text := tr.T("voice.template_" + string(d.Fold.Category) + "_" + n)
		v.Templates = append(v.Templates, template{N: n, Text: text})
		if r.Method == http.MethodGet && r.URL.Query().Get("template") == n {
			v.Draft = text
		}
	}
	if r.Method == http.MethodPost {
		v.Draft = r.PostFormValue("note")
	}
	f.srv.Render(w, r, status, "inbox_opinion", v)
}

// opinionPage is GET /inbox/{ref}: the opinion, its deadlines and ledger;
// the contact only for those handling it (the org's managers).
func (f *Feature) opinionPage(w http.ResponseWriter, r *http.Request) {
	if d := f.visible(w, r); d != nil {
		f.renderOpinion(w, r, http.StatusOK, d, nil)
	}
}

// opinionAct is POST /inbox/{ref}: one event (field "event": route,
// accept, extend, reply, seen, callback_failed, rate, close), checked
// against the ledger's rules; refused with 422 and the reason.
func (f *Feature) opinionAct(w http.ResponseWriter, r *http.Request) {
	d := f.visible(w, r)
	if d == nil {
		return
	}
	if !shell.CurrentScope(r).Manages(d.OrgPath) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return
	}
	if !readForm(w, r) {
		f.srv.FailMsg(w, r, http.StatusRequestEntityTooLarge, "voice.too_large")
		return
	}
	kind, ok := rules.ParseOpinionEvent(r.PostFormValue("event"))
	tr := f.srv.Tr(r)
	if !ok || kind == rules.EvReceive {
		f.renderOpinion(w, r, http.StatusUnprocessableEntity, d, map[string]string{"event": tr.T("voice.bad_event")})
		return
	}
	c := voice.Change{Kind: kind, OrgCode: r.PostFormValue("org"), Note: r.PostFormValue("note")}
	if kind == rules.EvRoute {
		// Routing stays inside the viewer's subtree.
		o, err := f.v.S.Org(r.Context(), strings.TrimSpace(c.OrgCode))
		if err != nil || !shell.CurrentScope(r).Manages(o.Path) {
			f.renderOpinion(w, r, http.StatusUnprocessableEntity, d, map[string]string{"org_code": tr.T("voice.org_outside")})
			return
		}
	}
	if kind == rules.EvReply {
		out, ok := rules.ParseOutcome(r.PostFormValue("outcome"))
		if !ok {
			f.renderOpinion(w, r, http.StatusUnprocessableEntity, d, map[string]string{"outcome": tr.T("voice.outcome_required")})
			return
		}
		c.Outcome = out
		if strings.TrimSpace(c.Note) == "" {
			f.renderOpinion(w, r, http.StatusUnprocessableEntity, d, map[string]string{"note": tr.T("voice.reply_required")})
			return
		}
	}
	if kind == rules.EvRate {
		rt, ok := rules.ParseOpinionRating(r.PostFormValue("rating"))
		if !ok {
			f.renderOpinion(w, r, http.StatusUnprocessableEntity, d, map[string]string{"rating": tr.T("voice.rating_required")})
			return
		}
		c.Rating = rt
	}
	if kind == rules.EvExtend && strings.TrimSpace(c.Note) == "" {
		f.renderOpinion(w, r, http.StatusUnprocessableEntity, d, map[string]string{"note": tr.T("voice.reason_required")})
		return
	}
	_, err := f.v.Record(r.Context(), d.Ref, c, time.Now(), shell.ActorOf(r))
	if fields, ok := shell.RefusedFields(tr, err); ok {
		f.renderOpinion(w, r, http.StatusUnprocessableEntity, d, fields)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	f.srv.Flash(r, "voice.recorded")
	shell.Redirect(w, r, "/inbox/"+d.Ref)
}
