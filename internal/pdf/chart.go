package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/golang/freetype/truetype"
	"github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"github.com/pingyi/pingyi/internal/assets"
)

// Bar chart geometry, in pixels at chartDPI: 1600 px across is a landscape
// A4 page width at about 150 dpi, so point sizes print at their size.
const (
	chartW, chartH = 1600, 760
	chartDPI       = 144.0
	chartPadTop    = 80
	chartPadLeft   = 20
	chartPadRight  = 30
	chartTickPt    = 9
)

var cjkTrueType = sync.OnceValues(func() (*truetype.Font, error) {
	return truetype.Parse(assets.FontCJK())
})

// CJKTrueType returns the embedded CJK font parsed for
// github.com/golang/freetype (as go-chart uses it), parsed once.
func CJKTrueType() (*truetype.Font, error) { return cjkTrueType() }

// BarChartPNG draws a bar chart of values, one bar per label, with the
// title above and each bar's value printed on it, as a PNG image. Chinese
// labels are wrapped under their bars (and shortened if very long). Use it
// on a page with TableWithChart.
func BarChartPNG(title string, labels []string, values []float64) ([]byte, error) {
	if len(labels) != len(values) {
		return nil, fmt.Errorf("pdf: bar chart: %d labels for %d values", len(labels), len(values))
	}
	n := len(values)
	if n == 0 {
		return nil, errors.New("pdf: bar chart: no values")
	}
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("pdf: bar chart: values must be finite")
		}
	}
	ft, err := cjkTrueType()
	if err != nil {
		return nil, fmt.Errorf("pdf: parse CJK font: %w", err)
	}

	// Measure with a renderer like the one go-chart draws with, so that the
	// label lines fit exactly the slots go-chart gives them.
	mr, err := chart.PNG(chartW, chartH)
	if err != nil {
		return nil, fmt.Errorf("pdf: bar chart: %w", err)
	}
	mr.SetDPI(chartDPI)
	mr.SetFont(ft)
	width := func(s string) int { return mr.MeasureText(s).Width() }

	// Y range from zero (or the lowest value) with room for value labels.
	lo, hi := 0.0, 0.0
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	ticks, yr := niceTicks(lo, hi+(hi-lo)*0.1)
	mr.SetFontSize(chartTickPt)
	yAxisW := 0
	for _, t := range ticks {
		yAxisW = max(yAxisW, width(t.Label))
	}
	yAxisW += chart.DefaultYAxisMargin + 2

	// Bars and labels: size them for the number of bars.
	labelPt := 10.0
	switch {
	case n > 24:
		labelPt = 7
	case n > 12:
		labelPt = 8.5
	}
	slot := (chartW - chartPadLeft - chartPadRight - yAxisW) / n
	barW := min(slot*3/5, 140)
	spacing := slot - barW
	mr.SetFontSize(labelPt)
	lineH := mr.MeasureText("国").Height() + chart.DefaultLineSpacing
	perLabel := 3 // lines per bar label
	if n > 24 {
		perLabel = 4
	}
	maxLines := 1
	wrapped := make([]string, n)
	for i, l := range labels {
		ls := wrapPixels(width, strings.TrimSpace(l), slot-6, perLabel)
		maxLines = max(maxLines, len(ls))
		wrapped[i] = strings.Join(ls, "\n")
	}

	red := drawing.Color{R: 0xC0, G: 0x00, B: 0x00, A: 0xFF}
	bars := make([]chart.Value, n)
	for i := range values {
		bars[i] = chart.Value{
			Label: wrapped[i],
			Value: values[i],
			Style: chart.Style{FillColor: red, StrokeColor: red, StrokeWidth: 1},
		}
	}
	bc := chart.BarChart{
		Title:      title,
		TitleStyle: chart.Style{FontSize: 15, FontColor: drawing.ColorBlack},
		Width:      chartW,
		Height:     chartH,
		DPI:        chartDPI,
		Font:       ft,
		BarWidth:   barW,
		BarSpacing: spacing,
		Canvas:     chart.Style{FillColor: drawing.ColorWhite},
		Background: chart.Style{FillColor: drawing.ColorWhite, Padding: chart.Box{
			Top:    chartPadTop,
			Left:   chartPadLeft,
			Right:  chartPadRight,
			Bottom: maxLines*lineH + 2*chart.DefaultXAxisMargin,
		}},
		XAxis: chart.Style{FontSize: labelPt},
		YAxis: chart.YAxis{
			AxisType: chart.YAxisSecondary, // on the left
			Range:    yr,
			Ticks:    ticks,
			Style:    chart.Style{FontSize: chartTickPt},
		},
		Bars: bars,
	}
	if title == "" {
		bc.TitleStyle.Hidden = true
		bc.Background.Padding.Top = 30
	}
	bc.Elements = []chart.Renderable{valueLabels(ft, values, yr, barW, spacing, labelPt)}

	var buf bytes.Buffer
	if err := bc.Render(chart.PNG, &buf); err != nil {
		return nil, fmt.Errorf("pdf: bar chart: %w", err)
	}
	return buf.Bytes(), nil
}

// valueLabels prints each bar's value above it. It lays the bars out as
// go-chart's BarChart does (see calculateScaledTotalWidth).
func valueLabels(ft *truetype.Font, values []float64, yr *chart.ContinuousRange, barW, spacing int, pt float64) chart.Renderable {
	return func(r chart.Renderer, box chart.Box, _ chart.Style) {
		n := len(values)
		cw := box.Width()
		if n*(barW+spacing) > cw {
			if less := cw - n*barW; less > 0 {
				spacing = int(math.Ceil(float64(less) / float64(n)))
			} else {
				spacing = 0
			}
		}
		if n*(barW+spacing) > cw {
			if less := cw - n*spacing; less > 0 {
				barW = int(math.Ceil(float64(less) / float64(n)))
			} else {
				barW = 0
			}
		}
		r.SetFont(ft)
		r.SetFontSize(math.Min(pt, 9))
		r.SetFontColor(drawing.Color{R: 0x33, G: 0x33, B: 0x33, A: 0xFF})
		x := box.Left + spacing>>1
		for _, v := range values {
			s := formatValue(v)
			tb := r.MeasureText(s)
			if tb.Width() <= barW+spacing {
				top := box.Bottom - yr.Translate(math.Max(v, 0))
				r.Text(s, x+(barW-tb.Width())/2, top-6)
			}
			x += barW + spacing
		}
	}
}

// wrapPixels breaks s into at most maxLines lines no wider than w pixels.
func wrapPixels(width func(string) int, s string, w, maxLines int) []string {
	fw := func(t string) float64 { return float64(width(t)) }
	lines := wrapWith(fw, s, float64(w))
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		last := []rune(lines[maxLines-1])
		for len(last) > 0 && width(string(last)+"…") > w {
			last = last[:len(last)-1]
		}
		lines[maxLines-1] = string(last) + "…"
	}
	return lines
}

// niceTicks returns Y axis ticks at a round step covering [lo, hi], and the
// matching range.
func niceTicks(lo, hi float64) ([]chart.Tick, *chart.ContinuousRange) {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	end := math.Ceil(hi/step) * step
	var ticks []chart.Tick
	for k := 0; ; k++ {
		v := start + float64(k)*step
		if v > end+step/2 {
			break
		}
		v = math.Round(v/step) * step
		ticks = append(ticks, chart.Tick{Value: v, Label: formatValue(v)})
	}
	return ticks, &chart.ContinuousRange{Min: start, Max: end}
}

// formatValue prints v with at most two decimals and no trailing zeros.
func formatValue(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}
