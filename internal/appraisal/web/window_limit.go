package web

import (
	"sync"
	"time"
)

// Rate limits of the public campaign forms, held in memory (a restart
// forgets them, which is harmless):
//
//   - a window unit's standing QR code (即时评议): one rating per client
//     address per code every windowPerIP, and at most windowPerMinute
//     ratings per code per minute from everyone together (a script cannot
//     flood a unit's daily aggregate);
//   - objections (异议) on a publicity page: objectionsPerHour per client
//     address.
const (
	windowPerIP       = 10 * time.Minute
	windowPerMinute   = 60
	objectionsPerHour = 5
)

type campaignLimits struct {
	mu           sync.Mutex   // makes check-then-count of two windows atomic
	windowIP     *fixedWindow // key: ip|code, 1 per windowPerIP
	windowCode   *fixedWindow // key: code, windowPerMinute per minute
	objectionsIP *fixedWindow // key: ip, objectionsPerHour per hour
}

// Why a window rating is refused.
const (
	limitOK   = ""
	limitIP   = "ip"   // this address rated this code a moment ago
	limitBusy = "busy" // too many ratings of this code this minute
)

// allowWindow counts a rating of a standing code from ip, or tells why
// not (limitIP, limitBusy).
func (l *campaignLimits) allowWindow(ip, code string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.windowIP.full(ip + "|" + code) {
		return limitIP
	}
	if l.windowCode.full(code) {
		return limitBusy
	}
	l.windowIP.add(ip + "|" + code)
	l.windowCode.add(code)
	return limitOK
}

// allowObjection reports whether ip may file another objection now.
func (l *campaignLimits) allowObjection(ip string) bool {
	return !l.objectionsIP.full(ip)
}

// countObjection counts one objection filed from ip.
func (l *campaignLimits) countObjection(ip string) { l.objectionsIP.add(ip) }

func newCampaignLimits() *campaignLimits {
	return &campaignLimits{
		windowIP:     newFixedWindow(1, windowPerIP),
		windowCode:   newFixedWindow(windowPerMinute, time.Minute),
		objectionsIP: newFixedWindow(objectionsPerHour, time.Hour),
	}
}

// fixedWindow allows max events per key in each window that starts with
// the key's first event.
type fixedWindow struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	m      map[string]*windowCount
	now    func() time.Time // tests move the clock
}

type windowCount struct {
	start time.Time
	n     int
}

func newFixedWindow(max int, window time.Duration) *fixedWindow {
	return &fixedWindow{max: max, window: window, m: map[string]*windowCount{}, now: time.Now}
}

// full reports whether key has used up its window (without counting).
func (f *fixedWindow) full(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.m[key]
	return c != nil && f.now().Sub(c.start) < f.window && c.n >= f.max
}

// add counts one event of key.
func (f *fixedWindow) add(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	c := f.m[key]
	if c == nil || now.Sub(c.start) >= f.window {
		if len(f.m) >= 50000 {
			f.sweep(now)
		}
		f.m[key] = &windowCount{start: now, n: 1}
		return
	}
	c.n++
}

// sweep forgets the keys whose window has passed (the map stays bounded
// by the number of clients in one window).
func (f *fixedWindow) sweep(now time.Time) {
	for k, c := range f.m {
		if now.Sub(c.start) >= f.window {
			delete(f.m, k)
		}
	}
}
