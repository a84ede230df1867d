package tabular

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// The bounds of an .xlsx file, checked before excelize parses anything (a
// 1 MB zip may unpack to gigabytes; a sheet may claim millions of cells):
const (
	// MaxXLSXUnzipped bounds the sum of the sizes its parts unpack to.
	MaxXLSXUnzipped = 100 << 20
	// MaxXLSXCells bounds the cells of all its sheets.
	MaxXLSXCells = 5_000_000
	// MaxRowCells bounds the cells of one row (Excel's own column limit).
	MaxRowCells = 16384
	// MaxCellChars bounds one cell's text (Excel's own limit).
	MaxCellChars = 32767
)

// checkXLSXReader reads an uploaded .xlsx file (already bounded by the
// request's body limit) and checks it (checkXLSX).
func checkXLSXReader(ctx context.Context, r io.Reader) (*bytes.Reader, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	br := bytes.NewReader(b)
	if err := checkXLSX(ctx, br, int64(len(b))); err != nil {
		return nil, err
	}
	return br, nil
}

func checkXLSXFile(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return checkXLSX(ctx, f, st.Size())
}

// checkXLSX refuses a zip that unpacks to more than MaxXLSXUnzipped bytes
// (the sizes the zip declares, which archive/zip holds each part to when
// reading it), a sheet with more than MaxXLSXCells cells or a row with more
// than MaxRowCells, and a cell (or shared string) over MaxCellChars
// characters. It streams each sheet and the shared strings once through a
// plain tag scanner, in bounded memory, and stops when ctx is done. A part
// that does not unpack (a bad checksum) is refused; what is not a zip at
// all is left to excelize to refuse.
func checkXLSX(ctx context.Context, ra io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > MaxXLSXUnzipped || f.UncompressedSize64 > MaxXLSXUnzipped {
			return xlsxError(1, "the .xlsx file unpacks to more than %d MB; split it or save it as CSV", MaxXLSXUnzipped>>20)
		}
	}
	cells := 0
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		sheet := strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml")
		if !sheet && name != "xl/sharedstrings.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil
		}
		err = scanXLSXPart(ctx, rc, sheet, &cells)
		rc.Close()
		if err != nil {
			var ie *pingyi.InputError
			if errors.As(err, &ie) || ctx.Err() != nil {
				return err
			}
			// A broken part (a bad checksum, a truncated stream) is
			// refused here: excelize reads such parts without complaint,
			// and the parts after it would go unchecked.
			return xlsxError(1, "not a readable .xlsx file: %v", err)
		}
	}
	return nil
}

// scanXLSXPart counts the cells (<c>) of a sheet per row and in all, and
// the characters of each cell's value (<v>, <t>) or shared string (<si>).
func scanXLSXPart(ctx context.Context, r io.Reader, sheet bool, cells *int) error {
	br := bufio.NewReaderSize(r, 64<<10)
	row, rowCells, cellChars := 0, 0, 0
	inText := false
	var name []byte
	for n := 0; ; n++ {
		if n%(1<<20) == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		b, err := br.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if b != '<' {
			if inText && b&0xC0 != 0x80 {
				cellChars++
				if cellChars > MaxCellChars {
					return xlsxError(max(row, 1), "a cell has more than %d characters", MaxCellChars)
				}
			}
			continue
		}
		// A tag: its name (without a namespace prefix), then skip to '>'
		// outside quotes.
		name = name[:0]
		closing, selfClosing := false, false
		first := true
		var quote byte
		var prev byte
		for {
			c, err := br.ReadByte()
			if err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			if quote != 0 {
				if c == quote {
					quote = 0
				}
				continue
			}
			if c == '>' {
				selfClosing = prev == '/'
				break
			}
			if first && c == '/' {
				closing = true
				first = false
				prev = c
				continue
			}
			first = false
			switch {
			case c == '"' || c == '\'':
				quote = c
				name = append(name, 0) // the name has ended
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/':
				name = append(name, 0)
			default:
				name = append(name, c)
			}
			prev = c
			n++
		}
		tag := name
		if i := bytes.IndexByte(tag, 0); i >= 0 {
			tag = tag[:i]
		}
		if i := bytes.LastIndexByte(tag, ':'); i >= 0 {
			tag = tag[i+1:]
		}
		switch string(tag) {
		case "row":
			if !closing {
				row++
				rowCells = 0
			}
		case "c":
			if !closing && sheet {
				*cells++
				rowCells++
				cellChars = 0
				if rowCells > MaxRowCells {
					return xlsxError(max(row, 1), "more than %d cells in one row", MaxRowCells)
				}
				if *cells > MaxXLSXCells {
					return xlsxError(max(row, 1), "more than %d cells in the workbook", MaxXLSXCells)
				}
			}
		case "si":
			if !closing {
				cellChars = 0
			}
		case "v", "t":
			inText = !closing && !selfClosing
			continue
		}
		inText = false
	}
}

// ReadContext is Read that stops, returning ctx's error, when ctx is done
// (the client of an upload went away).
func ReadContext(ctx context.Context, r io.Reader, name string) (*Table, error) {
	format, err := FormatOf(name)
	if err != nil {
		return nil, err
	}
	t := &Table{}
	header, line, err := streamReader(ctx, r, format, nil, t.add)
	return t.finish(header, line, err)
}

// EachContext is Each that stops, returning ctx's error, when ctx is done.
func EachContext(ctx context.Context, r io.Reader, name string, head func(header []string, line int) error, fn func(Row) error) error {
	format, err := FormatOf(name)
	if err != nil {
		return err
	}
	_, _, err = streamReader(ctx, r, format, head, fn)
	return err
}
