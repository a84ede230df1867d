// Package tabular reads the import files of every importer (SPEC §6): .csv
// and .xlsx tables with a header line, and holds the validators of their
// cells (ID numbers, phones, booleans) and the masks of personal data.
//
// Reading rules, the same for both formats:
//
//   - The header is the first line that is not blank (normally line 1).
//     Header names are trimmed and lower-cased; names are matched
//     case-insensitively everywhere (Require, Row.Get). Empty names at the
//     end of the header (trailing commas) are dropped.
//   - Every cell is trimmed of white space, including the full-width space
//     U+3000, NBSP, a stray BOM and zero-width spaces.
//   - A line whose cells are all empty is skipped, but line numbers always
//     count physical lines of the file (CSV: the line where the record
//     starts, so a quoted cell holding newlines moves the next record down;
//     XLSX: the spreadsheet row number).
//   - A line with fewer cells than the header is lenient: the missing cells
//     read as "". A line with a non-empty cell beyond the last header
//     column is refused ("too many columns"); empty cells there (trailing
//     commas) are ignored.
//   - CSV is UTF-8, with or without a BOM, LF or CRLF line ends. A file
//     that is not valid UTF-8 in its first 64 KiB is read as GB18030 (what
//     Excel on Chinese Windows writes for "CSV (逗号分隔)"); a UTF-16 file
//     is refused with a hint. Malformed quoting is refused naming the line
//     and the character position.
//   - XLSX: the first sheet. Numbers come out as Excel shows them in the
//     General format but never in exponent form (a phone 13800138000 reads
//     "13800138000", whatever number format the cell has); booleans read
//     "true"/"false"; cells formatted as dates read "2006-01-02" (with
//     " 15:04:05" when there is a time of day); text cells read as typed.
//
// Refused input is reported as a *pingyi.InputError naming each bad line
// (and column, where known). Nothing in this package panics on any input.
package tabular

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Table is a parsed file: the header and the data rows, each with its
// 1-based line number in the file (the header is line 1 unless blank lines
// precede it).
type Table struct {
	// Header holds the column names, trimmed and lower-cased, in file order.
	Header []string
	// HeaderLine is the line of the header (1 unless the file starts with
	// blank lines).
	HeaderLine int
	// Rows are the data rows, in file order, blank lines left out.
	Rows []Row
}

// Row is one data line.
type Row struct {
	// Line is the 1-based line of the row in the file (CSV: where the
	// record starts; XLSX: the spreadsheet row number).
	Line int
	// Cells maps every named header column (lower case) to the row's
	// trimmed cell, "" when the row is shorter than the header. When a
	// header name is duplicated, the first such column wins.
	Cells map[string]string
	// Raw holds the row's cells as read, untrimmed, in file order.
	Raw []string
}

// Get returns the trimmed cell of column col (matched case-insensitively),
// or "" when the row or the header has no such column.
func (r Row) Get(col string) string {
	return r.Cells[normName(col)]
}

// Has reports whether the row's header has column col.
func (r Row) Has(col string) bool {
	_, ok := r.Cells[normName(col)]
	return ok
}

// Format is a supported file format.
type Format int

// The supported formats.
const (
	CSV Format = iota + 1
	XLSX
)

// FormatOf returns the format that the extension of name selects
// (case-insensitive: .csv or .xlsx). Any other extension is an error that
// wraps pingyi.ErrInvalid.
func FormatOf(name string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".csv":
		return CSV, nil
	case ".xlsx":
		return XLSX, nil
	case ".xls":
		return 0, fmt.Errorf("%w: %s: old Excel 97-2003 files (.xls) are not supported; save the file as .xlsx or CSV UTF-8", pingyi.ErrInvalid, name)
	case "":
		return 0, fmt.Errorf("%w: %s: no file extension; use a .csv or .xlsx file", pingyi.ErrInvalid, name)
	default:
		return 0, fmt.Errorf("%w: %s: unsupported file type %q; use .csv or .xlsx", pingyi.ErrInvalid, name, ext)
	}
}

// ReadFile reads the .csv or .xlsx file at path (chosen by its extension,
// case-insensitive). See Read for the errors.
func ReadFile(path string) (*Table, error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	t := &Table{}
	header, line, err := streamPath(context.Background(), path, format, nil, t.add)
	return t.finish(header, line, err)
}

