package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/voice"
	shell "github.com/pingyi/pingyi/internal/web"
)

// The opinions API for a hotline or 12345 system (README): every call
// carries "Authorization: Bearer <token>" of a token an administrator
// issued; bodies are JSON of at most 64 KiB.

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

type apiError struct {
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"`
}

// apiToken checks the bearer token; it answers 401 itself when missing or
// not valid.
func (f *Feature) apiToken(w http.ResponseWriter, r *http.Request) (voice.APIToken, bool) {
	secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if ok {
		t, err := f.v.TokenFor(r.Context(), strings.TrimSpace(secret))
		if err == nil {
			return t, true
		}
		if !errors.Is(err, voice.ErrNotFound) {
			writeJSON(w, http.StatusInternalServerError, apiError{Error: "internal error"})
			return t, false
		}
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="pingyi"`)
	writeJSON(w, http.StatusUnauthorized, apiError{Error: "a valid API token is required"})
	return voice.APIToken{}, false
}

// readJSON decodes the body into v (unknown fields refused); false when it
// answered already (413 too large, 400 not JSON).
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		writeJSON(w, http.StatusRequestEntityTooLarge, apiError{Error: "body too large (at most 64 KiB)"})
		return false
	case err != nil && !errors.Is(err, io.EOF):
		writeJSON(w, http.StatusBadRequest, apiError{Error: "not a JSON object of the expected fields: " + err.Error()})
		return false
	}
	return true
}

type apiOpinion struct {
	Channel  string `json:"channel"`
	Category string `json:"category"`
	Urgency  string `json:"urgency"`
	Content  string `json:"content"`
	OrgCode  string `json:"org_code"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
	PublicOK bool   `json:"public_ok"`
}

// apiFile is POST /api/v1/opinions → 201 {"ref", "token", "tracking_url"};
// 401 no valid token; 400 not JSON; 413 too large; 422 bad fields (nothing
// stored). The channel defaults to the token's.
func (f *Feature) apiFile(w http.ResponseWriter, r *http.Request) {
	tok, ok := f.apiToken(w, r)
	if !ok {
		return
	}
	var in apiOpinion
	if !readJSON(w, r, &in) {
		return
	}
	if in.Channel == "" {
		in.Channel = tok.Channel
	}
	rc, err := f.v.Receive(r.Context(), voice.NewOpinion{Channel: in.Channel, Category: in.Category, Urgency: in.Urgency, Content: in.Content,
		OrgCode: in.OrgCode, Name: in.Name, Phone: in.Phone, Email: in.Email, PublicOK: in.PublicOK}, time.Now(), store.Actor{Username: "api:" + tok.Name})
	if fields, ok := shell.RefusedFields(i18n.For("en"), err); ok {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Error: "refused: nothing was stored", Fields: fields})
		return
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "internal error"})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"ref": rc.Ref, "token": rc.Token, "tracking_url": "/opinion/t/" + rc.Token})
}

type apiStatus struct {
	Ref      string `json:"ref"`
	State    string `json:"state"`
	Deadline string `json:"deadline,omitempty"`
	Overdue  bool   `json:"overdue"`
	Reply    *struct {
		Outcome string `json:"outcome"`
		Text    string `json:"text"`
	} `json:"reply,omitempty"`
	Rating string `json:"rating,omitempty"`
}

func (f *Feature) apiOpinion(w http.ResponseWriter, r *http.Request) (*voice.Detail, bool) {
	if _, ok := f.apiToken(w, r); !ok {
		return nil, false
	}
	ref, err := f.v.RefByToken(r.Context(), r.PathValue("token"))
	if err == nil {
		var d *voice.Detail
		if d, err = f.v.Opinion(r.Context(), ref); err == nil {
			return d, true
		}
	}
	if errors.Is(err, voice.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, apiError{Error: "unknown tracking token"})
	} else {
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "internal error"})
	}
	return nil, false
}

func (f *Feature) writeStatus(w http.ResponseWriter, status int, d *voice.Detail) {
	out := apiStatus{Ref: d.Ref, State: string(d.Fold.State), Overdue: d.Fold.Overdue(time.Now()), Rating: string(d.Fold.Rating)}
	if dl := d.Fold.Deadline(); !dl.IsZero() {
		out.Deadline = dl.In(f.v.Loc).Format(voice.TimeLayout)
	}
	if rep, ok := d.LastReply(); ok {
		out.Reply = &struct {
			Outcome string `json:"outcome"`
			Text    string `json:"text"`
		}{string(rep.Outcome), rep.Note}
	}
	writeJSON(w, status, out)
}

