package tabular

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// xlsxOf writes rows (row i at spreadsheet row i+1, every cell a string)
// as a workbook.
func xlsxOf(tb testing.TB, rows [][]string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, row := range rows {
		for j, v := range row {
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				tb.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// xmlSafe reports whether s can be written in an XLSX cell as it is.
func xmlSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' || r == '\r' || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError || (r >= 0xD800 && r <= 0xDFFF) {
			return false
		}
	}
	return !strings.Contains(s, "_x") // excelize's escape of control characters
}

// checkTable asserts what every table read from any file must hold.
func checkTable(t *testing.T, tab *Table) {
	t.Helper()
	prev := max(tab.HeaderLine, 1)
	if len(tab.Header) > MaxRowCells {
		t.Fatalf("header of %d cells", len(tab.Header))
	}
	for _, r := range tab.Rows {
		if r.Line <= prev {
			t.Fatalf("row line %d after %d", r.Line, prev)
		}
		prev = r.Line
		if len(r.Raw) > MaxRowCells {
			t.Fatalf("row of %d cells", len(r.Raw))
		}
		for _, v := range r.Cells {
			if v != Trim(v) {
				t.Fatalf("untrimmed cell %q", v)
			}
		}
		for _, v := range r.Raw {
			if utf8.RuneCountInString(v) > MaxCellChars {
				t.Fatalf("cell of %d characters", utf8.RuneCountInString(v))
			}
		}
	}
}

// checkRefusal asserts that err is an input error naming lines, or a
// refusal of the format itself.
func checkRefusal(t *testing.T, err error) {
	t.Helper()
	var ie *pingyi.InputError
	if !errors.As(err, &ie) {
		if errors.Is(err, pingyi.ErrInvalid) {
			return
		}
		t.Fatalf("not an input error: %T %v", err, err)
	}
	if len(ie.Errors) == 0 {
		t.Fatal("an input error without errors")
	}
	for _, fe := range ie.Errors {
		if fe.Line < 1 {
			t.Fatalf("an error without a line: %+v", fe)
		}
	}
}

// FuzzReadXLSX feeds arbitrary bytes to the XLSX reader as an upload
// (tabular.Read, what every importer's XLSX path goes through). It never
// panics and never reads past the bounds (MaxXLSXUnzipped, MaxRowCells,
// MaxCellChars): it returns a table whose rows come in line order with
// trimmed cells, or an input error naming a line. Read and Each give the
// same rows. A table read round-trips: written back as a workbook of
// strings at the same rows, it reads back the same.
func FuzzReadXLSX(f *testing.F) {
	for _, rows := range [][][]string{
		{{"code", "name", "type", "domain", "parent_code", "window_unit"}, {"C01", "城关街道党工委", "committee", "community", "", "false"}, {"B01", "Branch, one", "branch", "community", "C01", "true"}},
		{{"编码", "名称", "类型"}, {"=1+1", "@SUM(A1)", "-2"}, {}, {"+x", " 空格 ", "\"引号\""}},
		{{"code", "name", "org_code", "category", "is_secretary"}, {"007", "张三", "B01", "farming", "是"}},
		{{"\uFEFFcode", "name"}, {"a\r\nb", strings.Repeat("名", 2000)}},
		{{"a", "a", "A"}, {"1", "2", "3", "4"}},
		{},
	} {
		f.Add(xlsxOf(f, rows))
	}
	// Bombs. The 200 MB one of TestXLSXZipBomb is refused at once by
	// its declared size, but each mutation of it that lies about the size
	// costs a 100 MB scan (seconds, instrumented): it stalled this target
	// at 22 execs in 5 minutes, and a 2 MB cell in its place still at 26
	// in 3 minutes. The seeds are a cell just past the cap (refused by the
	// cell cap while scanning) and a part that declares 200 MB.
	f.Add(rawXLSX(f, []string{"code", "name"}, func(w io.Writer) {
		header2(w)
		io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>`+strings.Repeat("A", MaxCellChars+1)+`</t></is></c></row>`)
	}))
	f.Add(lyingXLSX(f))
	f.Add(rawXLSX(f, []string{"code", "name", strings.Repeat("名", MaxCellChars+1)}, header2))
	f.Add(rawXLSX(f, []string{"code", "name"}, func(w io.Writer) {
		header2(w)
		io.WriteString(w, `<row r="2">`+strings.Repeat(`<c/>`, MaxRowCells+1)+`</row>`)
	}))
	f.Add(rawXLSX(f, []string{"code", "name", "V1"}, func(w io.Writer) {
		header2(w)
		io.WriteString(w, `<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="s"><v>99</v></c></row><row r="2"><c r="XFE2" t="n"><v>1e308</v></c></row><row r="1048577"><c r="A1048577"><v>x</v></c></row>`)
	}))
	f.Add(rawXLSX(f, []string{"code", "name"}, func(w io.Writer) {
		header2(w)
		io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>&#0;&lt;x&#x1F;</t></is></c><c r="B2" t="d"><v>2026-13-45</v></c></row>`)
	}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("code,name\nA,b\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Read(bytes.NewReader(data), "fuzz.xlsx")
		if err != nil {
			checkRefusal(t, err)
			return
		}
		checkTable(t, tab)
		var each []Row
		var header []string
		err = Each(bytes.NewReader(data), "fuzz.xlsx", func(h []string, _ int) error {
			header = slices.Clone(h)
			return nil
		}, func(r Row) error { each = append(each, r); return nil })
		if err != nil {
			t.Fatalf("Read accepted, Each refused: %v", err)
		}
		if !slices.Equal(header, tab.Header) || !sameRows(each, tab.Rows) {
			t.Fatalf("Read and Each differ:\n%q %+v\n%q %+v", tab.Header, tab.Rows, header, each)
		}
		// Round trip through a workbook of strings.
		if tab.HeaderLine < 1 || len(tab.Rows) > 200 {
			return
		}
		last := tab.HeaderLine
		if len(tab.Rows) > 0 {
			last = tab.Rows[len(tab.Rows)-1].Line
		}
		if last > 2000 || len(tab.Header) > 200 {
			return
		}
		grid := make([][]string, last)
		grid[tab.HeaderLine-1] = tab.Header
		for _, r := range tab.Rows {
			grid[r.Line-1] = r.Raw
		}
		for _, row := range grid {
			for _, v := range row {
				if !xmlSafe(v) {
					return
				}
			}
		}
		back, err := Read(bytes.NewReader(xlsxOf(t, grid)), "back.xlsx")
		if err != nil {
			t.Fatalf("written back, refused: %v", err)
		}
		if back.HeaderLine != tab.HeaderLine || !slices.Equal(back.Header, tab.Header) || !sameRows(back.Rows, tab.Rows) {
			t.Fatalf("round trip differs:\n%d %q %+v\n%d %q %+v", tab.HeaderLine, tab.Header, tab.Rows, back.HeaderLine, back.Header, back.Rows)
		}
	})
}

