package pdf

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/go-pdf/fpdf"
)

// Table layout (millimetres, points for fonts).
const (
	tblMarginX   = 12.0
	tblTop       = 12.0
	tblBottom    = 16.0 // space kept free at the foot of a page for the page number
	tblFont      = 9.0
	tblLineH     = 4.6
	tblPadX      = 1.6
	tblPadY      = 1.3
	tblMinColW   = 12.0
	tblTitleFont = 15.0
)

// Table writes a printable A4 table: the title on the first page, a header
// row repeated on every page, long cells wrapped, numeric columns right
// aligned, and "第 N 页，共 M 页" at the foot of each page. The page is
// landscape when there are many columns or they need the width.
func Table(w io.Writer, title string, header []string, rows [][]string) error {
	return renderTable(w, title, nil, header, rows)
}

// TableWithChart is Table with an image (typically a BarChartPNG) placed
// under the title, across the width of the page, before the table. A nil or
// empty chartPNG gives the same document as Table.
func TableWithChart(w io.Writer, title string, chartPNG []byte, header []string, rows [][]string) error {
	return renderTable(w, title, chartPNG, header, rows)
}

type tableDoc struct {
	f            *fpdf.Fpdf
	title        string
	orientation  string
	pageW, pageH float64
	header       []string
	widths       []float64
	right        []bool // right-align this column
}

