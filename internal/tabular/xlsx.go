package tabular

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// xlsxOptions bound what a small uploaded zip may unpack to (checked
// before, by checkXLSX: limits_xlsx.go).
var xlsxOptions = excelize.Options{
	UnzipSizeLimit:    MaxXLSXUnzipped,
	UnzipXMLSizeLimit: excelize.StreamChunkSize,
}

// xlsxSource reads the first sheet with two excelize row iterators in step:
// one with raw cell values (the stored numbers, unformatted) and one with
// formatted values (which tells booleans and dates apart). See cellValue.
type xlsxSource struct {
	f        *excelize.File
	raw, fmt *excelize.Rows
	row      int
	date1904 bool
}

func xlsxError(line int, format string, args ...any) error {
	ie := &pingyi.InputError{}
	ie.Add(line, "", format, args...)
	return ie
}

func openXLSXFile(ctx context.Context, path string) (source, error) {
	if err := checkXLSXFile(ctx, path); err != nil {
		return nil, err
	}
	return openXLSX(func() (*excelize.File, error) { return excelize.OpenFile(path, xlsxOptions) })
}

func openXLSXReader(ctx context.Context, r io.Reader) (source, error) {
	ra, err := checkXLSXReader(ctx, r)
	if err != nil {
		return nil, err
	}
	return openXLSX(func() (*excelize.File, error) { return excelize.OpenReader(ra, xlsxOptions) })
}

func openXLSX(open func() (*excelize.File, error)) (src source, err error) {
	var f *excelize.File
	defer func() {
		if p := recover(); p != nil {
			if f != nil {
				_ = f.Close()
			}
			src, err = nil, xlsxError(1, "not a readable .xlsx file (%v)", p)
		}
	}()
	f, err = open()
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, xlsxError(1, "not a readable .xlsx file: %v", err)
	}
	s := &xlsxSource{f: f}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		_ = f.Close()
		return nil, xlsxError(1, "the workbook has no sheet")
	}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		s.date1904 = *props.Date1904
	}
	if s.raw, err = f.Rows(sheets[0]); err != nil {
		_ = f.Close()
		return nil, xlsxError(1, "cannot read sheet %q: %v", sheets[0], err)
	}
	if s.fmt, err = f.Rows(sheets[0]); err != nil {
		_ = s.raw.Close()
		_ = f.Close()
		return nil, xlsxError(1, "cannot read sheet %q: %v", sheets[0], err)
	}
	return s, nil
}

func (s *xlsxSource) next() (line int, cells []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			line, cells, err = 0, nil, xlsxError(max(s.row, 1), "malformed .xlsx file (%v)", p)
		}
	}()
	okRaw, okFmt := s.raw.Next(), s.fmt.Next()
	if !okRaw || !okFmt {
		if err := s.raw.Error(); err != nil {
			return 0, nil, xlsxError(s.row+1, "cannot read row: %v", err)
		}
		return 0, nil, io.EOF
	}
	s.row++
	raw, err := s.raw.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, nil, xlsxError(s.row, "cannot read row: %v", err)
	}
	shown, err := s.fmt.Columns()
	if err != nil {
		return 0, nil, xlsxError(s.row, "cannot read row: %v", err)
	}
	n := max(len(raw), len(shown))
	cells = make([]string, n)
	for i := range n {
		var r, f string
		if i < len(raw) {
			r = raw[i]
		}
		if i < len(shown) {
			f = shown[i]
		}
		cells[i] = cellValue(r, f, s.date1904)
	}
	return s.row, cells, nil
}

func (s *xlsxSource) close() error {
	_ = s.raw.Close()
	_ = s.fmt.Close()
	return s.f.Close()
}

// numberRE is a number as stored in a sheet's XML.
var numberRE = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// cellValue decides what a cell reads as from its raw (stored) value and its
// formatted (displayed) value:
//   - raw not a number (text, error, ISO date): raw;
//   - raw equal to formatted: raw (text, or a number already plain);
//   - a boolean (1/0 shown as TRUE/FALSE): "true"/"false";
//   - shown as a number in some format (1.38E+10, 1,234.00, 15%): the stored
//     number in plain digits (see plainNumber);
//   - otherwise (shown as a date or time): the date "2006-01-02", the time
//     "15:04:05", or both.
func cellValue(raw, shown string, date1904 bool) string {
	if raw == shown || !numberRE.MatchString(raw) {
		return raw
	}
	switch {
	case raw == "1" && shown == "TRUE":
		return "true"
	case raw == "0" && shown == "FALSE":
		return "false"
	}
	if shown == "" || looksNumeric(shown) {
		return plainNumber(raw)
	}
	if d, ok := excelDate(raw, shown, date1904); ok {
		return d
	}
	return plainNumber(raw)
}

// looksNumeric reports whether a formatted value shows a number (possibly
// with a currency, grouping commas, a percent sign, accounting brackets or
// an exponent) rather than a date or time.
func looksNumeric(s string) bool {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ',', '%', '(', ')', '$', '¥', '￥', '€', '£', ' ', '\u00A0':
			return -1
		}
		return r
	}, s)
	return numberRE.MatchString(s)
}

// plainNumber writes a stored number without exponent: integers as their
// digits (kept as stored when they are plain digits, so that an ID number
// stored as a number keeps every digit); other numbers rounded to Excel's 15
// significant digits (so 13800138000.0 → 13800138000, 1.3800138E10 →
// 13800138000, 0.30000000000000004 → 0.3).
func plainNumber(raw string) string {
	digits := strings.TrimPrefix(raw, "+")
	if d := strings.TrimPrefix(digits, "-"); d != "" && strings.Trim(d, "0123456789") == "" {
		return digits
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return raw
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// excelDate converts a date serial to text; shown decides whether a time of
// day is shown.
func excelDate(raw, shown string, date1904 bool) (string, bool) {
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || v < 0 || v >= 2958466 { // 9999-12-31
		return "", false
	}
	t, err := excelize.ExcelDateToTime(v, date1904)
	if err != nil {
		return "", false
	}
	t = t.Round(time.Second)
	hasTime := strings.Contains(shown, ":")
	switch {
	case hasTime && v < 1:
		return t.Format("15:04:05"), true
	case hasTime:
		return t.Format("2006-01-02 15:04:05"), true
	default:
		return t.Format("2006-01-02"), true
	}
}

// String names a format for messages.
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case XLSX:
		return "xlsx"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}