// lyingXLSX is a workbook whose sheet declares that it unpacks to 200 MB.
func lyingXLSX(tb testing.TB) []byte {
	tb.Helper()
	good := rawXLSX(tb, []string{"code", "name"}, header2)
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		raw, err := f.OpenRaw()
		if err != nil {
			tb.Fatal(err)
		}
		h := f.FileHeader
		if strings.HasPrefix(h.Name, "xl/worksheets/") {
			h.UncompressedSize64 = 200 << 20
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := io.Copy(w, raw); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func sameRows(a, b []Row) bool {
	return slices.EqualFunc(a, b, func(x, y Row) bool { return x.Line == y.Line && maps.Equal(x.Cells, y.Cells) })
}

// checkCSVRoundTrip: a table read from CSV, written back as UTF-8 CSV
// (header and rows as read), reads back the same header and cells.
func checkCSVRoundTrip(t *testing.T, tab *Table) {
	t.Helper()
	if tab.HeaderLine < 1 {
		return
	}
	recs := [][]string{tab.Header}
	for _, r := range tab.Rows {
		recs = append(recs, r.Raw)
	}
	for _, rec := range recs {
		for _, v := range rec {
			if strings.ContainsRune(v, '\r') {
				return // encoding/csv reads \r\n inside quotes as \n
			}
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(recs); err != nil {
		return // not UTF-8: encoding/csv does not mind, but say nothing
	}
	back, err := Read(bytes.NewReader(b.Bytes()), "back.csv")
	if err != nil {
		t.Fatalf("written back, refused: %v\n%q", err, b.String())
	}
	if !slices.Equal(back.Header, tab.Header) || len(back.Rows) != len(tab.Rows) {
		t.Fatalf("round trip differs:\n%q %d rows\n%q %d rows", tab.Header, len(tab.Rows), back.Header, len(back.Rows))
	}
	for i := range back.Rows {
		if !maps.Equal(back.Rows[i].Cells, tab.Rows[i].Cells) {
			t.Fatalf("round trip differs at row %d: %q, then %q", i, tab.Rows[i].Cells, back.Rows[i].Cells)
		}
	}
}
