package tabular

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// sniffSize is how much of a CSV file decides its encoding.
const sniffSize = 64 << 10

type csvSource struct {
	r *csv.Reader
}

func newCSVSource(r io.Reader) (source, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	prefix, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	full := len(prefix) == sniffSize
	var in io.Reader = br
	switch {
	case hasPrefix(prefix, "\xEF\xBB\xBF"):
		if _, err := br.Discard(3); err != nil {
			return nil, err
		}
	case hasPrefix(prefix, "\xFF\xFE"), hasPrefix(prefix, "\xFE\xFF"):
		ie := &pingyi.InputError{}
		ie.Add(1, "", "the file is UTF-16 text; save it as CSV UTF-8 (or .xlsx)")
		return nil, ie
	case !validUTF8Prefix(prefix, full):
		// Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK/GB18030.
		in = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	return &csvSource{r: cr}, nil
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a rune cut at
// the end when b is only the beginning of the file.
func validUTF8Prefix(b []byte, truncated bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if !truncated {
		return false
	}
	for k := 1; k <= utf8.UTFMax-1 && k < len(b); k++ {
		if utf8.Valid(b[:len(b)-k]) {
			return true
		}
	}
	return false
}

func (s *csvSource) next() (int, []string, error) {
	rec, err := s.r.Read()
	if err != nil {
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			ie := &pingyi.InputError{}
			line := pe.Line
			if line < 1 {
				line = pe.StartLine
			}
			if line < 1 {
				line = 1
			}
			ie.Add(line, "", "malformed CSV at character %d: %v", pe.Column, pe.Err)
			return 0, nil, ie
		}
		return 0, nil, fmt.Errorf("reading CSV: %w", err)
	}
	line, _ := s.r.FieldPos(0)
	return line, rec, nil
}

func (s *csvSource) close() error { return nil }
