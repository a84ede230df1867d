package web

import (
	"errors"
	"net/http"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	shell "github.com/pingyi/pingyi/internal/web"
)

type communityView struct {
	shell.View
	Code, Name  string
	Manages     bool // staff managing the community: beneficiaries, publish, confirm
	Staff       bool
	IsMember    bool
	Registered  bool  // the member is registered with it today
	MemberID    int64 // the member viewing
	Needs       []doublereport.Need
	Registrants []doublereport.Registrant
	Today       string
}

// community is GET /service/communities/{code}. Staff see communities of
// their subtree (404 outside): the needs with their beneficiaries when
// they manage it, and who is registered (phones only of members they
// manage). A member sees any community's wall (no personal data of the
// people served) with the buttons of their own claims.
func (f *Feature) community(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := shell.CurrentUser(r)
	id, name, path, err := f.dr.CommunityOf(ctx, r.PathValue("code"))
	if errors.Is(err, pingyi.ErrNotFound) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	scope := shell.CurrentScope(r)
	v := &communityView{Code: r.PathValue("code"), Name: name, Today: store.Today()}
	if u.Role == pingyi.RoleMember {
		v.IsMember, v.MemberID = true, u.MemberID
	} else {
		if !scope.Contains(path) {
			f.srv.Fail(w, r, http.StatusNotFound)
			return
		}
		v.Staff, v.Manages = true, scope.Manages(path)
	}
	if v.Needs, err = f.dr.CommunityNeeds(ctx, id, ""); err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	for i := range v.Needs {
		n := &v.Needs[i]
		if !v.Manages {
			n.Beneficiary = ""
		}
		if v.IsMember && n.ClaimerMember != u.MemberID {
			n.ClaimerCode, n.ClaimerName = "", ""
		}
	}
	if v.Staff {
		if v.Registrants, err = f.dr.Registrants(ctx, id, v.Today); err != nil {
			f.srv.ServerError(w, r, err)
			return
		}
		for i := range v.Registrants {
			if !scope.Manages(v.Registrants[i].OrgPath) {
				v.Registrants[i].Phone = ""
			}
		}
	}
	if v.IsMember && u.MemberID != 0 {
		regs, err := f.dr.MemberRegistrations(ctx, u.MemberID)
		if err != nil {
			f.srv.ServerError(w, r, err)
			return
		}
		for _, reg := range regs {
			if reg.CommunityID == id && (rules.Interval{From: reg.RegisteredOn, To: reg.LeftOn}).ActiveOn(v.Today) {
				v.Registered = true
			}
		}
	}
	f.srv.Render(w, r, http.StatusOK, "service_community", v)
}

// publish is POST /service/communities/{code}/needs: the community's staff
// publish a project or a micro-wish (today unless dated).
func (f *Feature) publish(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	code := r.PathValue("code")
	_, _, path, err := f.dr.CommunityOf(ctx, code)
	if errors.Is(err, pingyi.ErrNotFound) || (err == nil && !shell.CurrentScope(r).Manages(path)) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	n := doublereport.Need{CommunityCode: code, Kind: r.PostFormValue("kind"), Title: trimmed(r.PostFormValue("title"), 200),
		PublishedOn: store.Today(), WishType: r.PostFormValue("wish_type"), Beneficiary: trimmed(r.PostFormValue("beneficiary"), 100)}
	if n.Kind == rules.KindProject {
		n.WishType = ""
	}
	_, err = f.dr.Publish(ctx, n, shell.ActorOf(r))
	switch {
	case err == nil:
		f.srv.Flash(r, "service.flash_published")
	case isUserError(err):
		f.srv.Flash(r, "service.flash_bad_need")
	default:
		f.srv.ServerError(w, r, err)
		return
	}
	shell.Redirect(w, r, "/service/communities/"+code)
}
