package web

import (
	"net/url"
	"strings"
)

// safeNext returns next if it is a path on this site, else "/". It is where
// the login and the locale switch send the browser back to, taken from the
// request, so it must never lead elsewhere: next must parse as a URL with
// no scheme, host or user; start with one "/" (not "//" nor "/\", which
// browsers read as another host), before and after percent-decoding; and
// hold no backslash and no control character (browsers drop tabs and
// newlines, so "/\t/evil.example" would become "//evil.example").
func safeNext(next string) string {
	if !localPath(next) {
		return "/"
	}
	return next
}

func localPath(next string) bool {
	if next == "" || next[0] != '/' || hasUnsafeRune(next) {
		return false
	}
	if strings.HasPrefix(next, "//") {
		return false
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	dec := u.Path
	if !strings.HasPrefix(dec, "/") || strings.HasPrefix(dec, "//") || hasUnsafeRune(dec) {
		return false
	}
	if q, err := url.QueryUnescape(u.RawQuery); err != nil || hasControl(q) {
		return false
	}
	return true
}

// hasUnsafeRune reports a backslash or a control character in s.
func hasUnsafeRune(s string) bool {
	return strings.ContainsRune(s, '\\') || hasControl(s)
}

// hasControl reports a C0 or C1 control character, DEL, or a Unicode line
// or paragraph separator in s.
func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}
