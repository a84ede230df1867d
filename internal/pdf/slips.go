package pdf

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"
)

// Slip is one one-time code (测评码) to print: the code itself and the URL
// its QR code opens.
type Slip struct {
	Code, URL string
}

// SlipSheet is a batch of code slips for one campaign, evaluation unit and
// evaluator category, to be printed, cut apart and handed out at random at
// the unit's meeting.
type SlipSheet struct {
	CampaignName  string
	UnitName      string
	CategoryLabel string // Chinese label of the evaluator category, e.g. 群众代表
	Slips         []Slip
	Title         string // e.g. "测评码"; defaults to 测评码
}

// SlipInstruction is the line printed at the foot of every slip.
const SlipInstruction = "请用手机扫码参加测评，本码仅可使用一次"

// Slip grid on an A4 portrait page (millimetres).
const (
	slipCols    = 3
	slipRows    = 5
	slipPerPage = slipCols * slipRows
	slipLeft    = 6.0
	slipTop     = 11.0
	slipW       = (210.0 - 2*slipLeft) / slipCols // 66
	slipH       = 56.0
	slipPad     = 3.5
	slipQR      = 33.0
)

// ErrNoSlips is returned by CodeSlips for a sheet with no slips.
var ErrNoSlips = errors.New("pdf: no slips to print")

// CodeSlips writes an A4 portrait PDF of code slips, 15 to a page (3 columns
// × 5 rows) with dashed cut lines between them. Each slip shows the campaign
// and unit names, the evaluator category, a QR code of the slip's URL, the
// code in large monospaced type and the instruction SlipInstruction.
func CodeSlips(w io.Writer, s SlipSheet) error {
	if len(s.Slips) == 0 {
		return ErrNoSlips
	}
	title := s.Title
	if title == "" {
		title = "测评码"
	}
	f := newDoc("P", "A4", strings.TrimSpace(s.CampaignName+" "+title))
	pages := (len(s.Slips) + slipPerPage - 1) / slipPerPage
	for i, sl := range s.Slips {
		if err := registerQR(f, fmt.Sprintf("qr%d", i), sl.URL); err != nil {
			return fmt.Errorf("slip %d (%s): %w", i+1, sl.Code, err)
		}
	}
	for p := 0; p < pages; p++ {
		f.AddPage()
		slipPageHeader(f, s, title, p+1, pages)
		for k := 0; k < slipPerPage; k++ {
			i := p*slipPerPage + k
			if i >= len(s.Slips) {
				break
			}
			x := slipLeft + float64(k%slipCols)*slipW
			y := slipTop + float64(k/slipCols)*slipH
			drawSlip(f, x, y, s, title, s.Slips[i], fmt.Sprintf("qr%d", i))
		}
		slipCutLines(f)
	}
	return finish(f, w)
}

func slipPageHeader(f *fpdf.Fpdf, s SlipSheet, title string, page, pages int) {
	f.SetFont(fontFamily, "", 7.5)
	colGray.text(f)
	right := fmt.Sprintf("第 %d 页，共 %d 页（%d 张）", page, pages, len(s.Slips))
	rw := f.GetStringWidth(right)
	left := title
	for _, part := range []string{s.CampaignName, s.UnitName, s.CategoryLabel} {
		if part != "" {
			left += " · " + part
		}
	}
	left = truncate(f, left, 210-2*slipLeft-rw-4)
	textAt(f, slipLeft, 4, 5, left)
	textAt(f, 210-slipLeft-rw, 4, 5, right)
}

func slipCutLines(f *fpdf.Fpdf) {
	colLight.draw(f)
	f.SetLineWidth(0.2)
	f.SetDashPattern([]float64{2, 1.5}, 0)
	bottom := slipTop + slipRows*slipH
	for c := 0; c <= slipCols; c++ {
		x := slipLeft + float64(c)*slipW
		f.Line(x, slipTop, x, bottom)
	}
	for r := 0; r <= slipRows; r++ {
		y := slipTop + float64(r)*slipH
		f.Line(slipLeft, y, 210-slipLeft, y)
	}
	f.SetDashPattern(nil, 0)
}

func drawSlip(f *fpdf.Fpdf, x, y float64, s SlipSheet, title string, sl Slip, img string) {
	inner := slipW - 2*slipPad

	// Campaign name.
	f.SetFont(fontFamily, "", 9.5)
	colText.text(f)
	name := fitText(f, s.CampaignName, inner, 9.5, 7)
	bold(f, true, colText)
	textCentered(f, x+slipPad, y+slipPad, inner, 5, name)
	bold(f, false, colText)

	// Unit name.
	colGray.text(f)
	unit := fitText(f, s.UnitName, inner, 8, 6.5)
	textCentered(f, x+slipPad, y+slipPad+5.3, inner, 4.5, unit)

	// Separator.
	f.SetDrawColor(0xE6, 0xB8, 0xB8)
	f.SetLineWidth(0.25)
	f.Line(x+slipPad, y+14.4, x+slipW-slipPad, y+14.4)

	// QR code (its image carries a 4-module white quiet zone).
	f.ImageOptions(img, x+2, y+15, slipQR, slipQR, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")

	// Right column: category, title, code.
	cx := x + 2 + slipQR + 0.5
	cw := x + slipW - slipPad - cx
	if s.CategoryLabel != "" {
		f.SetFont(fontFamily, "", 8.5)
		label := fitText(f, s.CategoryLabel, cw-3, 8.5, 6.5)
		bw := f.GetStringWidth(label) + 3
		colRed.fill(f)
		f.RoundedRect(cx+(cw-bw)/2, y+18, bw, 6, 1.2, "1234", "F")
		f.SetTextColor(255, 255, 255)
		textCentered(f, cx, y+18, cw, 6, label)
	}
	f.SetFont(fontFamily, "", 7.5)
	colGray.text(f)
	textCentered(f, cx, y+26.5, cw, 4, fitText(f, title, cw, 7.5, 5.5))
	drawCode(f, cx, y+31, cw, 13, sl.Code)

	// Instruction.
	f.SetFont(fontFamily, "", 7.5)
	colText.text(f)
	textCentered(f, x+slipPad, y+49, inner, 4, fitText(f, SlipInstruction, inner, 7.5, 5))
}

// drawCode prints code as large as fits in the box, in Courier Bold when it
// is plain ASCII, on one line or, when long, split over two.
func drawCode(f *fpdf.Fpdf, x, y, w, h float64, code string) {
	colBlack.text(f)
	if isASCII(code) {
		f.SetFont("Courier", "B", 18)
	} else {
		f.SetFont(fontFamily, "", 18)
	}
	for size := 18.0; size >= 10; size -= 0.5 {
		f.SetFontSize(size)
		if f.GetStringWidth(code) <= w {
			textCentered(f, x, y, w, h, code)
			return
		}
	}
	r := []rune(code)
	a, b := string(r[:(len(r)+1)/2]), string(r[(len(r)+1)/2:])
	longer := a
	if f.GetStringWidth(b) > f.GetStringWidth(a) {
		longer = b
	}
	fitText(f, longer, w, 14, 6)
	textCentered(f, x, y, w, h/2, a)
	textCentered(f, x, y+h/2, w, h/2, truncate(f, b, w))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return false
		}
	}
	return true
}