func renderTable(w io.Writer, title string, chartPNG []byte, header []string, rows [][]string) error {
	f := newDoc("P", "A4", title)
	f.AliasNbPages("{nb}")
	t := &tableDoc{f: f, title: title, header: header}

	ncols := len(header)
	for _, r := range rows {
		ncols = max(ncols, len(r))
	}
	t.header = make([]string, ncols)
	copy(t.header, header)

	f.SetFont(fontFamily, "", tblFont)
	natural := t.naturalWidths(rows, ncols)
	var sum float64
	for _, n := range natural {
		sum += n
	}
	t.orientation, t.pageW, t.pageH = "P", 210, 297
	if ncols > 6 || (ncols > 3 && sum > 210-2*tblMarginX) {
		t.orientation, t.pageW, t.pageH = "L", 297, 210
	}
	t.widths = fitWidths(natural, t.pageW-2*tblMarginX)
	t.right = numericColumns(rows, ncols)

	f.SetFooterFunc(func() {
		f.SetFont(fontFamily, "", 8.5)
		colGray.text(f)
		textCentered(f, 0, t.pageH-11, t.pageW, 5, fmt.Sprintf("第 %d 页，共 {nb} 页", f.PageNo()))
	})

	// First page: title, optional chart.
	t.addPage(false)
	y := tblTop
	if title != "" {
		f.SetFont(fontFamily, "", tblTitleFont)
		colBlack.text(f)
		maxW := t.pageW - 2*tblMarginX
		lines := clampLines(f, wrapText(f, title, maxW), 2, maxW)
		bold(f, true, colBlack)
		for _, l := range lines {
			textCentered(f, tblMarginX, y, maxW, 7.5, l)
			y += 7.5
		}
		bold(f, false, colBlack)
		y += 3
	}
	if len(chartPNG) > 0 {
		info := f.RegisterImageOptionsReader("chart", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(chartPNG))
		if err := f.Error(); err != nil {
			return fmt.Errorf("pdf: chart image: %w", err)
		}
		iw, ih := t.pageW-2*tblMarginX, 0.0
		if info.Width() > 0 {
			ih = iw * info.Height() / info.Width()
		}
		if maxH := (t.pageH - tblTop - tblBottom) * 0.55; ih > maxH {
			iw, ih = iw*maxH/ih, maxH
		}
		f.ImageOptions("chart", (t.pageW-iw)/2, y, iw, ih, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		y += ih + 4
	}

	if ncols == 0 {
		f.SetFont(fontFamily, "", 10)
		colGray.text(f)
		textCentered(f, tblMarginX, y, t.pageW-2*tblMarginX, 8, "（无数据）")
		return finish(f, w)
	}

	f.SetFont(fontFamily, "", tblFont)
	headLines, headH := t.wrapRow(t.header)
	limit := t.pageH - tblBottom
	if len(rows) > 0 {
		// Keep the header with at least the first row.
		_, first := t.wrapRow(rows[0])
		if y+headH+min(first, 3*tblLineH) > limit {
			t.addPage(true)
			y = t.bodyTop()
		}
	}
	y = t.drawHeader(y, headLines, headH)
	if len(rows) == 0 {
		f.SetFont(fontFamily, "", tblFont)
		colGray.text(f)
		colLight.draw(f)
		f.SetLineWidth(0.2)
		tw := t.pageW - 2*tblMarginX
		f.Rect(tblMarginX, y, tw, 8, "D")
		textCentered(f, tblMarginX, y, tw, 8, "（无数据）")
		return finish(f, w)
	}
	fullBody := limit - tblTop - headH
	for i, r := range rows {
		f.SetFont(fontFamily, "", tblFont)
		lines, h := t.wrapRow(r)
		if y+h > limit && (h <= fullBody || y+2*tblPadY+3*tblLineH > limit) {
			t.addPage(true)
			y = t.drawHeader(t.bodyTop(), headLines, headH)
		}
		// A row taller than a page is split across pages.
		for y+h > limit {
			n := max(1, int((limit-y-2*tblPadY)/tblLineH))
			head, rest := splitLines(lines, n)
			t.drawRow(y, head, float64(n)*tblLineH+2*tblPadY, i%2 == 1)
			t.addPage(true)
			y = t.drawHeader(t.bodyTop(), headLines, headH)
			lines = rest
			h = float64(maxLines(lines))*tblLineH + 2*tblPadY
		}
		t.drawRow(y, lines, h, i%2 == 1)
		y += h
	}
	return finish(f, w)
}

// splitLines cuts every column's lines after the first n.
func splitLines(lines [][]string, n int) (head, rest [][]string) {
	head = make([][]string, len(lines))
	rest = make([][]string, len(lines))
	for c, l := range lines {
		k := min(n, len(l))
		head[c], rest[c] = l[:k], l[k:]
	}
	return head, rest
}

func maxLines(lines [][]string) int {
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	return n
}

func (t *tableDoc) addPage(running bool) {
	t.f.AddPageFormat(t.orientation, fpdf.SizeType{Wd: 210, Ht: 297})
	if running && t.title != "" {
		t.f.SetFont(fontFamily, "", 8)
		colGray.text(t.f)
		textAt(t.f, tblMarginX, 5, 5, truncate(t.f, t.title, t.pageW-2*tblMarginX))
	}
}

func (t *tableDoc) bodyTop() float64 { return tblTop }

// naturalWidths is, per column, the width its widest line needs, capped so
// that one long text column cannot take the whole page.
func (t *tableDoc) naturalWidths(rows [][]string, ncols int) []float64 {
	f := t.f
	ws := make([]float64, ncols)
	measure := func(c int, s string) {
		for _, l := range strings.Split(s, "\n") {
			ws[c] = max(ws[c], f.GetStringWidth(l)+2*tblPadX)
		}
	}
	for c, h := range t.header {
		measure(c, h)
	}
	for _, r := range rows {
		for c, s := range r {
			measure(c, s)
		}
	}
	for c := range ws {
		ws[c] = min(max(ws[c], tblMinColW), 120)
	}
	return ws
}

// fitWidths scales natural column widths to exactly avail: spare room is
// shared out in proportion; when short, the widest columns are narrowed
// first (their text wraps), and only then are all columns scaled down.
func fitWidths(natural []float64, avail float64) []float64 {
	ws := append([]float64(nil), natural...)
	var sum float64
	for _, n := range ws {
		sum += n
	}
	if len(ws) == 0 || sum == 0 {
		return ws
	}
	if sum <= avail {
		for i := range ws {
			ws[i] += (avail - sum) * ws[i] / sum
		}
		return ws
	}
	// Find the cap c with sum(max(min(n, c), floor)) == avail.
	floor := min(tblMinColW, avail/float64(len(ws)))
	total := func(c float64) float64 {
		var s float64
		for _, n := range natural {
			s += max(min(n, c), min(n, floor))
		}
		return s
	}
	lo, hi := 0.0, 0.0
	for _, n := range natural {
		hi = max(hi, n)
	}
	for k := 0; k < 60; k++ {
		mid := (lo + hi) / 2
		if total(mid) > avail {
			hi = mid
		} else {
			lo = mid
		}
	}
	sum = 0
	for i, n := range natural {
		ws[i] = max(min(n, lo), min(n, floor))
		sum += ws[i]
	}
	for i := range ws {
		ws[i] *= avail / sum
	}
	return ws
}

var numericCell = regexp.MustCompile(`^[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?\s*[%％]?$`)

// numericColumns reports the columns whose non-empty cells are all numbers.
func numericColumns(rows [][]string, ncols int) []bool {
	right := make([]bool, ncols)
	seen := make([]bool, ncols)
	for c := range right {
		right[c] = true
	}
	for _, r := range rows {
		for c, s := range r {
			s = strings.TrimSpace(s)
			if s == "" || s == "-" || s == "—" {
				continue
			}
			seen[c] = true
			if !numericCell.MatchString(s) || !strings.ContainsAny(s, "0123456789") {
				right[c] = false
			}
		}
	}
	for c := range right {
		right[c] = right[c] && seen[c]
	}
	return right
}

// wrapRow wraps every cell of r to its column and returns the lines and the
// row height.
func (t *tableDoc) wrapRow(r []string) ([][]string, float64) {
	lines := make([][]string, len(t.widths))
	n := 1
	for c := range t.widths {
		s := ""
		if c < len(r) {
			s = r[c]
		}
		lines[c] = wrapText(t.f, s, t.widths[c]-2*tblPadX)
		n = max(n, len(lines[c]))
	}
	return lines, float64(n)*tblLineH + 2*tblPadY
}

func (t *tableDoc) drawHeader(y float64, lines [][]string, h float64) float64 {
	f := t.f
	f.SetFont(fontFamily, "", tblFont)
	f.SetFillColor(0xF4, 0xE1, 0xE1)
	f.SetDrawColor(0xB0, 0xB0, 0xB0)
	f.SetLineWidth(0.2)
	x := tblMarginX
	for c, wd := range t.widths {
		f.Rect(x, y, wd, h, "FD")
		colBlack.text(f)
		bold(f, true, colBlack)
		// Header cells are centred, block and lines.
		top := y + (h-float64(len(lines[c]))*tblLineH)/2
		for i, l := range lines[c] {
			textCentered(f, x+tblPadX, top+float64(i)*tblLineH, wd-2*tblPadX, tblLineH, l)
		}
		bold(f, false, colBlack)
		f.SetDrawColor(0xB0, 0xB0, 0xB0)
		f.SetLineWidth(0.2)
		x += wd
	}
	return y + h
}

func (t *tableDoc) drawRow(y float64, lines [][]string, h float64, shade bool) {
	f := t.f
	f.SetFont(fontFamily, "", tblFont)
	f.SetFillColor(0xF7, 0xF7, 0xF7)
	f.SetDrawColor(0xB0, 0xB0, 0xB0)
	f.SetLineWidth(0.2)
	colText.text(f)
	style := "D"
	if shade {
		style = "FD"
	}
	x := tblMarginX
	for c, wd := range t.widths {
		f.Rect(x, y, wd, h, style)
		for i, l := range lines[c] {
			ly := y + tblPadY + float64(i)*tblLineH
			if t.right[c] {
				textAt(f, x+wd-tblPadX-f.GetStringWidth(l), ly, tblLineH, l)
			} else {
				textAt(f, x+tblPadX, ly, tblLineH, l)
			}
		}
		x += wd
	}
}