// apiTrack is GET /api/v1/track/{token}: state, deadline, reply, rating
// (no personal data); 404 unknown token.
func (f *Feature) apiTrack(w http.ResponseWriter, r *http.Request) {
	if d, ok := f.apiOpinion(w, r); ok {
		f.writeStatus(w, http.StatusOK, d)
	}
}

// apiRecord records the person's seen or rating relayed by the system:
// 200 with the new status; 409 when the ledger does not allow it now.
func (f *Feature) apiRecord(w http.ResponseWriter, r *http.Request, c voice.Change) {
	d, ok := f.apiOpinion(w, r)
	if !ok {
		return
	}
	tok, _ := f.v.TokenFor(r.Context(), strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")))
	_, err := f.v.Record(r.Context(), d.Ref, c, time.Now(), store.Actor{Username: "api:" + tok.Name})
	var ie *pingyi.InputError
	if errors.As(err, &ie) {
		fields, _ := shell.RefusedFields(i18n.For("en"), err)
		writeJSON(w, http.StatusConflict, apiError{Error: "not allowed now: nothing was recorded", Fields: fields})
		return
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "internal error"})
		return
	}
	if d, err = f.v.Opinion(r.Context(), d.Ref); err != nil {
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "internal error"})
		return
	}
	f.writeStatus(w, http.StatusOK, d)
}

// apiSeen is POST /api/v1/track/{token}/seen: the reply was made known.
func (f *Feature) apiSeen(w http.ResponseWriter, r *http.Request) {
	f.apiRecord(w, r, voice.Change{Kind: rules.EvSeen, ByPerson: true})
}

// apiRating is POST /api/v1/track/{token}/rating {"rating": "satisfied"}:
// 422 for a rating not on the 3-level scale.
func (f *Feature) apiRating(w http.ResponseWriter, r *http.Request) {
	if _, ok := f.apiToken(w, r); !ok {
		return
	}
	var in struct {
		Rating string `json:"rating"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	rt, ok := rules.ParseOpinionRating(in.Rating)
	if !ok {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Error: "refused", Fields: map[string]string{"rating": "not satisfied, basically_satisfied or dissatisfied"}})
		return
	}
	f.apiRecord(w, r, voice.Change{Kind: rules.EvRate, Rating: rt, ByPerson: true})
}

type tokensView struct {
	shell.View
	Tokens   []voice.APIToken
	Secret   string
	Channels []rules.Channel
	Errors   map[string]string
}

// tokens is GET /inbox/tokens (admin): the API tokens.
func (f *Feature) tokens(w http.ResponseWriter, r *http.Request) {
	f.renderTokens(w, r, http.StatusOK, "", nil)
}

func (f *Feature) renderTokens(w http.ResponseWriter, r *http.Request, status int, secret string, errs map[string]string) {
	ts, err := f.v.Tokens(r.Context())
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	f.srv.Render(w, r, status, "voice_tokens", &tokensView{Tokens: ts, Secret: secret, Channels: rules.Channels, Errors: errs})
}

// tokenIssue is POST /inbox/tokens (admin): a new token, shown once.
func (f *Feature) tokenIssue(w http.ResponseWriter, r *http.Request) {
	if !readForm(w, r) {
		f.srv.FailMsg(w, r, http.StatusRequestEntityTooLarge, "voice.too_large")
		return
	}
	_, secret, err := f.v.IssueToken(r.Context(), r.PostFormValue("name"), r.PostFormValue("channel"), shell.ActorOf(r))
	if fields, ok := shell.RefusedFields(f.srv.Tr(r), err); ok {
		f.renderTokens(w, r, http.StatusUnprocessableEntity, "", fields)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	f.renderTokens(w, r, http.StatusOK, secret, nil)
}

// tokenRevoke is POST /inbox/tokens/{id}/revoke (admin).
func (f *Feature) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		err = f.v.RevokeToken(r.Context(), id, shell.ActorOf(r))
	}
	if err != nil {
		if errors.Is(err, voice.ErrNotFound) || errors.Is(err, strconv.ErrSyntax) || errors.Is(err, strconv.ErrRange) {
			f.srv.Fail(w, r, http.StatusNotFound)
			return
		}
		f.srv.ServerError(w, r, err)
		return
	}
	f.srv.Flash(r, "voice.token_revoked")
	shell.Redirect(w, r, "/inbox/tokens")
}
