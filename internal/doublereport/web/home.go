package web

import (
	"net/http"
	"strconv"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	shell "github.com/pingyi/pingyi/internal/web"
)

type homeView struct {
	shell.View
	IsMember      bool
	Member        *pingyi.Member
	Current       *doublereport.Registration // active today
	Registrations []doublereport.Registration
	Communities   []doublereport.CommunitySummary
	Record        doublereport.FeedbackRow
	Hours         string
	Year          int
	Today         string
	OrgCode       string // staff: their org, for the tables
}

// home is GET /service: a member's registration, record and the
// communities to register with; staff's communities with their needs.
func (f *Feature) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := shell.CurrentUser(r)
	today := store.Today()
	v := &homeView{Today: today}
	v.Year, _ = strconv.Atoi(today[:4])
	var err error
	if u.Role == pingyi.RoleMember {
		v.IsMember = true
		if u.MemberID != 0 {
			if v.Member, _, err = f.st.MemberByID(ctx, u.MemberID); err != nil {
				f.srv.ServerError(w, r, err)
				return
			}
			if v.Registrations, err = f.dr.MemberRegistrations(ctx, u.MemberID); err != nil {
				f.srv.ServerError(w, r, err)
				return
			}
			for i := range v.Registrations {
				reg := &v.Registrations[i]
				if reg.RegisteredOn <= today && (reg.LeftOn == "" || today < reg.LeftOn) {
					v.Current = reg
				}
			}
			if v.Record, err = f.dr.MemberRecord(ctx, u.MemberID, v.Year); err != nil {
				f.srv.ServerError(w, r, err)
				return
			}
			v.Hours = doublereport.HoursText(v.Record.Hours)
		}
		// Any community may be picked from the tree: names and counts only.
		if v.Communities, err = f.dr.Communities(ctx, "", today); err != nil {
			f.srv.ServerError(w, r, err)
			return
		}
	} else {
		if v.Communities, err = f.dr.Communities(ctx, shell.CurrentScope(r).Path, today); err != nil {
			f.srv.ServerError(w, r, err)
			return
		}
		if u.OrgID != 0 {
			if o, err := f.st.OrgByID(ctx, u.OrgID); err == nil {
				v.OrgCode = o.Code
			}
		}
	}
	f.srv.Render(w, r, http.StatusOK, "service_home", v)
}

// register is POST /service/register: the member registers with a
// community from today (ending a registration elsewhere).
func (f *Feature) register(w http.ResponseWriter, r *http.Request) {
	u := shell.CurrentUser(r)
	m := f.memberOf(w, r, u)
	if m == nil {
		return
	}
	comm := r.PostFormValue("community_code")
	if comm == "" {
		f.srv.Flash(r, "service.flash_pick_community")
		shell.Redirect(w, r, "/service")
		return
	}
	_, err := f.dr.Register(r.Context(), m.Code, comm, store.Today(), trimmed(r.PostFormValue("grid"), 100), trimmed(r.PostFormValue("skills"), 500), shell.ActorOf(r))
	switch {
	case err == nil:
		f.srv.Flash(r, "service.flash_registered")
	case isUserError(err):
		f.srv.Flash(r, "service.flash_register_refused")
	default:
		f.srv.ServerError(w, r, err)
		return
	}
	shell.Redirect(w, r, "/service")
}

// memberOf is the member of a member account (403 without one).
func (f *Feature) memberOf(w http.ResponseWriter, r *http.Request, u *pingyi.User) *pingyi.Member {
	if u == nil || u.MemberID == 0 {
		f.srv.Fail(w, r, http.StatusForbidden)
		return nil
	}
	m, _, err := f.st.MemberByID(r.Context(), u.MemberID)
	if err != nil {
		f.srv.ServerError(w, r, err)
		return nil
	}
	return m
}
