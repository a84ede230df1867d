package web

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// isUserError reports a refusal the user can act on (not a server fault).
func isUserError(err error) bool {
	var ie *pingyi.InputError
	return errors.Is(err, pingyi.ErrInvalid) || errors.Is(err, pingyi.ErrConflict) || errors.Is(err, pingyi.ErrForbidden) ||
		errors.Is(err, pingyi.ErrNotFound) || errors.As(err, &ie)
}

// trimmed is s without surrounding space, cut to at most n characters.
func trimmed(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}
