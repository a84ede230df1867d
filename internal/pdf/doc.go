// Package pdf renders Pingyi's printable documents: one-time code slips
// (测评码), door plates (共产党员户), generic tables for bulletins and results,
// and bar charts to go with them. Every document uses the CJK font embedded in
// internal/assets, so it renders the same on an intranet with no fonts
// installed.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"

	"github.com/pingyi/pingyi/internal/assets"
)

// fontFamily is the name the embedded CJK font is registered under.
const fontFamily = "cjk"

// Colours used across documents.
var (
	colRed   = rgb{0xC0, 0x00, 0x00} // Party red, #C00000
	colBlack = rgb{0x00, 0x00, 0x00}
	colText  = rgb{0x1F, 0x1F, 0x1F}
	colGray  = rgb{0x66, 0x66, 0x66}
	colLight = rgb{0x99, 0x99, 0x99}
)

type rgb struct{ r, g, b int }

func (c rgb) text(f *fpdf.Fpdf) { f.SetTextColor(c.r, c.g, c.b) }
func (c rgb) draw(f *fpdf.Fpdf) { f.SetDrawColor(c.r, c.g, c.b) }
func (c rgb) fill(f *fpdf.Fpdf) { f.SetFillColor(c.r, c.g, c.b) }

// newDoc returns an fpdf document in millimetres with the CJK font loaded
// and automatic page breaks off (every layout here places its own content).
func newDoc(orientation, size, title string) *fpdf.Fpdf {
	f := fpdf.New(orientation, "mm", size, "")
	f.AddUTF8FontFromBytes(fontFamily, "", assets.FontCJK())
	f.SetFont(fontFamily, "", 10)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetCellMargin(0)
	f.SetCreator("Pingyi", true)
	if title != "" {
		f.SetTitle(title, true)
	}
	return f
}

// finish writes the document to w, reporting any error fpdf accumulated.
func finish(f *fpdf.Fpdf, w io.Writer) error {
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// bold turns simulated bold on or off: the embedded font has one weight, so
// glyphs are filled and stroked with a thin outline in the text colour.
func bold(f *fpdf.Fpdf, on bool, c rgb) {
	if on {
		c.draw(f)
		f.SetLineWidth(0.12)
		f.SetTextRenderingMode(2)
	} else {
		f.SetTextRenderingMode(0)
	}
}

// fitText sets the largest font size between size and minSize (in points,
// stepping by 0.5) at which s fits in width maxW, and returns s — shortened
// with an ellipsis if it does not fit even at minSize.
func fitText(f *fpdf.Fpdf, s string, maxW, size, minSize float64) string {
	for ; size > minSize; size -= 0.5 {
		f.SetFontSize(size)
		if f.GetStringWidth(s) <= maxW {
			return s
		}
	}
	f.SetFontSize(minSize)
	return truncate(f, s, maxW)
}

// truncate shortens s with a trailing ellipsis until it fits in maxW at the
// current font.
func truncate(f *fpdf.Fpdf, s string, maxW float64) string {
	if f.GetStringWidth(s) <= maxW {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		t := strings.TrimRightFunc(string(r), unicode.IsSpace) + "…"
		if f.GetStringWidth(t) <= maxW {
			return t
		}
	}
	return ""
}

// noLineStart are characters that must not begin a line (避头): they are
// kept at the end of the previous line instead.
const noLineStart = "，。、；：？！）》」』】〕〉”’,.;:?!)]}%％…—·"

// wrapText breaks s into lines no wider than maxW at the current font. CJK
// text breaks between any two characters; runs of Latin letters and digits
// break at spaces when possible. Explicit newlines are kept.
func wrapText(f *fpdf.Fpdf, s string, maxW float64) []string {
	return wrapWith(f.GetStringWidth, s, maxW)
}

// wrapWith is wrapText for any measure of string width.
func wrapWith(width func(string) float64, s string, maxW float64) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		lines = append(lines, wrapPara(width, para, maxW)...)
	}
	return lines
}

func wrapPara(width func(string) float64, s string, maxW float64) []string {
	if s == "" {
		return []string{""}
	}
	var lines []string
	var cur []rune
	brk := -1 // index in cur where the current Latin word or number starts
	for _, r := range s {
		if len(cur) > 0 && !(isWordRune(cur[len(cur)-1]) && isWordRune(r)) {
			brk = len(cur)
		}
		if len(cur) == 0 || strings.ContainsRune(noLineStart, r) || width(string(cur)+string(r)) <= maxW {
			cur = append(cur, r)
			continue
		}
		// r does not fit: break, if possible before the word r belongs to.
		if isWordRune(r) && isWordRune(cur[len(cur)-1]) && brk > 0 {
			lines = append(lines, strings.TrimRight(string(cur[:brk]), " "))
			cur = append([]rune(nil), cur[brk:]...)
		} else {
			lines = append(lines, strings.TrimRight(string(cur), " "))
			cur = nil
		}
		brk = -1
		if r != ' ' || len(cur) > 0 {
			cur = append(cur, r)
		}
	}
	return append(lines, string(cur))
}

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// clampLines keeps at most n lines, ending the last kept one with an
// ellipsis when lines were dropped.
func clampLines(f *fpdf.Fpdf, lines []string, n int, maxW float64) []string {
	if n <= 0 {
		return nil
	}
	if len(lines) <= n {
		return lines
	}
	lines = append([]string(nil), lines[:n]...)
	last := lines[n-1] + "…"
	if f.GetStringWidth(last) > maxW {
		last = truncate(f, lines[n-1]+"……", maxW)
	}
	lines[n-1] = last
	return lines
}

// registerQR encodes url as a QR code (medium error correction, with the
// standard 4-module quiet zone) and registers it under name.
func registerQR(f *fpdf.Fpdf, name, url string) error {
	if url == "" {
		return errors.New("pdf: empty URL for QR code")
	}
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("pdf: QR code: %w", err)
	}
	png, err := q.PNG(-8) // 8 pixels per module: crisp at any print size
	if err != nil {
		return fmt.Errorf("pdf: QR code: %w", err)
	}
	f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	return f.Error()
}

// textAt writes s with its left edge at x and its baseline placed so that the
// text is vertically centred in a band of height h starting at y.
func textAt(f *fpdf.Fpdf, x, y, h float64, s string) {
	_, fontH := f.GetFontSize() // in user units (mm)
	// CJK glyphs sit roughly between the baseline and 0.88 em above it.
	f.Text(x, y+h/2+fontH*0.36, s)
}

// textCentered writes s centred horizontally in [x, x+w] and vertically in
// the band [y, y+h].
func textCentered(f *fpdf.Fpdf, x, y, w, h float64, s string) {
	textAt(f, x+(w-f.GetStringWidth(s))/2, y, h, s)
}
