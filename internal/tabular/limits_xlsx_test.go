package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// rawXLSX writes a minimal workbook whose first sheet's <sheetData> is
// written by rows, and whose shared strings are sst.
func rawXLSX(t testing.TB, sst []string, rows func(w io.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	var ss strings.Builder
	fmt.Fprintf(&ss, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(sst), len(sst))
	for _, s := range sst {
		fmt.Fprintf(&ss, `<si><t xml:space="preserve">%s</t></si>`, s)
	}
	ss.WriteString(`</sst>`)
	put("xl/sharedStrings.xml", ss.String())
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	rows(w)
	io.WriteString(w, `</sheetData></worksheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func header2(w io.Writer) {
	io.WriteString(w, `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`)
}

func wantRefusal(t *testing.T, err error, msg string) {
	t.Helper()
	var ie *pingyi.InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), msg) {
		t.Fatalf("got %v, want an input error with %q", err, msg)
	}
}

func TestXLSXReadsWithinBounds(t *testing.T) {
	b := rawXLSX(t, []string{"code", "name", "V1", "东村"}, func(w io.Writer) {
		header2(w)
		io.WriteString(w, `<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="inlineStr"><is><t>东村党支部</t></is></c></row>`)
	})
	tb, err := Read(bytes.NewReader(b), "orgs.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Rows) != 1 || tb.Rows[0].Get("code") != "V1" || tb.Rows[0].Get("name") != "东村党支部" {
		t.Fatalf("rows %+v", tb.Rows)
	}
}

// TestXLSXZipBomb: a small file that unpacks to 200 MB in one cell is
// refused quickly, in bounded memory, before excelize reads it.
func TestXLSXZipBomb(t *testing.T) {
	chunk := strings.Repeat("A", 1<<20)
	b := rawXLSX(t, []string{"code", "name"}, func(w io.Writer) {
		header2(w)
		io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>`)
		for range 200 {
			io.WriteString(w, chunk)
		}
		io.WriteString(w, `</t></is></c></row>`)
	})
	if len(b) > 2<<20 {
		t.Fatalf("the bomb is %d bytes", len(b))
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Read(bytes.NewReader(b), "bomb.xlsx")
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	wantRefusal(t, err, "unpacks to more than 100 MB")
	if took > 2*time.Second {
		t.Errorf("refused after %v", took)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("allocated %d MB to refuse a %d KB file", grew>>20, len(b)>>10)
	}
	t.Logf("%d KB bomb (200 MB in one cell) refused in %v, %d KB allocated", len(b)>>10, took, (after.TotalAlloc-before.TotalAlloc)>>10)
}

func TestXLSXCellTooLong(t *testing.T) {
	long := strings.Repeat("名", MaxCellChars+1)
	b := rawXLSX(t, []string{"code", "name", long}, header2)
	_, err := Read(bytes.NewReader(b), "long.xlsx")
	wantRefusal(t, err, "a cell has more than 32767 characters")
	b = rawXLSX(t, []string{"code", "name"}, func(w io.Writer) {
		header2(w)
		io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>`+long+`</t></is></c></row>`)
	})
	_, err = Read(bytes.NewReader(b), "long.xlsx")
	wantRefusal(t, err, "line 2: a cell has more than 32767 characters")
	// Exactly at the cap is read.
	ok := strings.Repeat("名", MaxCellChars)
	b = rawXLSX(t, []string{"code", "name", ok}, header2)
	if _, err := Read(bytes.NewReader(b), "ok.xlsx"); err != nil {
		t.Fatal(err)
	}
}

func TestXLSXTooManyCells(t *testing.T) {
	b := rawXLSX(t, []string{"code", "name"}, func(w io.Writer) {
		header2(w)
		io.WriteString(w, `<row r="2">`)
		for range MaxRowCells + 1 {
			io.WriteString(w, `<c/>`)
		}
		io.WriteString(w, `</row>`)
	})
	_, err := Read(bytes.NewReader(b), "wide.xlsx")
	wantRefusal(t, err, "line 2: more than 16384 cells in one row")
	b = rawXLSX(t, []string{"code", "name"}, func(w io.Writer) {
		header2(w)
		for r := range MaxXLSXCells/2 + 1 {
			fmt.Fprintf(w, `<row r="%d"><c/><c/></row>`, r+2)
		}
	})
	_, err = Read(bytes.NewReader(b), "tall.xlsx")
	wantRefusal(t, err, "more than 5000000 cells in the workbook")
}

// TestXLSXCancelled: a reader whose context is done stops.
func TestXLSXCancelled(t *testing.T) {
	b := rawXLSX(t, []string{"code", "name"}, func(w io.Writer) {
		header2(w)
		for r := range 2000 {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>X%d</t></is></c></row>`, r+2, r+2, r)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	rows := 0
	err := EachContext(ctx, bytes.NewReader(b), "x.xlsx", nil, func(Row) error {
		rows++
		if rows == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || rows >= 2000 {
		t.Fatalf("err %v after %d rows, want context.Canceled early", err, rows)
	}
	cancel()
	if _, err := ReadContext(ctx, bytes.NewReader(b), "x.xlsx"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a done context: %v", err)
	}
}

// TestXLSXBrokenPartDoesNotHideTheRest: a part with a bad checksum before
// the sheet used to end the bounds check (found by FuzzReadXLSX: a 2 MB
// cell behind a corrupted sharedStrings.xml was read). Now the file is
// refused.
func TestXLSXBrokenPartDoesNotHideTheRest(t *testing.T) {
	b := rawXLSX(t, []string{"code", "name"}, func(w io.Writer) {
		header2(w)
		io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>`+strings.Repeat("A", MaxCellChars+1)+`</t></is></c></row>`)
	})
	// Corrupt the stored CRC-32 of xl/sharedStrings.xml in its local header
	// and in the central directory.
	name := []byte("xl/sharedStrings.xml")
	for i := 0; ; {
		j := bytes.Index(b[i:], name)
		if j < 0 {
			break
		}
		j += i
		switch {
		case j >= 30 && bytes.Equal(b[j-30:j-26], []byte("PK\x03\x04")):
			b[j-30+14] ^= 0xFF
		case j >= 46 && bytes.Equal(b[j-46:j-42], []byte("PK\x01\x02")):
			b[j-46+16] ^= 0xFF
		}
		i = j + len(name)
	}
	_, err := Read(bytes.NewReader(b), "broken.xlsx")
	wantRefusal(t, err, "not a readable .xlsx file")
}
