package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Set PINGYI_PDF_OUT to a directory to keep the generated PDFs for a look.
func keep(t *testing.T, name string, b []byte) {
	t.Helper()
	dir := os.Getenv("PINGYI_PDF_OUT")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

var pageObj = regexp.MustCompile(`/Type /Page\b[^s]`)

// checkPDF asserts b is a PDF with the given number of pages.
func checkPDF(t *testing.T, b []byte, pages int) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("output does not start with %%PDF: %q", b[:min(len(b), 16)])
	}
	if got := len(pageObj.FindAll(b, -1)); got != pages {
		t.Fatalf("got %d pages, want %d", got, pages)
	}
}

// pdfText returns the text of b as extracted by pdftotext, or skips the
// calling test's text checks when pdftotext is not installed.
func pdfText(t *testing.T, b []byte) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Log("pdftotext not installed (apt-get install poppler-utils): skipping text extraction checks")
		return "", false
	}
	cmd := exec.Command(bin, "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out), true
}

func sampleSheet(n int) SlipSheet {
	s := SlipSheet{
		CampaignName:  "2025年度基层党组织和党员群众评议",
		UnitName:      "城关街道幸福社区党支部",
		CategoryLabel: "群众代表",
		Title:         "测评码",
	}
	for i := 0; i < n; i++ {
		code := fmt.Sprintf("K7Q%02dX9P", i)
		s.Slips = append(s.Slips, Slip{Code: code, URL: "https://pingyi.example.gov.cn/b/" + code})
	}
	return s
}

func TestCodeSlips(t *testing.T) {
	for _, tc := range []struct{ n, pages int }{{1, 1}, {15, 1}, {16, 2}, {31, 3}} {
		var buf bytes.Buffer
		if err := CodeSlips(&buf, sampleSheet(tc.n)); err != nil {
			t.Fatal(err)
		}
		checkPDF(t, buf.Bytes(), tc.pages)
		if tc.n == 16 {
			keep(t, "slips.pdf", buf.Bytes())
			if txt, ok := pdfText(t, buf.Bytes()); ok {
				for _, want := range []string{"2025年度基层党组织和党员群众评议", "群众代表", "K7Q00X9P", "K7Q15X9P", SlipInstruction} {
					if !strings.Contains(txt, want) {
						t.Errorf("extracted text lacks %q", want)
					}
				}
			}
		}
	}
}

func TestCodeSlipsLongNames(t *testing.T) {
	s := sampleSheet(3)
	s.CampaignName = strings.Repeat("中共某某市某某区委组织部关于开展", 4) + "群众评议活动"
	s.UnitName = strings.Repeat("某某经济技术开发区管理委员会", 3) + "党支部"
	s.CategoryLabel = "非党出资人/负责人及服务对象代表"
	s.Slips[1].Code = "ABCDEFGHJKLMNPQRSTUV"
	s.Slips[2].Code = "测评码甲乙丙丁"
	var buf bytes.Buffer
	if err := CodeSlips(&buf, s); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, buf.Bytes(), 1)
	keep(t, "slips-long.pdf", buf.Bytes())
	if txt, ok := pdfText(t, buf.Bytes()); ok && !strings.Contains(txt, "…") {
		t.Error("long campaign name was not truncated with an ellipsis")
	}
}

func TestCodeSlipsErrors(t *testing.T) {
	if err := CodeSlips(&bytes.Buffer{}, SlipSheet{}); err != ErrNoSlips {
		t.Fatalf("empty sheet: got %v, want ErrNoSlips", err)
	}
	s := sampleSheet(2)
	s.Slips[1].URL = ""
	if err := CodeSlips(&bytes.Buffer{}, s); err == nil {
		t.Fatal("slip with no URL: want error")
	}
}

