package tabular

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/pingyi/pingyi/internal/pingyi"
)

func readString(t *testing.T, content, name string) (*Table, error) {
	t.Helper()
	return Read(strings.NewReader(content), name)
}

func mustRead(t *testing.T, content, name string) *Table {
	t.Helper()
	tab, err := readString(t, content, name)
	if err != nil {
		t.Fatalf("Read(%q): %v", content, err)
	}
	return tab
}

// inputErrors returns the field errors of an *pingyi.InputError, failing
// the test for any other error.
func inputErrors(t *testing.T, err error) []pingyi.FieldError {
	t.Helper()
	var ie *pingyi.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want *pingyi.InputError, got %T %v", err, err)
	}
	return ie.Errors
}

type lineCells struct {
	Line  int
	Cells map[string]string
}

func summary(tab *Table) []lineCells {
	out := make([]lineCells, len(tab.Rows))
	for i, r := range tab.Rows {
		out[i] = lineCells{r.Line, r.Cells}
	}
	return out
}

const orgsCSV = "code,name,type,domain,parent_code,window_unit\n" +
	"C01,城关街道党工委,committee,community,,false\n" +
	"B01,\"Branch, one\",branch,community,C01,true\n"

func TestReadCSVEncodings(t *testing.T) {
	want := []lineCells{
		{2, map[string]string{"code": "C01", "name": "城关街道党工委", "type": "committee", "domain": "community", "parent_code": "", "window_unit": "false"}},
		{3, map[string]string{"code": "B01", "name": "Branch, one", "type": "branch", "domain": "community", "parent_code": "C01", "window_unit": "true"}},
	}
	wantHeader := []string{"code", "name", "type", "domain", "parent_code", "window_unit"}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(orgsCSV)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(orgsCSV, "\n")
	padded := strings.ReplaceAll(lines[0]+lines[1], ",", " ,\u3000\u00A0") + "B01,  \"Branch, one\",\tbranch,community\u3000,C01,true \n"
	cases := map[string]string{
		"plain":         orgsCSV,
		"bom":           "\uFEFF" + orgsCSV,
		"crlf":          strings.ReplaceAll(orgsCSV, "\n", "\r\n"),
		"bom+crlf":      "\uFEFF" + strings.ReplaceAll(orgsCSV, "\n", "\r\n"),
		"no final EOL":  strings.TrimSuffix(orgsCSV, "\n"),
		"gb18030":       gbk,
		"upper header":  strings.Replace(orgsCSV, "code,name", " CODE , Name", 1),
		"spaces padded": padded,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			tab := mustRead(t, content, "orgs.CSV")
			if !reflect.DeepEqual(tab.Header, wantHeader) {
				t.Errorf("header = %q, want %q", tab.Header, wantHeader)
			}
			if tab.HeaderLine != 1 {
				t.Errorf("header line = %d", tab.HeaderLine)
			}
			if got := summary(tab); !reflect.DeepEqual(got, want) {
				t.Errorf("rows =\n%v\nwant\n%v", got, want)
			}
			if err := tab.Require([]string{"code", "name", "type", "domain", "parent_code"}, []string{"window_unit"}, false); err != nil {
				t.Errorf("Require: %v", err)
			}
		})
	}
}

func TestReadCSVQuotedNewlinesAndBlankLines(t *testing.T) {
	content := "code,name,note\n" + // 1
		"\n" + // 2 blank
		"A1,\"Smith,\nJohn\",\"first\nsecond\r\nthird\"\n" + // 3-6
		",,\n" + // 7 blank cells
		" \u3000 , \u00A0\n" + // 8 white space only
		"A2,\"say \"\"hi\"\"\",x\n" + // 9
		"\r\n" + // 10
		"A3,short\n" // 11, fewer cells
	tab := mustRead(t, content, "x.csv")
	want := []lineCells{
		{3, map[string]string{"code": "A1", "name": "Smith,\nJohn", "note": "first\nsecond\nthird"}},
		{9, map[string]string{"code": "A2", "name": `say "hi"`, "note": "x"}},
		{11, map[string]string{"code": "A3", "name": "short", "note": ""}},
	}
	if got := summary(tab); !reflect.DeepEqual(got, want) {
		t.Errorf("rows =\n%v\nwant\n%v", got, want)
	}
	if got := tab.Rows[2].Get(" NOTE "); got != "" {
		t.Errorf("Get = %q", got)
	}
	if got := tab.Rows[0].Get("Name"); got != "Smith,\nJohn" {
		t.Errorf("Get(Name) = %q", got)
	}
	if !reflect.DeepEqual(tab.Rows[2].Raw, []string{"A3", "short"}) {
		t.Errorf("raw = %q", tab.Rows[2].Raw)
	}
}

