package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// RetryAfter is what a 503 tells the client to wait, in seconds.
const RetryAfter = 30

// unavailableLog logs a database that cannot store (store.Unavailable)
// once a minute, with the number of requests refused since the last line,
// instead of a line per refused ballot.
var unavailableLog struct {
	mu      sync.Mutex
	last    time.Time
	refused int
}

// unavailableEvery is how often the condition is logged while it lasts.
const unavailableEvery = time.Minute

// unavailable sets Retry-After on a 503 and, for a database that cannot
// store, notes the refusal in the log of the minute.
func unavailable(w http.ResponseWriter, r *http.Request, err error, name string) {
	w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	if name != "unavailable" {
		return
	}
	l := &unavailableLog
	l.mu.Lock()
	l.refused++
	now := time.Now()
	if !l.last.IsZero() && now.Sub(l.last) < unavailableEvery {
		l.mu.Unlock()
		return
	}
	n := l.refused
	l.refused, l.last = 0, now
	l.mu.Unlock()
	slog.Error("database cannot store: ballots refused with 503 (logged once a minute while it lasts)",
		"route", r.Pattern, "refused", n, "err", err) // the pattern: the path holds a code or a receipt
}
