package auth

import (
	"sync"
	"time"
)

// Limiter counts failures per key (a client IP, a form) in a
// sliding window, in memory. A key with Max failures in the last Window is
// blocked until the oldest of them leaves the window. Stale keys are swept
// as failures arrive, so the memory stays bounded by the failures of one
// window.
type Limiter struct {
	Max    int
	Window time.Duration
	Now    func() time.Time // the clock (tests move it)

	mu        sync.Mutex
	fails     map[string][]time.Time
	lastSweep time.Time
}

// NewLimiter returns a limiter allowing max failures per window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{Max: max, Window: window, Now: time.Now, fails: map[string][]time.Time{}}
}

// recent drops the failures of key older than the window; l.mu is held.
func (l *Limiter) recent(key string, now time.Time) []time.Time {
	return recentIn(l.fails, key, now, l.Window)
}

// recentIn drops from fails[key] the times older than window before now
// (the key too when none is left) and returns what remains, oldest first.
func recentIn(fails map[string][]time.Time, key string, now time.Time, window time.Duration) []time.Time {
	ts := fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= window {
		i++
	}
	if i == len(ts) {
		delete(fails, key)
		return nil
	}
	if i > 0 {
		ts = append(ts[:0], ts[i:]...)
		fails[key] = ts
	}
	return ts
}

// Blocked reports whether any of keys is blocked, and for how long at most.
func (l *Limiter) Blocked(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	var wait time.Duration
	for _, k := range keys {
		ts := l.recent(k, now)
		if len(ts) >= l.Max {
			if w := ts[len(ts)-l.Max].Add(l.Window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait > 0, wait
}

// Fail records one failure for each key.
func (l *Limiter) Fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	if now.Sub(l.lastSweep) >= l.Window/4 {
		l.sweep(now)
	}
	for _, k := range keys {
		ts := l.recent(k, now)
		ts = append(ts, now)
		if len(ts) > l.Max { // only the last Max matter
			ts = append(ts[:0], ts[len(ts)-l.Max:]...)
		}
		l.fails[k] = ts
	}
}

// Reset forgets the failures of keys (after a successful login).
func (l *Limiter) Reset(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		delete(l.fails, k)
	}
}

// Len is the number of keys held (for tests).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.fails)
}

func (l *Limiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, ts := range l.fails {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.Window {
			delete(l.fails, k)
		}
	}
}