func samplePlates() []DoorPlate {
	return []DoorPlate{
		{
			MemberName: "王建国", BranchName: "城关街道幸福社区第一党支部", Category: "在职党员", Year: "2025",
			Stars: 8, Cap: 10,
			Commitment: "一、带头学习党的创新理论，每月参加支部主题党日；二、联系服务2户群众，帮助解决实际困难；三、参与社区环境整治志愿服务，每季度不少于2次；四、按时足额交纳党费。",
			URL:        "https://pingyi.example.gov.cn/p/m/1001",
		},
		{
			MemberName: "李秀英", BranchName: "东河村党支部", Category: "年老体弱无劳动能力党员", Year: "2025",
			Stars: 5, Cap: 6, Commitment: "", URL: "https://pingyi.example.gov.cn/p/m/1002",
		},
		{
			MemberName: "欧阳某某某某某某某某某某某某某某某", BranchName: strings.Repeat("某某经济技术开发区管理委员会", 4), Category: "外出务工流动党员", Year: "2025",
			Stars: 0, Cap: 6, Commitment: strings.Repeat("坚持做到遵纪守法，诚信经营，带动群众共同致富。", 12),
			URL: "https://pingyi.example.gov.cn/p/m/1003",
		},
	}
}

func TestDoorPlates(t *testing.T) {
	var buf bytes.Buffer
	if err := DoorPlates(&buf, samplePlates()); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, buf.Bytes(), 3)
	keep(t, "plates.pdf", buf.Bytes())
	if txt, ok := pdfText(t, buf.Bytes()); ok {
		for _, want := range []string{"共", "王建国", "城关街道幸福社区第一党支部", "8 / 10", DoorPlateFooter} {
			if !strings.Contains(txt, want) {
				t.Errorf("extracted text lacks %q", want)
			}
		}
	}
	if err := DoorPlates(&bytes.Buffer{}, nil); err != ErrNoPlates {
		t.Fatalf("no plates: got %v, want ErrNoPlates", err)
	}
}

func sampleResults() ([]string, [][]string) {
	header := []string{"序号", "被评议对象", "所属组织", "有效票", "满意", "基本满意", "不满意", "得分", "满意率", "标记"}
	var rows [][]string
	units := []string{"幸福社区党支部", "东河村党支部", "城关街道机关党支部", "某某经济技术开发区管理委员会第二党支部", "新兴物流有限公司党支部"}
	for i := 0; i < 60; i++ {
		rows = append(rows, []string{
			fmt.Sprint(i + 1), fmt.Sprintf("党员%02d", i+1), units[i%len(units)],
			fmt.Sprint(30 + i%7), fmt.Sprint(20 + i%5), fmt.Sprint(5 + i%3), fmt.Sprint(i % 4),
			fmt.Sprintf("%.2f", 60+float64(i%40)), fmt.Sprintf("%.1f%%", 70+float64(i%30)),
			[]string{"", "诫勉谈话；取消年度评先评优资格", "不得作为先进典型", ""}[i%4],
		})
	}
	return header, rows
}

func TestTable(t *testing.T) {
	header, rows := sampleResults()
	var buf bytes.Buffer
	if err := Table(&buf, "2025年度群众评议结果通报", header, rows); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatal("not a PDF")
	}
	pages := len(pageObj.FindAll(b, -1))
	if pages < 2 {
		t.Fatalf("60 rows fit on %d page(s); want the table to run over several", pages)
	}
	keep(t, "table.pdf", b)
	if txt, ok := pdfText(t, b); ok {
		for _, want := range []string{"2025年度群众评议结果通报", "被评议对象", "党员60", "第 1 页", fmt.Sprintf("共 %d 页", pages)} {
			if !strings.Contains(txt, want) {
				t.Errorf("extracted text lacks %q", want)
			}
		}
		// The header is repeated on every page.
		if got := strings.Count(txt, "被评议对象"); got != pages {
			t.Errorf("header printed %d times on %d pages", got, pages)
		}
	}
}

func TestTableSmallAndEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := Table(&buf, "季度通报", []string{"支部", "人数"}, [][]string{{"幸福社区党支部", "12"}}); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, buf.Bytes(), 1)
	buf.Reset()
	if err := Table(&buf, "空表", []string{"支部", "人数"}, nil); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, buf.Bytes(), 1)
	if txt, ok := pdfText(t, buf.Bytes()); ok && !strings.Contains(txt, "无数据") {
		t.Error("empty table does not say 无数据")
	}
	buf.Reset()
	if err := Table(&buf, "", nil, nil); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, buf.Bytes(), 1)
	// A single huge cell must not break the layout.
	buf.Reset()
	long := strings.Repeat("群众反映的问题需要及时整改落实。", 400) + "完。"
	if err := Table(&buf, "长文本", []string{"编号", "意见"}, [][]string{{"1", "短"}, {"2", long}, {"3", "短"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(pageObj.FindAll(buf.Bytes(), -1)); n < 3 {
		t.Errorf("a 6400-character cell fits on %d page(s)", n)
	}
	keep(t, "table-long.pdf", buf.Bytes())
	if txt, ok := pdfText(t, buf.Bytes()); ok && !strings.Contains(txt, "完。") {
		t.Error("the end of a cell split across pages is missing")
	}
}

func TestBarChartAndTableWithChart(t *testing.T) {
	labels := []string{"幸福社区党支部", "东河村党支部", "城关街道机关党支部", "某某经济技术开发区管理委员会第二党支部", "新兴物流公司党支部", "西山村党支部"}
	values := []float64{92.5, 81, 67.25, 100, 58, 0}
	png, err := BarChartPNG("各党支部满意率（%）", labels, values)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatal("BarChartPNG did not return a PNG")
	}
	keep(t, "chart.png", png)
	var rows [][]string
	for i, l := range labels {
		rows = append(rows, []string{l, formatValue(values[i])})
	}
	var buf bytes.Buffer
	if err := TableWithChart(&buf, "2025年第二季度星级管理通报", png, []string{"党支部", "满意率（%）"}, rows); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, buf.Bytes(), 1)
	keep(t, "table-chart.pdf", buf.Bytes())
	if txt, ok := pdfText(t, buf.Bytes()); ok && !strings.Contains(txt, "2025年第二季度星级管理通报") {
		t.Error("extracted text lacks the title")
	}

	// Edge cases: all zero, one bar, many bars, mismatched input.
	if _, err := BarChartPNG("", []string{"甲"}, []float64{0}); err != nil {
		t.Errorf("single zero bar: %v", err)
	}
	many := make([]string, 40)
	mv := make([]float64, 40)
	for i := range many {
		many[i] = fmt.Sprintf("第%d党支部", i+1)
		mv[i] = float64(i * 3)
	}
	if png, err := BarChartPNG("四十个支部", many, mv); err != nil {
		t.Errorf("40 bars: %v", err)
	} else {
		keep(t, "chart-many.png", png)
	}
	if _, err := BarChartPNG("x", []string{"a"}, nil); err == nil {
		t.Error("mismatched labels and values: want error")
	}
	if _, err := BarChartPNG("x", nil, nil); err == nil {
		t.Error("no bars: want error")
	}
}

func TestFormatValue(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 1: "1", 92.5: "92.5", 67.25: "67.25", 0.8333: "0.83", -0.001: "0", 100: "100"} {
		if got := formatValue(v); got != want {
			t.Errorf("formatValue(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestWrapWith(t *testing.T) {
	// Every rune is 1 wide.
	width := func(s string) float64 { return float64(len([]rune(s))) }
	for _, tc := range []struct {
		in   string
		w    float64
		want []string
	}{
		{"共产党员户", 10, []string{"共产党员户"}},
		{"一二三四五六", 4, []string{"一二三四", "五六"}},
		{"第12党支部", 2, []string{"第", "12", "党支", "部"}},
		{"hello world again", 11, []string{"hello world", "again"}},
		{"满意率高。好", 5, []string{"满意率高。", "好"}}, // 。 may not start a line
		{"甲\n乙", 5, []string{"甲", "乙"}},
		{"", 5, []string{""}},
		{"abcdefgh", 3, []string{"abc", "def", "gh"}}, // a word longer than a line is cut
	} {
		got := wrapWith(width, tc.in, tc.w)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("wrapWith(%q, %v) = %q, want %q", tc.in, tc.w, got, tc.want)
		}
	}
}
