package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/stars"
	shell "github.com/pingyi/pingyi/internal/web"
)

// Star management (党员星级管理, SPEC §3, seed 003): shared helpers of the
// star pages. The year of a page is the query or form field "year"
// (default: this year).

// starYear is the year of the request; ok is false (and 404 answered) for
// a year the store does not accept.
func (s *Feature) starYear(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := strings.TrimSpace(r.FormValue("year"))
	if v == "" {
		return time.Now().Year(), true
	}
	y, err := strconv.Atoi(v)
	if err != nil || !stars.ValidYear(y) {
		s.Fail(w, r, http.StatusNotFound)
		return 0, false
	}
	return y, true
}

// starYearMember is starYear then starMember: the year and member of a
// member's star page; ok is false once either has answered the request.
func (s *Feature) starYearMember(w http.ResponseWriter, r *http.Request) (int, *starSubject, bool) {
	year, ok := s.starYear(w, r)
	if !ok {
		return 0, nil, false
	}
	subj := s.starMember(w, r)
	if subj == nil {
		return 0, nil, false
	}
	return year, subj, true
}

// starYears lists the years offered by the year selectors: from five years
// back to next year, and y if outside.
func starYears(y int) []int {
	now := time.Now().Year()
	var out []int
	for i := now + 1; i >= now-5; i-- {
		out = append(out, i)
	}
	if y > now+1 || y < now-5 {
		out = append(out, y)
	}
	return out
}

// starSubject is a member a star page is about, and what the viewer may do.
type starSubject struct {
	Member  *pingyi.Member
	Path    string // the member's org path
	Self    bool   // the viewer is this member
	Manages bool   // the viewer manages the member's org (secretary, org admin, admin)
}

// CanEdit reports whether the viewer may change the member's own records
// (goals, logbook, self-assessment).
func (m *starSubject) CanEdit() bool { return m.Self || m.Manages }

// starMember loads the member {code} of the request as the viewer may see
// it: 404 for an unknown member, one outside the scope, and, for member
// accounts, anyone but themselves. Phone and ID number are always cleared
// (no star page shows them).
func (s *Feature) starMember(w http.ResponseWriter, r *http.Request) *starSubject {
	m, path, err := s.st.Member(r.Context(), r.PathValue("code"))
	scope := shell.CurrentScope(r)
	if errors.Is(err, pingyi.ErrNotFound) || (err == nil && !scope.Contains(path)) ||
		(err == nil && scope.MemberID != 0 && scope.MemberID != m.ID) {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil
	}
	m.Phone, m.IDNumber = "", ""
	u := shell.CurrentUser(r)
	return &starSubject{Member: m, Path: path, Self: u != nil && u.MemberID == m.ID, Manages: scope.Manages(path)}
}

// starCells reads the five star fields of a form.
func starCells(r *http.Request) map[pingyi.Star]string {
	cells := make(map[pingyi.Star]string, len(pingyi.Stars))
	for _, st := range pingyi.Stars {
		cells[st] = strings.TrimSpace(r.PostFormValue(string(st)))
	}
	return cells
}

// fieldErrors turns a refusal into field → message in tr's language; ok
// is false for any other error (a server error).
func fieldErrors(tr *i18n.Translator, err error) (map[string]string, bool) {
	return shell.RefusedFields(tr, err)
}

// hasStar reports whether members of category c strive for star st.
func hasStar(c pingyi.Category, st pingyi.Star) bool {
	for _, x := range rules.StarsFor(c) {
		if x == st {
			return true
		}
	}
	return false
}

// publicMemberURL is a member's public page (the door plate's QR code).
func (s *Feature) publicMemberURL(r *http.Request, code string) string {
	return s.BaseURL(r) + "/m/" + url.PathEscape(code)
}

// starYearQuery is "?year=Y" for links.
func starYearQuery(y int) string { return "?year=" + strconv.Itoa(y) }

// monthRange is [first day of the month of t, first day of the next).
func monthRange(t time.Time) (string, string) {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.Local)
	return first.Format("2006-01-02"), first.AddDate(0, 1, 0).Format("2006-01-02")
}

// quarterRange is [first day of quarter q of year y, first day of the next).
func quarterRange(y, q int) (string, string) {
	first := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, time.Local)
	return first.Format("2006-01-02"), first.AddDate(0, 3, 0).Format("2006-01-02")
}

// currentQuarter is the quarter of today if y is this year, else 4 for a
// past year and 1 for a future one.
func currentQuarter(y int) int {
	now := time.Now()
	switch {
	case y < now.Year():
		return 4
	case y > now.Year():
		return 1
	}
	return (int(now.Month())-1)/3 + 1
}

// starPostName is the name of a post: the seed's posts translated, a
// custom post as typed.
func starPostName(tr interface{ T(string, ...any) string }, post string) string {
	if post == "" {
		return ""
	}
	for _, p := range stars.Posts {
		if p == post {
			return tr.T("stars_post." + p)
		}
	}
	return post
}

// isSeedPost reports whether post is one of seed 003's posts.
func isSeedPost(post string) bool {
	for _, p := range stars.Posts {
		if p == post {
			return true
		}
	}
	return false
}