func TestReadCSVHeaderAfterBlankLines(t *testing.T) {
	tab := mustRead(t, "\n\n a , b \nx,y\n", "f.csv")
	if tab.HeaderLine != 3 || len(tab.Rows) != 1 || tab.Rows[0].Line != 4 {
		t.Fatalf("header line %d rows %+v", tab.HeaderLine, tab.Rows)
	}
	err := tab.Require([]string{"a", "c"}, []string{"b"}, false)
	fes := inputErrors(t, err)
	if len(fes) != 1 || fes[0].Line != 3 || fes[0].Column != "c" {
		t.Errorf("errors = %+v", fes)
	}
}

func TestReadCSVTrailingEmptyHeaderAndCells(t *testing.T) {
	tab := mustRead(t, "a,b,,\n1,2,,\n3,4\n", "f.csv")
	if !reflect.DeepEqual(tab.Header, []string{"a", "b"}) {
		t.Errorf("header = %q", tab.Header)
	}
	if len(tab.Rows) != 2 {
		t.Fatalf("rows = %+v", tab.Rows)
	}
	if err := tab.Require([]string{"a", "b"}, nil, false); err != nil {
		t.Error(err)
	}
}

func TestReadCSVTooManyCells(t *testing.T) {
	content := "a,b\n1,2\n3,4,5\n6,7\n8,9,,10\n"
	tab, err := readString(t, content, "f.csv")
	fes := inputErrors(t, err)
	if len(fes) != 2 || fes[0].Line != 3 || fes[1].Line != 5 {
		t.Fatalf("errors = %+v", fes)
	}
	if !strings.Contains(fes[0].Message, "too many columns") {
		t.Errorf("message = %q", fes[0].Message)
	}
	if tab == nil || len(tab.Rows) != 2 || tab.Rows[0].Line != 2 || tab.Rows[1].Line != 4 {
		t.Errorf("good rows = %+v", tab)
	}
}

func TestReadCSVMalformed(t *testing.T) {
	cases := []struct {
		content string
		line    int
	}{
		{"a,b\n1,2\nx,y\"z\n", 3},
		{"a,b\n1,\"2\"x\n", 2},
		{"a,b\n1,2\n3,\"unterminated\n4,5\n", 4},
	}
	for _, c := range cases {
		_, err := readString(t, c.content, "f.csv")
		fes := inputErrors(t, err)
		if len(fes) != 1 || fes[0].Line != c.line || !strings.Contains(fes[0].Message, "character") {
			t.Errorf("%q: errors = %+v, want line %d", c.content, fes, c.line)
		}
	}
}

func TestReadErrors(t *testing.T) {
	if _, err := readString(t, "a\n1\n", "f.txt"); !errors.Is(err, pingyi.ErrInvalid) {
		t.Errorf("txt: %v", err)
	}
	if _, err := readString(t, "a\n1\n", "f.xls"); !errors.Is(err, pingyi.ErrInvalid) {
		t.Errorf("xls: %v", err)
	}
	if _, err := readString(t, "a\n1\n", "noext"); !errors.Is(err, pingyi.ErrInvalid) {
		t.Errorf("no extension: %v", err)
	}
	for _, empty := range []string{"", "\uFEFF", "\n\n", ",,\n  \n"} {
		_, err := readString(t, empty, "f.csv")
		if fes := inputErrors(t, err); fes[0].Line != 1 {
			t.Errorf("%q: %+v", empty, fes)
		}
	}
	_, err := readString(t, "\xFF\xFEa\x00,\x00", "f.csv")
	if fes := inputErrors(t, err); !strings.Contains(fes[0].Message, "UTF-16") {
		t.Errorf("utf16: %+v", fes)
	}
	_, err = readString(t, "not a zip", "f.xlsx")
	if fes := inputErrors(t, err); fes[0].Line != 1 {
		t.Errorf("bad xlsx: %+v", fes)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.xlsx")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing xlsx: %v", err)
	}
}

