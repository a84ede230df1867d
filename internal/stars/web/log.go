package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	shell "github.com/pingyi/pingyi/internal/web"
)

// logForm is a logbook entry as typed.
type logForm struct {
	Day, Kind, Served, People, Content string
}

type starLogView struct {
	shell.View
	Year     int
	Years    []int
	S        *starSubject
	Kinds    []string
	Entries  []stars.LogEntry
	Form     logForm
	Errors   map[string]string
	ErrList  []string
	LogMonth int
	Today    string
}

// starLogPage is GET /stars/members/{code}/log?year=: the member's
// logbook (纪实) — a new entry form first (it is filled in on a phone),
// then the year's entries, newest first.
func (s *Feature) starLogPage(w http.ResponseWriter, r *http.Request) {
	year, subj, ok := s.starYearMember(w, r)
	if !ok {
		return
	}
	s.renderStarLog(w, r, subj, year, http.StatusOK, logForm{}, nil)
}

func (s *Feature) renderStarLog(w http.ResponseWriter, r *http.Request, subj *starSubject, year, status int, f logForm, errs map[string]string) {
	today := time.Now().Format("2006-01-02")
	if f.Day == "" {
		f.Day = today
		if year != time.Now().Year() {
			f.Day = strconv.Itoa(year) + "-12-31"
		}
	}
	if f.Kind == "" {
		f.Kind = stars.LogHouseholdService
		if !hasStar(subj.Member.Category, pingyi.StarJointService) {
			f.Kind = stars.LogServiceActivity
		}
	}
	v := &starLogView{Year: year, Years: starYears(year), S: subj, Kinds: stars.LogKinds, Form: f, Errors: errs, Today: today,
		ErrList: s.errorList(r, errs)}
	var err error
	v.Entries, err = s.st.Log(r.Context(), pingyi.Scope{Path: subj.Path, MemberID: subj.Member.ID}, stars.LogFilter{MemberCode: subj.Member.Code, Year: year})
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	from, to := monthRange(time.Now())
	for _, e := range v.Entries {
		if e.Day >= from && e.Day < to {
			v.LogMonth++
		}
	}
	s.Render(w, r, status, "star_log", v)
}

// starLogAdd is POST /stars/members/{code}/log (multipart, photo
// optional): the member adds to their own logbook, whoever manages the
// branch to any of its members'. Another member's logbook is 404.
func (s *Feature) starLogAdd(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, stars.MaxPhotoBytes+1<<20)
	if err := r.ParseMultipartForm(stars.MaxPhotoBytes + 1<<20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.Fail(w, r, http.StatusRequestEntityTooLarge)
			return
		}
		s.Fail(w, r, http.StatusBadRequest)
		return
	}
	year, subj, ok := s.starYearMember(w, r)
	if !ok {
		return
	}
	if !subj.CanEdit() {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	f := logForm{Day: strings.TrimSpace(r.FormValue("day")), Kind: r.FormValue("kind"), Served: r.FormValue("served"),
		People: strings.TrimSpace(r.FormValue("people")), Content: r.FormValue("content")}
	e := &stars.LogEntry{MemberCode: subj.Member.Code, Day: f.Day, Kind: f.Kind, Served: f.Served, Content: f.Content}
	errs := map[string]string{}
	if f.People != "" {
		n, err := strconv.Atoi(f.People)
		if err != nil || n < 0 {
			errs["people"] = s.Tr(r).T("stars_log.err_people")
		}
		e.People = n
	}
	if file, _, err := r.FormFile("photo"); err == nil {
		e.Photo, err = io.ReadAll(io.LimitReader(file, stars.MaxPhotoBytes+1))
		file.Close()
		if err != nil {
			s.Fail(w, r, http.StatusBadRequest)
			return
		}
	}
	if len(errs) > 0 {
		s.renderStarLog(w, r, subj, year, http.StatusUnprocessableEntity, f, errs)
		return
	}
	if err := s.st.AddLogEntry(r.Context(), e, shell.ActorOf(r)); err != nil {
		fe, ok := fieldErrors(s.Tr(r), err)
		if !ok {
			s.ServerError(w, r, err)
			return
		}
		s.renderStarLog(w, r, subj, year, http.StatusUnprocessableEntity, f, fe)
		return
	}
	s.Flash(r, "stars_log.added")
	y := year
	if d, err := time.Parse("2006-01-02", e.Day); err == nil {
		y = d.Year()
	}
	shell.Redirect(w, r, "/stars/members/"+subj.Member.Code+"/log"+starYearQuery(y))
}

// starLogEntryFor loads the entry {id} if the viewer may see it (404
// otherwise): in the subtree, and a member's own only.
func (s *Feature) starLogEntryFor(w http.ResponseWriter, r *http.Request) (*stars.LogEntry, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.Fail(w, r, http.StatusNotFound)
		return nil, false
	}
	e, err := s.st.LogEntry(r.Context(), id)
	if errors.Is(err, pingyi.ErrNotFound) {
		s.Fail(w, r, http.StatusNotFound)
		return nil, false
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil, false
	}
	scope := shell.CurrentScope(r)
	if !scope.Contains(e.OrgPath) {
		s.Fail(w, r, http.StatusNotFound)
		return nil, false
	}
	self := false
	if u := shell.CurrentUser(r); u != nil && u.MemberID != 0 {
		if m, _, err := s.st.MemberByID(r.Context(), u.MemberID); err == nil && m.Code == e.MemberCode {
			self = true
		}
	}
	if scope.MemberID != 0 && !self {
		s.Fail(w, r, http.StatusNotFound)
		return nil, false
	}
	return e, self || scope.Manages(e.OrgPath)
}

// starLogPhoto is GET /stars/log/{id}/photo.
func (s *Feature) starLogPhoto(w http.ResponseWriter, r *http.Request) {
	e, _ := s.starLogEntryFor(w, r)
	if e == nil {
		return
	}
	data, mime, _, err := s.st.LogPhoto(r.Context(), e.ID)
	if errors.Is(err, pingyi.ErrNotFound) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", mime)
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; frame-ancestors 'none'") // frame-ancestors: default-src does not cover it
	w.Write(data)
}

// starLogDelete is POST /stars/log/{id}/delete: the member's own entry,
// or any entry of a branch one manages.
func (s *Feature) starLogDelete(w http.ResponseWriter, r *http.Request) {
	e, canEdit := s.starLogEntryFor(w, r)
	if e == nil {
		return
	}
	if !canEdit {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if err := s.st.DeleteLogEntry(r.Context(), e.ID, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "stars_log.deleted")
	y := e.Day
	if len(y) >= 4 {
		y = y[:4]
	}
	shell.Redirect(w, r, "/stars/members/"+e.MemberCode+"/log?year="+y)
}
