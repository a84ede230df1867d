package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// lookupWindow resolves the standing code of the request (window units,
// 即时评议): nil (after answering) when unknown or the campaign is not
// open.
func (s *Feature) lookupWindow(w http.ResponseWriter, r *http.Request) *appraisal.WindowInfo {
	wi, err := s.st.LookupWindow(r.Context(), r.PathValue("code"))
	if errors.Is(err, pingyi.ErrNotFound) {
		s.renderPhone(w, r, http.StatusNotFound, &phoneView{Screen: "unknown"})
		return nil
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil
	}
	switch appraisal.State(wi.Campaign, time.Now()) {
	case appraisal.StateNotOpen:
		s.renderPhone(w, r, http.StatusForbidden, &phoneView{Screen: "not_open", Test: wi.Campaign.TestMode, Campaign: wi.Campaign.Name,
			Unit: wi.Org.Name, Day: localTime(wi.Campaign.Opens)})
		return nil
	case appraisal.StateClosed:
		s.renderPhone(w, r, http.StatusGone, &phoneView{Screen: "closed", Test: wi.Campaign.TestMode, Campaign: wi.Campaign.Name, Unit: wi.Org.Name})
		return nil
	}
	return wi
}

func windowView(wi *appraisal.WindowInfo, screen string) *phoneView {
	return &phoneView{Screen: screen, Test: wi.Campaign.TestMode, Campaign: wi.Campaign.Name, Unit: wi.Org.Name,
		Code: wi.Code, Action: "/w/" + wi.Code, Levels: wi.Campaign.Scale.Levels(), Minutes: int(windowPerIP / time.Minute)}
}

// windowPage is GET /w/{code}: the one-tap rating page of a window unit's
// standing QR code: one big button per level, each a submit button of a
// plain form.
func (s *Feature) windowPage(w http.ResponseWriter, r *http.Request) {
	wi := s.lookupWindow(w, r)
	if wi == nil {
		return
	}
	s.renderPhone(w, r, http.StatusOK, windowView(wi, "window"))
}

// windowRate is POST /w/{code}: one instant rating into the unit's daily
// aggregate (store.RateWindow). One rating per client address and code
// every windowPerIP, and at most windowPerMinute per code per minute;
// beyond that a friendly 429.
func (s *Feature) windowRate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	wi := s.lookupWindow(w, r)
	if wi == nil {
		return
	}
	rating, ok := pingyi.ParseRating(r.PostFormValue("rating"))
	if !ok || rating == pingyi.Abstain || !wi.Campaign.Scale.Allows(rating) {
		v := windowView(wi, "window")
		v.Error = s.Tr(r).T("window.err_rating")
		s.renderPhone(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	switch s.limits.allowWindow(s.ClientIP(r), wi.Code) {
	case limitIP:
		w.Header().Set("Retry-After", strconv.Itoa(int(windowPerIP/time.Second)))
		s.renderPhone(w, r, http.StatusTooManyRequests, windowView(wi, "window_limited"))
		return
	case limitBusy:
		w.Header().Set("Retry-After", "60")
		s.renderPhone(w, r, http.StatusTooManyRequests, windowView(wi, "window_busy"))
		return
	}
	if err := s.st.RateWindow(r.Context(), wi, rating); errors.Is(err, appraisal.ErrCampaignClosed) {
		s.renderPhone(w, r, http.StatusGone, windowView(wi, "closed"))
		return
	} else if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.renderPhone(w, r, http.StatusOK, windowView(wi, "window_done"))
}

// windowQR is GET /campaigns/{code}/units/{org}/window.png: the standing
// QR code of a window unit, to print and put up at the counter (made the
// first time it is asked for). ?size= in pixels (default 512, 128–2048).
func (s *Feature) windowQR(w http.ResponseWriter, r *http.Request) {
	c, u := s.unitForChange(w, r)
	if c == nil {
		return
	}
	code, err := s.st.WindowCode(r.Context(), c, u.Code, shell.ActorOf(r))
	if err != nil {
		if _, refused := inputErrors(s.Tr(r), err); refused {
			s.Fail(w, r, http.StatusNotFound)
			return
		}
		s.ServerError(w, r, err)
		return
	}
	size := 512
	if n, err := strconv.Atoi(r.URL.Query().Get("size")); err == nil && n >= 128 && n <= 2048 {
		size = n
	}
	png, err := qrcode.Encode(windowURL(s.BaseURL(r), code), qrcode.Medium, size)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="window-`+shell.ASCIIName(c.Code+"-"+u.Code)+`.png"`)
	}
	w.Write(png)
}
