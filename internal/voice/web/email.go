package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/voice"
	shell "github.com/pingyi/pingyi/internal/web"
)

type emailView struct {
	shell.View
	Unread     []voice.UnreadMail
	CanUpload  bool
	Org        string
	Problem    string
	Categories []rules.OpinionCategory
}

func (f *Feature) renderEmail(w http.ResponseWriter, r *http.Request, status int, problem string) {
	items, err := f.v.UnreadMails(r.Context(), scopePath(r))
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	u := shell.CurrentUser(r)
	v := &emailView{Unread: items, Problem: problem, Categories: rules.OpinionCategories,
		CanUpload: u.Role != pingyi.RoleInspector && u.Role != pingyi.RoleMember}
	if u.OrgID != 0 {
		if o, err := f.v.S.OrgByID(r.Context(), u.OrgID); err == nil {
			v.Org = o.Code
		}
	}
	f.srv.Render(w, r, status, "voice_email", v)
}

// emailPage is GET /inbox/email: the upload of a received .eml, and the
// emails of the subtree that could not be read (kept for staff).
func (f *Feature) emailPage(w http.ResponseWriter, r *http.Request) {
	f.renderEmail(w, r, http.StatusOK, "")
}

// emailUpload is POST /inbox/email: an .eml file (field "file") received
// at org becomes an opinion of channel email with its attachments; one
// that cannot be read is kept and listed (422).
func (f *Feature) emailUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, voice.MaxMail+64<<10)
	file, _, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			f.renderEmail(w, r, http.StatusRequestEntityTooLarge, f.srv.Tr(r).T("voice.too_large"))
			return
		}
		f.renderEmail(w, r, http.StatusBadRequest, f.srv.Tr(r).T("import.no_file"))
		return
	}
	defer file.Close()
	raw, err := io.ReadAll(io.LimitReader(file, voice.MaxMail+1))
	if err != nil || len(raw) > voice.MaxMail {
		f.renderEmail(w, r, http.StatusRequestEntityTooLarge, f.srv.Tr(r).T("voice.too_large"))
		return
	}
	code := strings.TrimSpace(r.PostFormValue("org"))
	o, err := f.v.S.Org(r.Context(), code)
	if err != nil || !shell.CurrentScope(r).Manages(o.Path) {
		f.renderEmail(w, r, http.StatusUnprocessableEntity, f.srv.Tr(r).T("voice.org_outside"))
		return
	}
	cat := r.PostFormValue("category")
	if _, ok := rules.ParseOpinionCategory(cat); !ok {
		cat = ""
	}
	rc, err := f.v.ReceiveEmail(r.Context(), raw, o.Code, cat, time.Now(), shell.ActorOf(r))
	if errors.Is(err, voice.ErrUnreadable) {
		f.renderEmail(w, r, http.StatusUnprocessableEntity, f.srv.Tr(r).T("voice.email_unreadable"))
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	f.srv.Flash(r, "voice.filed")
	shell.Redirect(w, r, "/inbox/"+rc.Ref)
}

// attachment is GET /inbox/{ref}/files/{n}: an attachment of an opinion
// of the viewer's subtree, as a download.
func (f *Feature) attachment(w http.ResponseWriter, r *http.Request) {
	d := f.visible(w, r)
	if d == nil {
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	atts, aerr := f.v.Attachments(r.Context(), d.Ref)
	if aerr != nil {
		f.srv.ServerError(w, r, aerr)
		return
	}
	if err != nil || n < 1 || n > len(atts) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return
	}
	a := atts[n-1]
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", fmt.Sprint(len(a.Data)))
	w.Write(a.Data)
}
