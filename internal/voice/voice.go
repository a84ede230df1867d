// Package voice is the voice of the masses (群众参与, SPEC §5, seed 004):
// one inbox of opinions (意见建议) from every channel, each an append-only
// ledger of timed events whose time limits run on the working-day calendar
// (SPEC §7, store.Calendar), the ledger import and the three rates of the
// opinions commands (SPEC §6).
//
// Storage (migration 00020): opinions holds each opinion and what its
// ledger folds to; opinion_events the ledger itself, only ever inserted.
// Every change goes through Record (one event) or Import (a file), which
// check the event against rules.OpinionRules, append it, rewrite the fold
// and audit the change.
package voice

import (
	"sync"
	"time"

	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// DefaultZone is the deployment's time zone unless $PINGYI_TZ names
// another (SPEC §6: times are in the deployment's time zone).
const DefaultZone = store.DefaultZone

// Location is the deployment's time zone (the platform's: store.Location).
func Location() (*time.Location, error) { return store.Location() }

// TimeLayout is how the opinions commands write times (local).
const TimeLayout = "2006-01-02 15:04"

// dbTime is how times are stored: RFC 3339 in UTC, to the second (fixed
// width, so that they also compare as text).
const dbTime = "2006-01-02T15:04:05Z"

func fmtDB(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(dbTime)
}

func parseDB(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(dbTime, s)
}

// Voice is the inbox over a store.
type Voice struct {
	S   *store.Store
	Loc *time.Location

	intakeMu sync.RWMutex // held to hand a filing over; taken whole to stop
	intake   chan *filing // set by StartIntake: filings written together (nil: each on its own)
}

// New opens the inbox of st in the deployment's time zone.
func New(st *store.Store) (*Voice, error) {
	loc, err := Location()
	if err != nil {
		return nil, err
	}
	return &Voice{S: st, Loc: loc}, nil
}

// rules returns the ledger's rules on cal.
func (v *Voice) rules(cal *rules.Calendar) rules.OpinionRules {
	return rules.OpinionRules{Cal: cal, Loc: v.Loc}
}

// addCellError adds a rule's bad cell to ie (its format is listed in
// internal/i18n/inputerr.go like those given to Add directly).
func addCellError(ie interface {
	Add(line int, column, format string, args ...any)
}, line int, ce *rules.CellError) {
	ie.Add(line, ce.Column, ce.Format, ce.Args...)
}