// Read reads a whole .csv or .xlsx file from r; name (e.g. the name of an
// uploaded file) gives the format by its extension.
//
// Errors: an unsupported extension wraps pingyi.ErrInvalid; refused content
// is a *pingyi.InputError naming each bad line, returned together with the
// table of the rows that were read without problems (a caller normally stops
// at any error, but may report more); other errors (I/O) return a nil table.
func Read(r io.Reader, name string) (*Table, error) {
	format, err := FormatOf(name)
	if err != nil {
		return nil, err
	}
	t := &Table{}
	header, line, err := streamReader(context.Background(), r, format, nil, t.add)
	return t.finish(header, line, err)
}

func (t *Table) add(r Row) error {
	t.Rows = append(t.Rows, r)
	return nil
}

func (t *Table) finish(header []string, line int, err error) (*Table, error) {
	t.Header, t.HeaderLine = header, line
	if err != nil {
		var ie *pingyi.InputError
		if errors.As(err, &ie) {
			return t, err
		}
		return nil, err
	}
	return t, nil
}

// Stream reads the .csv or .xlsx file at path row by row, calling fn for
// each data row in file order, and returns the header. A CSV file is never
// held in memory as a whole; an XLSX sheet is read with excelize's row
// iterator. Rows with problems (too many columns, invalid text) are not
// passed to fn: they are collected and returned at the end as a
// *pingyi.InputError. An error from fn stops the reading and is returned
// as is.
func Stream(path string, fn func(Row) error) (header []string, err error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	header, _, err = streamPath(context.Background(), path, format, nil, fn)
	return header, err
}

// StreamReader is Stream on a reader; name gives the format.
func StreamReader(r io.Reader, name string, fn func(Row) error) (header []string, err error) {
	format, err := FormatOf(name)
	if err != nil {
		return nil, err
	}
	header, _, err = streamReader(context.Background(), r, format, nil, fn)
	return header, err
}

// Each reads the .csv or .xlsx data in r (name gives the format) row by
// row like StreamReader, but first hands the header and its line to head,
// before any row. An error from head or fn stops the reading and is
// returned as is; rows with problems are collected and returned at the end
// as a *pingyi.InputError, as by Stream. A head that wants every problem
// of the file reported (as Read and then Require do) returns nil and
// remembers its verdict.
func Each(r io.Reader, name string, head func(header []string, line int) error, fn func(Row) error) error {
	format, err := FormatOf(name)
	if err != nil {
		return err
	}
	_, _, err = streamReader(context.Background(), r, format, head, fn)
	return err
}

// EachFile is Each on the file at path (an XLSX file is opened by path).
func EachFile(path string, head func(header []string, line int) error, fn func(Row) error) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	_, _, err = streamPath(context.Background(), path, format, head, fn)
	return err
}

// Require checks the header: every required column present, no column
// named twice, and, unless allowExtra, no column outside required and
// optional (nor a column without a name). Names match case-insensitively.
// The problems are returned together as a *pingyi.InputError naming the
// header line and each column.
func (t *Table) Require(required []string, optional []string, allowExtra bool) error {
	return CheckHeader(t.Header, t.HeaderLine, required, optional, allowExtra)
}

// CheckHeader is Require for a header obtained from Stream; line is the
// header's line (0 means 1).
func CheckHeader(header []string, line int, required []string, optional []string, allowExtra bool) error {
	if line <= 0 {
		line = 1
	}
	known := make(map[string]bool, len(required)+len(optional))
	for _, c := range required {
		known[normName(c)] = true
	}
	for _, c := range optional {
		known[normName(c)] = true
	}
	ie := &pingyi.InputError{}
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		h = normName(h)
		switch {
		case h == "":
			if !allowExtra {
				ie.Add(line, fmt.Sprintf("#%d", i+1), "column %d has no name", i+1)
			}
			continue
		case seen[h]:
			ie.Add(line, h, "duplicate column")
			continue
		}
		seen[h] = true
		if !allowExtra && !known[h] {
			ie.Add(line, h, "unknown column (expected %s)", strings.Join(expected(required, optional), ", "))
		}
	}
	for _, c := range required {
		c = normName(c)
		if !seen[c] {
			ie.Add(line, c, "missing column")
			seen[c] = true // name it once even if listed twice
		}
	}
	return ie.Err()
}

func expected(required, optional []string) []string {
	out := make([]string, 0, len(required)+len(optional))
	for _, c := range required {
		out = append(out, normName(c))
	}
	for _, c := range optional {
		out = append(out, normName(c))
	}
	return out
}

