package web

import (
	"errors"
	"net/http"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	shell "github.com/pingyi/pingyi/internal/web"
)

// peerRow is a member of the branch the viewer may rate.
type peerRow struct {
	Member pingyi.Member
	Stars  []pingyi.Star
	Cells  map[string]string // the viewer's rating, or what was typed
	Done   bool
	Errors []string
}

type starPeerView struct {
	shell.View
	Year  int
	Years []int
	Me    *pingyi.Member
	Rows  []peerRow
}

// starPeerPage is GET /stars/peer?year=: peer assessment (互评) — the
// viewer (a member or a secretary, as a member of their branch) rates
// each other member of the branch, star by star.
func (s *Feature) starPeerPage(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	me := s.starMe(w, r)
	if me == nil {
		return
	}
	v, err := s.starPeerData(r, me, year)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "star_peer", v)
}

// starMe is the member the account is (404 for an account that is none).
func (s *Feature) starMe(w http.ResponseWriter, r *http.Request) *pingyi.Member {
	u := shell.CurrentUser(r)
	if u.MemberID == 0 {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	m, _, err := s.st.MemberByID(r.Context(), u.MemberID)
	if errors.Is(err, pingyi.ErrNotFound) {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil
	}
	return m
}

func (s *Feature) starPeerData(r *http.Request, me *pingyi.Member, year int) (*starPeerView, error) {
	ctx := r.Context()
	rs, err := s.st.Rules(ctx, year)
	if err != nil {
		return nil, err
	}
	members, err := s.st.Members(ctx, me.OrgID)
	if err != nil {
		return nil, err
	}
	v := &starPeerView{Year: year, Years: starYears(year), Me: me}
	for _, m := range members {
		if m.ID == me.ID {
			continue
		}
		m.Phone, m.IDNumber = "", ""
		row := peerRow{Member: m, Stars: rs.StarsFor(m.Category), Cells: map[string]string{}}
		list, err := s.st.Assessments(ctx, year, m.Code)
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			if a.Kind == stars.AssessPeer && a.RaterCode == me.Code {
				row.Cells, row.Done = cellsOf(a.Values), true
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// starPeerSave is POST /stars/peer: the viewer's peer assessment of
// member_code (a member of the viewer's branch; anyone else is 404).
func (s *Feature) starPeerSave(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	me := s.starMe(w, r)
	if me == nil {
		return
	}
	target, _, err := s.st.Member(r.Context(), r.PostFormValue("member_code"))
	if errors.Is(err, pingyi.ErrNotFound) || (err == nil && (target.OrgID != me.OrgID || target.ID == me.ID)) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	cells := starCells(r)
	if _, err := s.st.RecordAssessment(r.Context(), year, target.Code, stars.AssessPeer, me.Code, cells, shell.ActorOf(r)); err != nil {
		errs, ok := fieldErrors(s.Tr(r), err)
		if !ok {
			s.ServerError(w, r, err)
			return
		}
		v, err := s.starPeerData(r, me, year)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		for i := range v.Rows {
			if v.Rows[i].Member.Code == target.Code {
				v.Rows[i].Cells, v.Rows[i].Errors = cellsFromForm(cells), s.errorList(r, errs)
			}
		}
		s.Render(w, r, http.StatusUnprocessableEntity, "star_peer", v)
		return
	}
	s.Flash(r, "stars_peer.saved")
	shell.Redirect(w, r, "/stars/peer"+starYearQuery(year)+"#p-"+target.Code)
}
