package web

import (
	"errors"
	"strings"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
)

// Refused input (*pingyi.InputError) is made in English by the store and
// the file reader; pages show it in the user's language: the message
// through the catalog of internal/i18n (inputerr.go), the column by its
// name (templates: {{fieldMessage .}}, {{columnLabel .Column}}). A message
// the catalog does not know is shown as it is (the English, or a message
// a handler already translated and passed as "%s").

// fieldMessage is the message of one refused cell in tr's language.
func fieldMessage(tr *i18n.Translator, e pingyi.FieldError) string {
	if e.Format == "" || tr == nil {
		return e.Message
	}
	return tr.InputError(e.Format, e.Args, e.Message)
}

// columnLabel names a column in tr's language ("" for one without a name
// of its own: the page shows the column as it is in the file).
func columnLabel(tr *i18n.Translator, column string) string {
	if tr == nil {
		return ""
	}
	return tr.Column(column)
}

// refusedFields turns a refusal into column → message in tr's language,
// the messages of a column joined; ok is false for any other error.
func RefusedFields(tr *i18n.Translator, err error) (map[string]string, bool) {
	var ie *pingyi.InputError
	if !errors.As(err, &ie) {
		return nil, false
	}
	out := map[string]string{}
	for _, e := range ie.Errors {
		msg := fieldMessage(tr, e)
		if prev, dup := out[e.Column]; dup {
			out[e.Column] = joinMessages(prev, msg)
		} else {
			out[e.Column] = msg
		}
	}
	return out, true
}

// joinMessages puts two messages of one field together: after a full
// stop ("。", ".") a space is enough.
func joinMessages(a, b string) string {
	if strings.HasSuffix(a, "。") || strings.HasSuffix(a, ".") {
		return a + " " + b
	}
	return a + "; " + b
}

// refusedWith reports whether err is a refusal of column made with format
// (e.g. the code of a new campaign is taken).
func RefusedWith(err error, column, format string) bool {
	var ie *pingyi.InputError
	if !errors.As(err, &ie) {
		return false
	}
	for _, e := range ie.Errors {
		if e.Column == column && e.Format == format {
			return true
		}
	}
	return false
}