// normName normalises a column name: trimmed, lower case, a Chinese
// header turned into its column's name (labels.go).
func normName(s string) string {
	return headerName(strings.ToLower(Trim(s)))
}

// Trim removes leading and trailing white space from s: every Unicode space
// (including the full-width space U+3000 and NBSP) plus the BOM U+FEFF and
// the zero-width space U+200B.
func Trim(s string) string {
	return strings.TrimFunc(s, isTrimSpace)
}

func isTrimSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B'
}

// source yields records: the line and the cells; io.EOF at the end.
type source interface {
	next() (line int, cells []string, err error)
	close() error
}

func streamPath(ctx context.Context, path string, format Format, head func([]string, int) error, fn func(Row) error) ([]string, int, error) {
	switch format {
	case XLSX:
		src, err := openXLSXFile(ctx, path)
		if err != nil {
			return nil, 0, err
		}
		return run(ctx, src, head, fn)
	default:
		f, err := os.Open(path)
		if err != nil {
			return nil, 0, err
		}
		defer f.Close()
		return streamReader(ctx, f, format, head, fn)
	}
}

func streamReader(ctx context.Context, r io.Reader, format Format, head func([]string, int) error, fn func(Row) error) ([]string, int, error) {
	var src source
	var err error
	switch format {
	case XLSX:
		src, err = openXLSXReader(ctx, r)
	default:
		src, err = newCSVSource(r)
	}
	if err != nil {
		return nil, 0, err
	}
	return run(ctx, src, head, fn)
}

// run reads the header and the rows of src, calling head (if not nil) with
// the header and fn for each good row.
func run(ctx context.Context, src source, head func([]string, int) error, fn func(Row) error) (header []string, headerLine int, err error) {
	defer func() {
		if cerr := src.close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	ie := &pingyi.InputError{}
	for n := 0; ; n++ {
		if n%256 == 0 && ctx.Err() != nil {
			return header, headerLine, ctx.Err()
		}
		line, cells, err := src.next()
		if err == io.EOF {
			if header == nil {
				ie.Add(1, "", "the file is empty: no header line")
			}
			return header, headerLine, ie.Err()
		}
		if err != nil {
			var fe *pingyi.InputError
			if errors.As(err, &fe) {
				ie.Errors = append(ie.Errors, fe.Errors...)
				return header, headerLine, ie
			}
			return header, headerLine, err
		}
		trimmed := make([]string, len(cells))
		blank := true
		for i, c := range cells {
			trimmed[i] = Trim(c)
			if trimmed[i] != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		if header == nil {
			headerLine = line
			n := len(trimmed)
			for n > 0 && trimmed[n-1] == "" {
				n--
			}
			header = make([]string, n)
			bad := false
			for i := range n {
				header[i] = headerName(strings.ToLower(trimmed[i]))
				if !utf8.ValidString(header[i]) {
					ie.Add(line, fmt.Sprintf("#%d", i+1), "column name is not valid UTF-8 text; save the file as CSV UTF-8")
					bad = true
				}
			}
			if bad {
				return header, headerLine, ie
			}
			if head != nil {
				if err := head(header, headerLine); err != nil {
					return header, headerLine, err
				}
			}
			continue
		}
		if n := lastNonEmpty(trimmed) + 1; n > len(header) {
			ie.Add(line, "", "too many columns: %d cells but the header has %d columns", n, len(header))
			continue
		}
		row := Row{Line: line, Cells: make(map[string]string, len(header)), Raw: cells}
		ok := true
		for i, h := range header {
			if h == "" {
				continue
			}
			if _, dup := row.Cells[h]; dup {
				continue
			}
			v := ""
			if i < len(trimmed) {
				v = trimmed[i]
			}
			if !utf8.ValidString(v) {
				ie.Add(line, h, "not valid UTF-8 text; save the file as CSV UTF-8")
				ok = false
			}
			row.Cells[h] = labelValue(h, v)
		}
		if !ok {
			continue
		}
		if err := fn(row); err != nil {
			return header, headerLine, err
		}
	}
}

func lastNonEmpty(cells []string) int {
	for i := len(cells) - 1; i >= 0; i-- {
		if cells[i] != "" {
			return i
		}
	}
	return -1
}

// hasPrefix is bytes.HasPrefix for readability.
func hasPrefix(b []byte, p string) bool { return bytes.HasPrefix(b, []byte(p)) }
