package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"
)

// rectificationVerify is POST /rectifications/{id}/verify: the superior
// org's verification of an item marked done (passed=yes or no, note). The
// org's own secretary or admin may not verify their own item.
func (s *Feature) rectificationVerify(w http.ResponseWriter, r *http.Request) {
	it := s.loadRect(w, r, parseID(r.PathValue("id")))
	if it == nil {
		return
	}
	if !strictlyAbove(shell.CurrentScope(r), it.OrgPath) {
		s.FailMsg(w, r, http.StatusForbidden, "rectification.err_not_superior")
		return
	}
	passed := r.PostFormValue("passed")
	note := strings.TrimSpace(r.PostFormValue("note"))
	if (passed != "yes" && passed != "no") || len([]rune(note)) > maxText {
		v := s.rectView(r, it)
		v.Errors = map[string]string{"verify": s.Tr(r).T("rectification.err_verify")}
		s.Render(w, r, http.StatusUnprocessableEntity, "rectification", v)
		return
	}
	if it.Status != appraisal.RectDone {
		s.FailMsg(w, r, http.StatusConflict, "rectification.err_not_done")
		return
	}
	if err := s.st.VerifyRectification(r.Context(), it.ID, passed == "yes", note, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "rectification.verified_saved")
	shell.Redirect(w, r, "/rectifications/"+strconv.FormatInt(it.ID, 10))
}
