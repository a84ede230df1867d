package pdf

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/go-pdf/fpdf"
)

// DoorPlate is one "共产党员户" door plate (seed 003): it hangs on a member's
// door so that the masses can see the member's commitment and stars, via a
// QR code to the member's public page, and supervise them.
type DoorPlate struct {
	MemberName string
	BranchName string
	Category   string // Chinese label of the member's category
	Year       string
	Stars      int // stars earned this year, 0..Cap
	Cap        int // 10 or 6; 0 hides the star row
	Commitment string
	URL        string // the member's public page
}

// DoorPlateTitle and DoorPlateFooter are the fixed texts of a door plate.
const (
	DoorPlateTitle  = "共产党员户"
	DoorPlateFooter = "扫码查看承诺与星级，欢迎群众监督"
)

// ErrNoPlates is returned by DoorPlates when there is nothing to print.
var ErrNoPlates = errors.New("pdf: no door plates to print")

// DoorPlates writes an A5 landscape PDF with one door plate per page: a red
// (#C00000) frame, the title 共产党员户, the member's name, branch, category,
// year, stars and commitment, and a QR code to the member's public page.
func DoorPlates(w io.Writer, plates []DoorPlate) error {
	if len(plates) == 0 {
		return ErrNoPlates
	}
	f := newDoc("L", "A5", DoorPlateTitle)
	for i, p := range plates {
		name := fmt.Sprintf("qr%d", i)
		if err := registerQR(f, name, p.URL); err != nil {
			return fmt.Errorf("door plate %d (%s): %w", i+1, p.MemberName, err)
		}
		f.AddPage()
		drawPlate(f, p, name)
	}
	return finish(f, w)
}

func drawPlate(f *fpdf.Fpdf, p DoorPlate, qr string) {
	const pageW, pageH = 210.0, 148.0

	// Frame: a heavy outer line and a fine inner one.
	colRed.draw(f)
	f.SetLineWidth(1.8)
	f.Rect(5, 5, pageW-10, pageH-10, "D")
	f.SetLineWidth(0.4)
	f.Rect(8.5, 8.5, pageW-17, pageH-17, "D")

	// Title, letter-spaced.
	f.SetFont(fontFamily, "", 40)
	colRed.text(f)
	bold(f, true, colRed)
	spacedCentered(f, 0, 12, pageW, 20, DoorPlateTitle, 5)
	bold(f, false, colRed)
	f.SetLineWidth(0.7)
	f.Line(45, 36, pageW-45, 36)

	// Left block: labelled rows.
	const lx, labelW, vx, vw = 18.0, 22.0, 40.0, 96.0
	row := func(y, h float64, label string) {
		f.SetFont(fontFamily, "", 10.5)
		colGray.text(f)
		textAt(f, lx, y, h, label)
	}
	y := 41.0
	row(y, 12, "姓　　名")
	colBlack.text(f)
	name := fitText(f, p.MemberName, vw, 26, 14)
	bold(f, true, colBlack)
	textAt(f, vx, y, 12, name)
	bold(f, false, colBlack)
	y += 13

	for _, r := range []struct{ label, value string }{
		{"所在支部", p.BranchName},
		{"党员类别", p.Category},
		{"年　　度", p.Year},
	} {
		if r.value == "" {
			continue
		}
		row(y, 8, r.label)
		colText.text(f)
		textAt(f, vx, y, 8, fitText(f, r.value, vw, 13, 8))
		y += 9
	}
	if p.Cap > 0 {
		row(y, 8, "星　　级")
		drawStars(f, vx, y, 8, p.Stars, p.Cap)
		y += 9
	}

	// QR code on the right (the image has its own white quiet zone).
	f.ImageOptions(qr, 143, 39, 52, 52, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	f.SetFont(fontFamily, "", 8)
	colGray.text(f)
	textCentered(f, 143, 90, 52, 4, "扫一扫")

	// Commitment across the page.
	if y < 96 {
		y = 96
	}
	if p.Commitment != "" {
		const bottom = 123.0
		row(y, 6, "公开承诺")
		f.SetFont(fontFamily, "", 10.5)
		colText.text(f)
		cw := pageW - 18 - vx
		lineH := 5.2
		lines := wrapText(f, p.Commitment, cw)
		lines = clampLines(f, lines, int((bottom-y)/lineH), cw)
		for i, l := range lines {
			textAt(f, vx, y+float64(i)*lineH, 6, l)
		}
	}

	// Footer line.
	f.SetFont(fontFamily, "", 12)
	colRed.text(f)
	textCentered(f, 0, 127, pageW, 7, DoorPlateFooter)
}

// spacedCentered writes s centred in [x, x+w] with extra space gap (mm)
// between characters, vertically centred in [y, y+h].
func spacedCentered(f *fpdf.Fpdf, x, y, w, h float64, s string, gap float64) {
	rs := []rune(s)
	total := f.GetStringWidth(s) + gap*float64(len(rs)-1)
	cx := x + (w-total)/2
	for _, r := range rs {
		textAt(f, cx, y, h, string(r))
		cx += f.GetStringWidth(string(r)) + gap
	}
}

// drawStars draws cap stars, the first n filled, followed by "n / cap".
func drawStars(f *fpdf.Fpdf, x, y, h float64, n, cap int) {
	n = max(0, min(n, cap))
	const size, step = 5.6, 6.6
	colRed.draw(f)
	colRed.fill(f)
	f.SetLineWidth(0.35)
	shown := min(cap, 12)
	for i := 0; i < shown; i++ {
		style := "D"
		if i < n {
			style = "FD"
		}
		f.Polygon(starPoints(x+float64(i)*step+size/2, y+h/2, size/2), style)
	}
	f.SetFont(fontFamily, "", 11)
	colText.text(f)
	textAt(f, x+float64(shown)*step+1.5, y, h, fmt.Sprintf("%d / %d 星", n, cap))
}

// starPoints returns a five-pointed star of outer radius r centred at
// (cx, cy), point up.
func starPoints(cx, cy, r float64) []fpdf.PointType {
	pts := make([]fpdf.PointType, 0, 10)
	for i := 0; i < 10; i++ {
		rad := r
		if i%2 == 1 {
			rad = r * 0.4
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		pts = append(pts, fpdf.PointType{X: cx + rad*math.Cos(a), Y: cy + 0.04*r + rad*math.Sin(a)})
	}
	return pts
}
