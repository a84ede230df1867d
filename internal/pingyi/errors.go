package pingyi

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors shared by implementations.
var (
	ErrNotFound  = errors.New("not found")
	ErrForbidden = errors.New("forbidden")
	ErrConflict  = errors.New("conflict")
	ErrInvalid   = errors.New("invalid")
)

// FieldError names one bad cell of an input file: its 1-based line (the
// header is line 1) and its column name.
//
// Message is the English text (the CLI prints it). Format and Args are what
// it was made of (InputError.Add): pages translate the format through the
// message catalog of internal/i18n (inputerr.go) and fall back to Message
// for a format it does not know.
type FieldError struct {
	Line    int
	Column  string
	Message string
	Format  string `json:"-"`
	Args    []any  `json:"-"`
}

func (e FieldError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Message)
}

// InputError is a refused input: every bad line and column. Nothing was
// changed.
type InputError struct {
	Errors []FieldError
}

func (e *InputError) Error() string {
	var b strings.Builder
	for i, fe := range e.Errors {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(fe.Error())
	}
	return b.String()
}

// Add records one bad cell. The format should be a constant string: pages
// translate it (internal/i18n/inputerr.go lists every one; a test there
// finds the calls of Add in the sources and fails for one not listed). A
// message made elsewhere, already translated or not a sentence of ours, is
// passed as Add(line, column, "%s", msg) and shown as it is.
func (e *InputError) Add(line int, column, format string, args ...any) {
	e.Errors = append(e.Errors, FieldError{Line: line, Column: column, Message: fmt.Sprintf(format, args...),
		Format: format, Args: args})
}

// Err returns e if it holds any error, else nil.
func (e *InputError) Err() error {
	if e == nil || len(e.Errors) == 0 {
		return nil
	}
	return e
}
