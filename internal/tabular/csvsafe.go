package tabular

import (
	"encoding/csv"
	"io"
	"regexp"
)

// SafeCell neutralises a spreadsheet formula: a cell starting with '=',
// '+', '-', '@', a tab or a carriage return is what Excel, WPS and
// LibreOffice run as a formula when they open a CSV file (=HYPERLINK(…),
// =cmd|…), so it gets a leading apostrophe, which they show as text. A plain
// number (-3, +1.5, -12%) is left alone: it is not a formula.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if plainNumberRE.MatchString(s) {
			return s
		}
		return "'" + s
	}
	return s
}

var plainNumberRE = regexp.MustCompile(`^[+-]?[0-9]+(?:\.[0-9]+)?%?$`)

// SafeRecord is SafeCell on every cell, in a copy.
func SafeRecord(rec []string) []string {
	out := make([]string, len(rec))
	for i, c := range rec {
		out[i] = SafeCell(c)
	}
	return out
}

// CSVWriter is a csv.Writer that neutralises formulas in every cell it
// writes (SafeCell). Every CSV export of Pingyi writes through one.
type CSVWriter struct {
	*csv.Writer
}

// NewCSVWriter returns a CSVWriter writing to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{csv.NewWriter(w)} }

// Write writes one record, formulas neutralised.
func (w *CSVWriter) Write(rec []string) error { return w.Writer.Write(SafeRecord(rec)) }

// WriteAll writes records, formulas neutralised, and flushes.
func (w *CSVWriter) WriteAll(recs [][]string) error {
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}
