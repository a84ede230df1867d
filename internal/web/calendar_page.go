package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// The working-day calendar's page (SPEC §7): staff read it; administrators
// mark dates one by one or import a file (date,kind[,name]).

type calendarView struct {
	View
	Year       int
	Days       []rules.CalendarDay
	Missing    []int // the current or next year without holidays
	CanEdit    bool
	Errors     []pingyi.FieldError
	Problem    string
	Stats      *store.CalendarStats
	Prev, Next int
}

func (s *Server) calendarView(r *http.Request) (*calendarView, error) {
	now := time.Now()
	year := now.Year()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 1949 && y <= 2200 {
		year = y
	}
	v := &calendarView{Year: year, Prev: year - 1, Next: year + 1, CanEdit: CurrentUser(r).Role == pingyi.RoleAdmin}
	var err error
	if v.Days, err = s.st.CalendarDays(r.Context(), strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"); err != nil {
		return nil, err
	}
	cal, err := s.st.Calendar(r.Context())
	if err != nil {
		return nil, err
	}
	for _, y := range []int{now.Year(), now.Year() + 1} {
		if !cal.HasHolidays(y) {
			v.Missing = append(v.Missing, y)
		}
	}
	return v, nil
}

// calendarPage is GET /calendar[?year=Y].
func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.calendarView(r)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "calendar", v)
}

// calendarSet is POST /calendar (admin): marks a date (kind holiday or
// workday, with a name), or removes its mark (action=delete).
func (s *Server) calendarSet(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.Fail(w, r, http.StatusBadRequest)
		return
	}
	date := r.PostFormValue("date")
	var err error
	if r.PostFormValue("action") == "delete" {
		err = s.st.DeleteCalendarDay(r.Context(), date, ActorOf(r))
		if errors.Is(err, pingyi.ErrNotFound) {
			s.Fail(w, r, http.StatusNotFound)
			return
		}
	} else {
		err = s.st.SetCalendarDay(r.Context(), date, r.PostFormValue("kind"), r.PostFormValue("name"), ActorOf(r))
	}
	var ie *pingyi.InputError
	if errors.As(err, &ie) {
		v, verr := s.calendarView(r)
		if verr != nil {
			s.ServerError(w, r, verr)
			return
		}
		v.Errors = ie.Errors
		s.Render(w, r, http.StatusUnprocessableEntity, "calendar", v)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "calendar.saved")
	year := ""
	if len(date) >= 4 {
		year = "?year=" + date[:4]
	}
	Redirect(w, r, "/calendar"+year)
}

// calendarImport is POST /calendar/import (admin): a calendar file, all
// or nothing.
func (s *Server) calendarImport(w http.ResponseWriter, r *http.Request) {
	t, _, err := ReadUpload(w, r, store.CalendarColumns, store.CalendarOptionalColumns, false)
	var stats store.CalendarStats
	if err == nil {
		stats, err = s.st.ImportCalendar(r.Context(), store.CalendarRows(t), ActorOf(r))
	}
	v, verr := s.calendarView(r)
	if verr != nil {
		s.ServerError(w, r, verr)
		return
	}
	var status int
	status, v.Errors, v.Problem = s.uploadOutcome(r, err)
	if err == nil {
		v.Stats = &stats
	}
	s.Render(w, r, status, "calendar", v)
}
