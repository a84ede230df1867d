package auth

import (
	"strings"
	"sync"
	"time"
)

// LoginLimiter slows password guessing without letting anyone lock others
// out (in memory, per process). Three counts of failures in a sliding
// Window:
//
//   - per address and username: after PairFree failures, each further
//     attempt waits PairBase, doubling with every failure up to PairMax
//     (backoff, not a wall): the guesser at one address is slowed at once;
//   - per address: after AddrMax failures (a whole office behind one NAT
//     address typing wrong passwords), the address waits until its oldest
//     failure leaves the window — high enough that one clumsy colleague
//     never blocks the office;
//   - per username, from every address: after UserMax failures, attempts
//     from an address that has not logged in as that user before are
//     spaced UserSpacing apart — a spread-out guess is slowed, while the
//     account's owner, at an address they logged in from within KnownFor,
//     is not held back at all: typing wrong passwords at `admin` from
//     outside never locks out the administrator.
//
// Unlock (an administrator's action) forgets a username's failures.
type LoginLimiter struct {
	Window      time.Duration
	PairFree    int
	PairBase    time.Duration
	PairMax     time.Duration
	AddrMax     int
	UserMax     int
	UserSpacing time.Duration
	KnownFor    time.Duration
	Now         func() time.Time // the clock (tests move it)

	mu        sync.Mutex
	fails     map[string][]time.Time // key → failure times in the window, oldest first
	known     map[string]time.Time   // address|username → last success
	lastUser  map[string]time.Time   // username → last attempt from an unknown address
	lastSweep time.Time
}

// NewLoginLimiter has the defaults: a 15-minute window; 5 free failures
// per address and username, then 30 s doubling up to 15 minutes; 50 per
// address; 20 per username, then one attempt every 2 s from unknown
// addresses; addresses known for 30 days.
func NewLoginLimiter() *LoginLimiter {
	return &LoginLimiter{
		Window: 15 * time.Minute, PairFree: 5, PairBase: 30 * time.Second, PairMax: 15 * time.Minute,
		AddrMax: 50, UserMax: 20, UserSpacing: 2 * time.Second, KnownFor: 30 * 24 * time.Hour,
		Now: time.Now, fails: map[string][]time.Time{}, known: map[string]time.Time{}, lastUser: map[string]time.Time{},
	}
}

func pairKey(addr, user string) string { return "p:" + addr + "|" + user }
func addrKey(addr string) string       { return "a:" + addr }
func userKey(user string) string       { return "u:" + user }

// recent drops the failures of key older than the window; l.mu is held.
func (l *LoginLimiter) recent(key string, now time.Time) []time.Time {
	return recentIn(l.fails, key, now, l.Window)
}

// Wait is how long a login as user from addr must wait (0: go ahead).
// username is compared case-insensitively.
func (l *LoginLimiter) Wait(addr, user string) time.Duration {
	user = strings.ToLower(user)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	var wait time.Duration
	longer := func(d time.Duration) {
		if d > wait {
			wait = d
		}
	}
	if ts := l.recent(pairKey(addr, user), now); len(ts) >= l.PairFree {
		backoff := l.PairBase << min(len(ts)-l.PairFree, 20)
		longer(ts[len(ts)-1].Add(min(backoff, l.PairMax)).Sub(now))
	}
	if ts := l.recent(addrKey(addr), now); len(ts) >= l.AddrMax {
		longer(ts[len(ts)-l.AddrMax].Add(l.Window).Sub(now))
	}
	if !l.isKnown(addr, user, now) {
		if ts := l.recent(userKey(user), now); len(ts) >= l.UserMax {
			if last, ok := l.lastUser[user]; ok {
				longer(last.Add(l.UserSpacing).Sub(now))
			}
		}
	}
	return wait
}

func (l *LoginLimiter) isKnown(addr, user string, now time.Time) bool {
	t, ok := l.known[addr+"|"+user]
	return ok && now.Sub(t) < l.KnownFor
}

// Fail records a failed login as user from addr.
func (l *LoginLimiter) Fail(addr, user string) {
	user = strings.ToLower(user)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	if now.Sub(l.lastSweep) >= l.Window/4 {
		l.sweep(now)
	}
	keep := map[string]int{pairKey(addr, user): 64, addrKey(addr): l.AddrMax, userKey(user): l.UserMax}
	for k, max := range keep {
		ts := append(l.recent(k, now), now)
		if len(ts) > max { // only the last max matter
			ts = append(ts[:0], ts[len(ts)-max:]...)
		}
		l.fails[k] = ts
	}
	if !l.isKnown(addr, user, now) {
		l.lastUser[user] = now
	}
}

// Succeed records a login as user from addr: the pair's failures are
// forgotten and the address is known for the user.
func (l *LoginLimiter) Succeed(addr, user string) {
	user = strings.ToLower(user)
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, pairKey(addr, user))
	l.known[addr+"|"+user] = l.Now()
}

// Unlock forgets every failure for username (an administrator's action).
func (l *LoginLimiter) Unlock(user string) {
	user = strings.ToLower(user)
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, userKey(user))
	delete(l.lastUser, user)
	suffix := "|" + user
	for k := range l.fails {
		if strings.HasPrefix(k, "p:") && strings.HasSuffix(k, suffix) {
			delete(l.fails, k)
		}
	}
}

// Failures is the number of failed logins as username in the window, from
// every address (for the account page).
func (l *LoginLimiter) Failures(user string) int {
	user = strings.ToLower(user)
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	now := l.Now()
	suffix := "|" + user
	for k := range l.fails {
		if strings.HasPrefix(k, "p:") && strings.HasSuffix(k, suffix) {
			n += len(l.recent(k, now))
		}
	}
	return n
}

// Len is the number of keys held (for tests).
func (l *LoginLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.fails) + len(l.lastUser)
}

func (l *LoginLimiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, ts := range l.fails {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.Window {
			delete(l.fails, k)
		}
	}
	for k, t := range l.lastUser {
		if now.Sub(t) >= l.Window {
			delete(l.lastUser, k)
		}
	}
	for k, t := range l.known {
		if now.Sub(t) >= l.KnownFor {
			delete(l.known, k)
		}
	}
}
