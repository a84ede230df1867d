package tabular

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// The caps on text, in characters (runes), the same at import and in
// forms, documented here in one place:
//
//	code (org, member, campaign)          MaxCodeLen   64, code alphabet below
//	name of an org or a member, a title   MaxNameLen   200
//	short text: units, places, contacts   MaxShortLen  200
//	notes, answers, opinions, comments    MaxNoteLen   2000
//	any other form field                  MaxFieldLen  10000
const (
	MaxCodeLen  = 64
	MaxNameLen  = 200
	MaxShortLen = 200
	MaxNoteLen  = 2000
	MaxFieldLen = 10000
)

// ValidCode reports whether s may be an org, member or campaign code: 1 to
// MaxCodeLen characters, ASCII letters, digits, '-', '_' and '.', starting
// with a letter or a digit. Such a code is safe in a URL, a file name and a
// spreadsheet cell (it never starts with '=', '+', '-' or '@'). The demo's
// codes (NB01CX0101V01, M000123) and the SPEC's examples (M0001) are codes.
func ValidCode(s string) bool {
	if s == "" || len(s) > MaxCodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case i > 0 && (c == '-' || c == '_' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// CheckCode adds a problem to bad when a non-empty v is not a code.
func CheckCode(bad *pingyi.InputError, line int, column, v string) {
	if v != "" && !ValidCode(v) && !strings.ContainsFunc(v, isControl) {
		bad.Add(line, column, "not a code: %q (1 to %d letters A–Z, digits, '-', '_' or '.', starting with a letter or a digit)", Clip(v, 20), MaxCodeLen)
	}
}

// CheckLen adds a problem to bad when v has more than max characters.
func CheckLen(bad *pingyi.InputError, line int, column, v string, max int) {
	if n := utf8.RuneCountInString(v); n > max {
		bad.Add(line, column, "too long (%d of at most %d characters)", n, max)
	}
}

// LenError is the error of a text over its cap, or nil.
func LenError(v string, max int) error {
	if n := utf8.RuneCountInString(v); n > max {
		return fmt.Errorf("%w: too long (%d of at most %d characters)", pingyi.ErrInvalid, n, max)
	}
	return nil
}

// isControl is a control character (reported as such by the importers).
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// Clip shortens s to at most n characters (adding "…") for a message.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