func TestInvalidUTF8AfterSniff(t *testing.T) {
	// A UTF-8 file longer than the sniffed prefix with a bad byte late.
	var b strings.Builder
	b.WriteString("a,b\n")
	for b.Len() < sniffSize+100 {
		b.WriteString("名字,值\n")
	}
	b.WriteString("x\xff,y\n")
	lines := strings.Count(b.String(), "\n")
	tab, err := readString(t, b.String(), "f.csv")
	fes := inputErrors(t, err)
	if len(fes) != 1 || fes[0].Line != lines || fes[0].Column != "a" {
		t.Errorf("errors = %+v (lines %d)", fes, lines)
	}
	if tab.Rows[0].Get("a") != "名字" {
		t.Errorf("first row = %+v", tab.Rows[0])
	}
}

func TestRequire(t *testing.T) {
	tab := mustRead(t, "Code,name,NAME,extra,,org_code\n", "f.csv")
	err := tab.Require([]string{"code", "name", "category"}, []string{"org_code"}, false)
	fes := inputErrors(t, err)
	want := []pingyi.FieldError{
		{Line: 1, Column: "name", Message: "duplicate column"},
		{Line: 1, Column: "extra"},
		{Line: 1, Column: "#5"},
		{Line: 1, Column: "category", Message: "missing column"},
	}
	if len(fes) != len(want) {
		t.Fatalf("errors = %+v", fes)
	}
	for i := range want {
		if fes[i].Line != want[i].Line || fes[i].Column != want[i].Column ||
			(want[i].Message != "" && fes[i].Message != want[i].Message) {
			t.Errorf("error %d = %+v, want %+v", i, fes[i], want[i])
		}
	}
	if !strings.Contains(fes[1].Message, "unknown column") {
		t.Errorf("unknown: %q", fes[1].Message)
	}
	// allowExtra: only the duplicate and the missing column remain.
	fes = inputErrors(t, tab.Require([]string{"CODE", "category"}, nil, true))
	if len(fes) != 2 || fes[0].Column != "name" || fes[1].Column != "category" {
		t.Errorf("allowExtra errors = %+v", fes)
	}
	ok := mustRead(t, "code,name,phone\n", "f.csv")
	if err := ok.Require([]string{"Name", "code"}, []string{"phone", "gender"}, false); err != nil {
		t.Errorf("Require: %v", err)
	}
	if err := ok.Require([]string{"name", "code"}, nil, false); err == nil {
		t.Error("unknown column phone accepted")
	}
	if err := ok.Require([]string{"name", "code"}, nil, true); err != nil {
		t.Errorf("allowExtra: %v", err)
	}
}

