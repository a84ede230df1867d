package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/voice"
	shell "github.com/pingyi/pingyi/internal/web"
)

// maxForm bounds a form's body: the content is at most 5,000 characters.
const maxForm = 64 << 10

type formView struct {
	shell.View
	Staff      bool
	Org        string // the org it goes to
	Form       voice.NewOpinion
	Errors     map[string]string
	Channels   []rules.Channel
	Categories []rules.OpinionCategory
}

// office is the org public opinions go to when the form names none: the
// root of the tree (the office triages them to an org).
func (f *Feature) office(r *http.Request) (string, error) {
	var code string
	err := f.v.S.R().QueryRow(r.Context(), `SELECT code FROM orgs WHERE parent_id IS NULL ORDER BY code LIMIT 1`).Scan(&code)
	return code, err
}

// publicForm is GET /opinion: the public form (?org=CODE from a poster's
// QR code sends it to that org).
func (f *Feature) publicForm(w http.ResponseWriter, r *http.Request) {
	org := strings.TrimSpace(r.URL.Query().Get("org"))
	if org == "" {
		var err error
		if org, err = f.office(r); err != nil {
			f.srv.Fail(w, r, http.StatusNotFound)
			return
		}
	}
	f.srv.Render(w, r, http.StatusOK, "opinion_form", &formView{Org: org, Form: voice.NewOpinion{Category: "suggestion"},
		Categories: rules.OpinionCategories})
}

func readForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	return r.ParseForm() == nil
}

func formOpinion(r *http.Request) voice.NewOpinion {
	return voice.NewOpinion{Channel: r.PostFormValue("channel"), Category: r.PostFormValue("category"), Urgency: r.PostFormValue("urgency"),
		Content: r.PostFormValue("content"), OrgCode: r.PostFormValue("org"), Name: r.PostFormValue("name"),
		Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email"), PublicOK: r.PostFormValue("public_ok") == "1"}
}

// publicFile is POST /opinion: files it (channel web) and shows the
// receipt: the reference and the private tracking link.
func (f *Feature) publicFile(w http.ResponseWriter, r *http.Request) {
	if !readForm(w, r) {
		f.srv.FailMsg(w, r, http.StatusRequestEntityTooLarge, "voice.too_large")
		return
	}
	n := formOpinion(r)
	n.Channel, n.Urgency = string(rules.ChannelWeb), ""
	if f.limited(f.filings, r) {
		f.srv.Render(w, r, http.StatusTooManyRequests, "opinion_form", &formView{Org: n.OrgCode, Form: n,
			Errors: map[string]string{"content": f.srv.Tr(r).T("voice.too_many")}, Categories: rules.OpinionCategories})
		return
	}
	rc, err := f.v.Receive(r.Context(), n, time.Now(), store.Actor{Username: "public"})
	if fields, ok := shell.RefusedFields(f.srv.Tr(r), err); ok {
		f.srv.Render(w, r, http.StatusUnprocessableEntity, "opinion_form", &formView{Org: n.OrgCode, Form: n, Errors: fields,
			Categories: rules.OpinionCategories})
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	f.filings.Fail(f.srv.ClientIP(r))
	shell.Redirect(w, r, "/opinion/t/"+rc.Token+"?new=1")
}

type trackView struct {
	shell.View
	Token   string
	New     bool
	Ref     string
	State   rules.OpinionState
	Reply   voice.Event
	Replied bool
	CanRate bool
	Rated   bool
	Rating  pingyi.Rating
	Ratings []pingyi.Rating
	Error   string
}

// track is GET /opinion/t/{token}: the person's view (the reply, never
// anyone's personal data); a reply not yet seen is recorded seen; the
// rating is asked for once seen.
func (f *Feature) track(w http.ResponseWriter, r *http.Request) {
	f.trackPage(w, r, http.StatusOK, "")
}

func (f *Feature) trackPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	ctx := r.Context()
	token := r.PathValue("token")
	ref, err := f.v.RefByToken(ctx, token)
	if errors.Is(err, voice.ErrNotFound) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	d, err := f.v.Opinion(ctx, ref)
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	if d.Fold.State == rules.StateAnswered {
		if _, err := f.v.Record(ctx, ref, voice.Change{Kind: rules.EvSeen, ByPerson: true}, time.Now(), store.Actor{Username: "public"}); err == nil {
			d.Fold.State = rules.StateSeen
		}
	}
	v := &trackView{Token: token, New: r.URL.Query().Get("new") == "1", Ref: d.Ref, State: d.Fold.State, Ratings: rules.OpinionRatings, Error: msg}
	v.Reply, v.Replied = d.LastReply()
	v.CanRate = d.Fold.State == rules.StateSeen
	v.Rated, v.Rating = d.Fold.Ratings > 0, d.Fold.Rating
	f.srv.Render(w, r, status, "opinion_track", v)
}

// trackRate is POST /opinion/t/{token}/rate: the person's rating.
func (f *Feature) trackRate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !readForm(w, r) {
		f.srv.FailMsg(w, r, http.StatusRequestEntityTooLarge, "voice.too_large")
		return
	}
	ref, err := f.v.RefByToken(ctx, r.PathValue("token"))
	if errors.Is(err, voice.ErrNotFound) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	if f.limited(f.ratings, r) {
		f.trackPage(w, r, http.StatusTooManyRequests, f.srv.Tr(r).T("voice.too_many"))
		return
	}
	rating, ok := rules.ParseOpinionRating(r.PostFormValue("rating"))
	if !ok {
		f.trackPage(w, r, http.StatusUnprocessableEntity, f.srv.Tr(r).T("voice.rating_required"))
		return
	}
	_, err = f.v.Record(ctx, ref, voice.Change{Kind: rules.EvRate, Rating: rating, ByPerson: true}, time.Now(), store.Actor{Username: "public"})
	var ie *pingyi.InputError
	if errors.As(err, &ie) {
		f.trackPage(w, r, http.StatusConflict, f.srv.Tr(r).T("voice.rating_refused"))
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	f.ratings.Fail(f.srv.ClientIP(r))
	shell.Redirect(w, r, "/opinion/t/"+r.PathValue("token"))
}

type boardView struct {
	shell.View
	Items []voice.BoardItem
}

// board is GET /opinion/board: the answered opinions whose authors agreed
// to it, with the reply, and no personal data.
func (f *Feature) board(w http.ResponseWriter, r *http.Request) {
	items, err := f.v.Board(r.Context(), 50)
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	f.srv.Render(w, r, http.StatusOK, "opinion_board", &boardView{Items: items})
}
