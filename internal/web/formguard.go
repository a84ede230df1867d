package web

import (
	"errors"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/tabular"
)

// MaxFormBody bounds a URL-encoded form's body (uploads are multipart and
// bounded by their handlers).
const MaxFormBody = 1 << 20

// fieldCaps are the caps of form fields by name, in characters; any other
// field has tabular.MaxFieldLen. The caps are those of the imports
// (tabular/limits.go).
var fieldCaps = map[string]int{
	"code": tabular.MaxCodeLen, "org": tabular.MaxCodeLen, "member": tabular.MaxCodeLen, "target": tabular.MaxCodeLen,
	"name": tabular.MaxNameLen, "display_name": tabular.MaxNameLen, "title": tabular.MaxNameLen, "username": tabular.MaxNameLen,
	"unit": tabular.MaxShortLen, "home_unit": tabular.MaxShortLen, "contact": tabular.MaxShortLen, "place": tabular.MaxShortLen,
	"text": tabular.MaxNoteLen, "note": tabular.MaxNoteLen, "answer": tabular.MaxNoteLen, "opinion": tabular.MaxNoteLen,
	"content": tabular.MaxNoteLen, "comment": tabular.MaxNoteLen, "reason": tabular.MaxNoteLen, "problem": tabular.MaxNoteLen,
	"description": tabular.MaxNoteLen, "measures": tabular.MaxNoteLen,
}

// inputOK checks a request's text before its handler runs, answering for
// it when the text could hurt: a path value (a code) that holds a control
// character or is not UTF-8 is unknown (404, before any query: PostgreSQL
// refuses a NUL byte with an error); a query or URL-encoded form value that
// holds one (other than tab and line ends) is refused with 422, as is a
// form value over its cap (fieldCaps).
//
// The JSON API (/api/) checks its own input and answers in JSON
// (internal/api validate.go).
func (s *Server) inputOK(w http.ResponseWriter, r *http.Request, pattern string) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	for _, name := range wildcards(pattern) {
		if v := r.PathValue(name); !utf8.ValidString(v) || hasControl(v) || len(v) > 4*tabular.MaxNameLen {
			s.Fail(w, r, http.StatusNotFound)
			return false
		}
	}
	if r.URL.RawQuery != "" {
		for k, vs := range r.URL.Query() {
			for _, v := range vs {
				if !utf8.ValidString(v) || badTextRune(v) || !utf8.ValidString(k) || badTextRune(k) {
					s.FailMsg(w, r, http.StatusUnprocessableEntity, "security.control_char", "Field", fieldLabel(k))
					return false
				}
			}
		}
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return true
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return true
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBody)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.Fail(w, r, http.StatusRequestEntityTooLarge)
		} else {
			s.Fail(w, r, http.StatusBadRequest)
		}
		return false
	}
	for k, vs := range r.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) || badTextRune(v) || !utf8.ValidString(k) || badTextRune(k) {
				s.FailMsg(w, r, http.StatusUnprocessableEntity, "security.control_char", "Field", fieldLabel(k))
				return false
			}
			max, ok := fieldCaps[k]
			if !ok {
				max = tabular.MaxFieldLen
			}
			if n := utf8.RuneCountInString(v); n > max {
				s.FailMsg(w, r, http.StatusUnprocessableEntity, "security.field_too_long", "Field", fieldLabel(k), "N", n, "Max", max)
				return false
			}
		}
	}
	return true
}

// fieldLabel is a field's name as shown in a message (bounded, printable).
func fieldLabel(k string) string {
	k = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return '?'
		}
		return r
	}, k)
	return tabular.Clip(k, 40)
}

// badTextRune reports a control character other than tab, CR and LF, or a
// Unicode line or paragraph separator, in s.
func badTextRune(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r <= 0x9f) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// wildcards lists the names of a route pattern's {wildcards}.
func wildcards(pattern string) []string {
	var out []string
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(pattern[i:], '}')
		if j < 0 {
			return out
		}
		name := strings.TrimSuffix(pattern[i+1:i+j], "...")
		if name != "$" {
			out = append(out, name)
		}
		pattern = pattern[i+j+1:]
	}
}