func TestStream(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.csv")
	if err := os.WriteFile(path, []byte("\uFEFFcode,name\r\nM1,a\r\n\r\nM2,b,c\r\nM3,c\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var lines []int
	header, err := Stream(path, func(r Row) error {
		lines = append(lines, r.Line)
		return nil
	})
	fes := inputErrors(t, err)
	if len(fes) != 1 || fes[0].Line != 4 {
		t.Errorf("errors = %+v", fes)
	}
	if !reflect.DeepEqual(header, []string{"code", "name"}) || !reflect.DeepEqual(lines, []int{2, 5}) {
		t.Errorf("header %q lines %v", header, lines)
	}
	stop := errors.New("stop")
	n := 0
	_, err = Stream(path, func(r Row) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("fn error: %v after %d rows", err, n)
	}
	if err := CheckHeader(header, 0, []string{"code", "name"}, nil, false); err != nil {
		t.Error(err)
	}
}

// buildXLSX writes a workbook whose first sheet holds rows; a second sheet
// must be ignored.
func buildXLSX(t *testing.T, rows [][]any, style func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	if err := f.SetSheetName(sheet, "名单"); err != nil {
		t.Fatal(err)
	}
	sheet = "名单"
	for i, row := range rows {
		for j, v := range row {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if style != nil {
		style(f, sheet)
	}
	if _, err := f.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Other", "A1", "not this"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSXMatchesCSV(t *testing.T) {
	rows := [][]any{
		{"Code", " name ", "org_code", "category", "is_secretary", "phone", "id_number", "birth_year", "score", "joined"},
		{"M0001", "张三", "B01", "farming", true, 13800138000, "330282198001011234", 1980, 0.1 + 0.2, nil},
		nil, // blank row 3
		{"M0002", "李四\u3000", "B01", "in_service", false, int64(15900001111), "11010519491231002X", 1949, 2.5, nil},
		{"007", nil, "B02", "elderly", nil, float64(13912345678), 330282198001011234, 1950.0, 100, 45000},
	}
	data := buildXLSX(t, rows, func(f *excelize.File, sheet string) {
		sci, err := f.NewStyle(&excelize.Style{NumFmt: 11}) // 0.00E+00
		if err != nil {
			t.Fatal(err)
		}
		date, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yy
		if err != nil {
			t.Fatal(err)
		}
		pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
		if err != nil {
			t.Fatal(err)
		}
		must(t, f.SetCellStyle(sheet, "F2", "F2", sci))
		must(t, f.SetCellStyle(sheet, "G5", "G5", sci))
		must(t, f.SetCellStyle(sheet, "J5", "J5", date))
		must(t, f.SetCellStyle(sheet, "I4", "I4", pct))
		// A number stored with an exponent and one with a trailing .0,
		// as some writers do.
		must(t, f.SetCellDefault(sheet, "F5", "1.3912345678E10"))
		must(t, f.SetCellDefault(sheet, "H4", "1949.0"))
	})
	csvText := "code,name,org_code,category,is_secretary,phone,id_number,birth_year,score,joined\n" +
		"M0001,张三,B01,farming,true,13800138000,330282198001011234,1980,0.3,\n" +
		"\n" +
		"M0002,李四,B01,in_service,false,15900001111,11010519491231002X,1949,2.5,\n" +
		"007,,B02,elderly,,13912345678,330282198001011234,1950,100,2023-03-15\n"
	fromCSV := mustRead(t, csvText, "m.csv")
	fromXLSX, err := Read(bytes.NewReader(data), "M.XLSX")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromXLSX.Header, fromCSV.Header) {
		t.Errorf("header = %q, want %q", fromXLSX.Header, fromCSV.Header)
	}
	if got, want := summary(fromXLSX), summary(fromCSV); !reflect.DeepEqual(got, want) {
		t.Errorf("xlsx rows =\n%v\ncsv rows =\n%v", got, want)
	}
	// The same from a path, and streamed.
	path := filepath.Join(t.TempDir(), "m.xlsx")
	must(t, os.WriteFile(path, data, 0o600))
	fromFile, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(summary(fromFile), summary(fromCSV)) {
		t.Errorf("ReadFile rows = %v", summary(fromFile))
	}
	var lines []int
	if _, err := Stream(path, func(r Row) error { lines = append(lines, r.Line); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(lines, []int{2, 4, 5}) {
		t.Errorf("streamed lines = %v", lines)
	}
}

func TestReadXLSXTooManyCellsAndGaps(t *testing.T) {
	rows := [][]any{
		nil,
		{"a", "b"},
		{1, nil, nil, "x"},
		{nil, 2},
	}
	data := buildXLSX(t, rows, nil)
	tab, err := Read(bytes.NewReader(data), "f.xlsx")
	fes := inputErrors(t, err)
	if len(fes) != 1 || fes[0].Line != 3 || !strings.Contains(fes[0].Message, "too many columns") {
		t.Errorf("errors = %+v", fes)
	}
	if tab.HeaderLine != 2 || len(tab.Rows) != 1 || tab.Rows[0].Line != 4 ||
		!reflect.DeepEqual(tab.Rows[0].Cells, map[string]string{"a": "", "b": "2"}) {
		t.Errorf("table = %+v", tab)
	}
}

func TestCellValue(t *testing.T) {
	cases := []struct{ raw, shown, want string }{
		{"abc", "abc", "abc"},
		{"007", "007", "007"},
		{"1", "TRUE", "true"},
		{"0", "FALSE", "false"},
		{"13800138000", "1.38E+10", "13800138000"},
		{"13800138000.0", "13800138000", "13800138000"},
		{"1.3800138E10", "13800138000", "13800138000"},
		{"330282198001011234", "3.30282198001011E+17", "330282198001011234"},
		{"3.3028219800101101E+17", "3.30282198001011E+17", "330282198001011000"},
		{"0.30000000000000004", "0.3", "0.3"},
		{"1234.5", "1,234.50", "1234.5"},
		{"0.15", "15.00%", "0.15"},
		{"-3", "(3)", "-3"},
		{"45000", "03-15-23", "2023-03-15"},
		{"45000.5", "2023/3/15 12:00", "2023-03-15 12:00:00"},
		{"0.75", "18:00:00", "18:00:00"},
		{"45000", "2023年3月15日", "2023-03-15"},
		{"5", "", "5"},
		{"2023-03-15T00:00:00Z", "03-15-23", "2023-03-15T00:00:00Z"},
	}
	for _, c := range cases {
		if got := cellValue(c.raw, c.shown, false); got != c.want {
			t.Errorf("cellValue(%q, %q) = %q, want %q", c.raw, c.shown, got, c.want)
		}
	}
	if got := cellValue("0", "01-01-04", true); got != "1904-01-01" {
		t.Errorf("1904 date = %q", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func FuzzReadCSV(f *testing.F) {
	seeds := []string{
		orgsCSV,
		"\uFEFF" + orgsCSV,
		strings.ReplaceAll(orgsCSV, "\n", "\r\n"),
		"a,b\n\"x\ny\",z\n\n,,\n1,2,3\n",
		"a,b\n1,\"2\"x\n",
		"a\n\"unterminated\n",
		"",
		"\n\n\n",
		"\xFF\xFE\x00a",
		"a,b\r\r\n1,2\r",
		"a,a,A\n1,2,3\n",
		"名字,值\n\xff\xfe,\xc0\n",
		" \"a\" , \"b\"\n \"1\",2\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Read(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			var ie *pingyi.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("non-input error %T: %v", err, err)
			}
			if len(ie.Errors) == 0 {
				t.Fatal("empty InputError")
			}
			for _, fe := range ie.Errors {
				if fe.Line < 1 {
					t.Fatalf("error line %d", fe.Line)
				}
			}
		}
		if tab == nil {
			return
		}
		prev := max(tab.HeaderLine, 1)
		for _, r := range tab.Rows {
			if r.Line < 2 || r.Line <= prev {
				t.Fatalf("row line %d after %d", r.Line, prev)
			}
			prev = r.Line
			if len(r.Cells) > len(tab.Header) {
				t.Fatalf("row has %d cells, header %d", len(r.Cells), len(tab.Header))
			}
			for _, v := range r.Cells {
				if v != Trim(v) {
					t.Fatalf("untrimmed cell %q", v)
				}
			}
		}
		_ = tab.Require([]string{"a"}, []string{"b"}, false)
		checkCSVRoundTrip(t, tab)
	})
}

func TestReadXLSXCorruptNeverPanics(t *testing.T) {
	data := buildXLSX(t, [][]any{{"a", "b"}, {1, "x"}, {true, 2.5}}, nil)
	try := func(b []byte) {
		t.Helper()
		tab, err := Read(bytes.NewReader(b), "f.xlsx")
		if err != nil {
			inputErrors(t, err)
			return
		}
		for _, r := range tab.Rows {
			if r.Line <= tab.HeaderLine {
				t.Fatalf("row line %d", r.Line)
			}
		}
	}
	for n := 0; n < len(data); n += len(data)/40 + 1 {
		try(data[:n])
	}
	for i := 0; i < len(data); i += len(data)/200 + 1 {
		b := bytes.Clone(data)
		b[i] ^= 0x5A
		try(b)
	}
}
