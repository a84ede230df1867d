package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	shell "github.com/pingyi/pingyi/internal/web"
)

// memberStep is POST /service/needs/{code}/claim, …/cancel and …/complete:
// the member's own step, dated today. Two members claiming at the same
// moment: one wins, the other is told it was taken.
func (f *Feature) memberStep(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m := f.memberOf(w, r, shell.CurrentUser(r))
	if m == nil {
		return
	}
	need, err := f.dr.NeedByCode(ctx, r.PathValue("code"))
	if errors.Is(err, pingyi.ErrNotFound) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	ev := rules.NeedEvent(r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:])
	st := doublereport.Step{Event: ev, On: store.Today(), MemberCode: m.Code}
	back := "/service/communities/" + need.CommunityCode
	if ev == rules.EventComplete {
		h, err := rules.ParseHours(r.PostFormValue("hours"))
		if err != nil || h <= 0 {
			f.srv.Flash(r, "service.flash_bad_hours")
			shell.Redirect(w, r, back)
			return
		}
		st.Hours, st.Note = h, trimmed(r.PostFormValue("note"), 500)
	}
	_, err = f.dr.Apply(ctx, need.Code, st, shell.ActorOf(r))
	switch {
	case err == nil:
		f.srv.Flash(r, "service.flash_"+string(ev))
	case errors.Is(err, doublereport.ErrTaken):
		f.srv.Flash(r, "service.flash_taken")
	case errors.Is(err, doublereport.ErrNotRegistered):
		f.srv.Flash(r, "service.flash_not_registered")
	case errors.Is(err, pingyi.ErrForbidden):
		f.srv.Flash(r, "service.flash_not_claimer")
	case isUserError(err):
		f.srv.Flash(r, "service.flash_refused")
	default:
		f.srv.ServerError(w, r, err)
		return
	}
	shell.Redirect(w, r, back)
}

// confirm is POST /service/needs/{code}/confirm: the community rates a
// completion on behalf of the person served (3-level scale).
func (f *Feature) confirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	need, err := f.dr.NeedByCode(ctx, r.PathValue("code"))
	if err == nil {
		var path string
		if _, _, path, err = f.dr.CommunityOf(ctx, need.CommunityCode); err == nil && !shell.CurrentScope(r).Manages(path) {
			err = pingyi.ErrNotFound
		}
	}
	if errors.Is(err, pingyi.ErrNotFound) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	back := "/service/communities/" + need.CommunityCode
	rating, ok := rules.ConfirmRating(r.PostFormValue("rating"))
	if !ok {
		f.srv.Flash(r, "service.flash_bad_rating")
		shell.Redirect(w, r, back)
		return
	}
	_, err = f.dr.Apply(ctx, need.Code, doublereport.Step{Event: rules.EventConfirm, On: store.Today(), Rating: rating, Note: trimmed(r.PostFormValue("note"), 500)}, shell.ActorOf(r))
	switch {
	case err == nil:
		f.srv.Flash(r, "service.flash_confirm")
	case isUserError(err):
		f.srv.Flash(r, "service.flash_refused")
	default:
		f.srv.ServerError(w, r, err)
		return
	}
	shell.Redirect(w, r, back)
}
