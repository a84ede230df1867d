package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	shell "github.com/pingyi/pingyi/internal/web"
)

// The branch star page's part of the year-end publicity (三评两公开):
// objections filed on the public page /m/org/{code}, answered here by
// whoever manages the branch; and the secretary's half-year debrief to the
// street or park committee (半年预评), whose comment only a superior scope
// (the street or park committee: an account whose subtree strictly contains
// the branch) writes.

// superiorOf reports whether scope manages the org at orgPath from above
// (its subtree strictly contains the org).
func superiorOf(scope pingyi.Scope, orgPath string) bool {
	return scope.Manages(orgPath) && scope.Path != orgPath
}

// starOrgPublicity fills the objections and the debrief of v.
func (s *Feature) starOrgPublicity(r *http.Request, v *starOrgView) error {
	ctx := r.Context()
	scope := shell.CurrentScope(r)
	objs, err := s.st.Objections(ctx, v.Year, v.Org.ID)
	if err != nil {
		return err
	}
	for i := range objs {
		if !v.Manages {
			objs[i].Contact = ""
		}
	}
	v.Objections = objs
	d, err := s.st.Debrief(ctx, v.Year, v.Org.Code)
	switch {
	case err == nil:
		v.Debrief = d
	case !errors.Is(err, pingyi.ErrNotFound):
		return err
	}
	v.CanComment = superiorOf(scope, v.Org.Path)
	return nil
}

// starObjectionAnswer is POST /stars/orgs/{code}/objections/{id}: whoever
// manages the branch answers an objection (field answer); the answer shows
// on the public page.
func (s *Feature) starObjectionAnswer(w http.ResponseWriter, r *http.Request) {
	o := s.VisibleOrg(w, r, r.PathValue("code"))
	if o == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || !shell.CurrentScope(r).Manages(o.Path) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	obj, err := s.st.ObjectionByID(r.Context(), id)
	if errors.Is(err, pingyi.ErrNotFound) || (err == nil && obj.OrgCode != o.Code) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if err := s.st.AnswerObjection(r.Context(), id, r.PostFormValue("answer"), shell.ActorOf(r)); err != nil {
		if _, ok := fieldErrors(s.Tr(r), err); ok {
			s.Fail(w, r, http.StatusUnprocessableEntity)
			return
		}
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "stars_org.objection_answered_flash")
	shell.Redirect(w, r, "/stars/orgs/"+o.Code+starYearQuery(obj.Year)+"#objections")
}

// starDebriefSave is POST /stars/orgs/{code}/debrief: the debrief of the
// year (fields debrief, held_day) by whoever manages the branch; the
// committee's comment (field comment) is taken only from a superior scope.
func (s *Feature) starDebriefSave(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	o := s.VisibleOrg(w, r, r.PathValue("code"))
	if o == nil {
		return
	}
	scope := shell.CurrentScope(r)
	if !scope.Manages(o.Path) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	var comment *string
	if superiorOf(scope, o.Path) {
		c := r.PostFormValue("comment")
		comment = &c
	}
	debrief, day := r.PostFormValue("debrief"), r.PostFormValue("held_day")
	_, err := s.st.SaveDebrief(r.Context(), year, o.Code, debrief, day, comment, shell.ActorOf(r))
	if errs, ok := fieldErrors(s.Tr(r), err); ok {
		v, err := s.starOrgData(r, o, year)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		d := &stars.Debrief{Year: year, OrgCode: o.Code, Debrief: debrief, HeldDay: day}
		if v.Debrief != nil {
			d.Comment = v.Debrief.Comment
		}
		if comment != nil {
			d.Comment = *comment
		}
		v.Debrief, v.DebriefErrors = d, s.debriefErrorList(r, errs)
		s.Render(w, r, http.StatusUnprocessableEntity, "star_org", v)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "stars_org.debrief_saved")
	shell.Redirect(w, r, "/stars/orgs/"+o.Code+starYearQuery(year)+"#debrief")
}

// debriefErrorList names the fields of a refused debrief.
func (s *Feature) debriefErrorList(r *http.Request, errs map[string]string) []string {
	tr := s.Tr(r)
	names := map[string]string{"debrief": "stars_org.debrief_text", "held_day": "stars_org.debrief_day", "comment": "stars_org.debrief_comment"}
	var out []string
	for _, col := range []string{"debrief", "held_day", "comment"} {
		if msg, ok := errs[col]; ok {
			out = append(out, tr.T(names[col])+": "+msg)
		}
	}
	return out
}
