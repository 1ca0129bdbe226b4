package report

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// chartLine is one series of a chart.
type chartLine struct {
	Label string
	X, Y  []float64
	// Step draws a staircase (capacity), otherwise straight segments.
	Step bool
}

// chart describes an SVG chart; the renderer is deliberately small: axes, ticks, lines or
// points, and a legend — enough for timelines, scatter and break-even plots, with no
// script and no external asset so the report works offline.
type chart struct {
	Title, XLabel, YLabel string
	Lines                 []chartLine
	LogX                  bool
	Points                bool // scatter: draw markers with labels instead of lines
	YMin0                 bool // start the Y axis at zero
}

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"}

const (
	chartW, chartH              = 640, 300
	padL, padR, padT, padB      = 64, 16, 28, 44
	plotW, plotH                = chartW - padL - padR, chartH - padT - padB
	legendLineH                 = 14
	maxPointsPerLine            = 600
	fmtCoord                    = "%.1f"
	svgOpen                     = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`
	noDataText                  = "no data"
	axisColor, gridColor, textC = "#444", "#e5e5e5", "#222"
)

// render returns the chart as an SVG element.
func (c chart) render() string {
	legendH := legendLineH * ((len(c.Lines) + 2) / 3)
	h := chartH + legendH
	var b strings.Builder
	fmt.Fprintf(&b, svgOpen, chartW, h, chartW, h, html.EscapeString(c.Title))
	fmt.Fprintf(&b, `<text x="%d" y="16" font-size="13" font-weight="bold" fill="%s">%s</text>`, padL, textC, html.EscapeString(c.Title))
	xmin, xmax, ymin, ymax, ok := c.bounds()
	if !ok {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#888">%s</text></svg>`, chartW/2-20, chartH/2, noDataText)
		return b.String()
	}
	tx := func(x float64) float64 {
		if c.LogX {
			return padL + (math.Log10(x)-math.Log10(xmin))/(math.Log10(xmax)-math.Log10(xmin))*plotW
		}
		return padL + (x-xmin)/(xmax-xmin)*plotW
	}
	ty := func(y float64) float64 { return padT + plotH - (y-ymin)/(ymax-ymin)*plotH }
	// Grid and ticks.
	for _, y := range ticks(ymin, ymax, 5) {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="`+fmtCoord+`" y2="`+fmtCoord+`" stroke="%s"/>`, padL, padL+plotW, ty(y), ty(y), gridColor)
		fmt.Fprintf(&b, `<text x="%d" y="`+fmtCoord+`" font-size="10" text-anchor="end" fill="%s">%s</text>`, padL-4, ty(y)+3, textC, tickLabel(y))
	}
	var xt []float64
	if c.LogX {
		for p := math.Floor(math.Log10(xmin)); p <= math.Ceil(math.Log10(xmax)); p++ {
			if v := math.Pow(10, p); v >= xmin && v <= xmax {
				xt = append(xt, v)
			}
		}
	} else {
		xt = ticks(xmin, xmax, 6)
	}
	for _, x := range xt {
		fmt.Fprintf(&b, `<line x1="`+fmtCoord+`" x2="`+fmtCoord+`" y1="%d" y2="%d" stroke="%s"/>`, tx(x), tx(x), padT, padT+plotH, gridColor)
		fmt.Fprintf(&b, `<text x="`+fmtCoord+`" y="%d" font-size="10" text-anchor="middle" fill="%s">%s</text>`, tx(x), padT+plotH+13, textC, tickLabel(x))
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="%s"/>`, padL, padT, plotW, plotH, axisColor)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle" fill="%s">%s</text>`, padL+plotW/2, padT+plotH+30, textC, html.EscapeString(c.XLabel))
	fmt.Fprintf(&b, `<text x="12" y="%d" font-size="11" text-anchor="middle" fill="%s" transform="rotate(-90 12 %d)">%s</text>`, padT+plotH/2, textC, padT+plotH/2, html.EscapeString(c.YLabel))
	for i, l := range c.Lines {
		col := palette[i%len(palette)]
		if c.Points {
			for j := range l.X {
				fmt.Fprintf(&b, `<circle cx="`+fmtCoord+`" cy="`+fmtCoord+`" r="5" fill="%s"><title>%s</title></circle>`, tx(l.X[j]), ty(l.Y[j]), col, html.EscapeString(l.Label))
				fmt.Fprintf(&b, `<text x="`+fmtCoord+`" y="`+fmtCoord+`" font-size="10" fill="%s">%s</text>`, tx(l.X[j])+7, ty(l.Y[j])-5, col, html.EscapeString(l.Label))
			}
		} else {
			var pts []string
			step := 1
			if len(l.X) > maxPointsPerLine {
				step = (len(l.X) + maxPointsPerLine - 1) / maxPointsPerLine
			}
			prevY := math.NaN()
			for j := 0; j < len(l.X); j += step {
				if c.LogX && l.X[j] <= 0 || math.IsNaN(l.Y[j]) {
					continue
				}
				if l.Step && !math.IsNaN(prevY) {
					pts = append(pts, fmt.Sprintf(fmtCoord+","+fmtCoord, tx(l.X[j]), ty(prevY)))
				}
				pts = append(pts, fmt.Sprintf(fmtCoord+","+fmtCoord, tx(l.X[j]), ty(l.Y[j])))
				prevY = l.Y[j]
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.6" points="%s"/>`, col, strings.Join(pts, " "))
		}
		lx := padL + (i%3)*(plotW/3)
		ly := chartH + (i/3)*legendLineH
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="11" fill="%s">%s</text>`,
			lx, ly-9, col, lx+14, ly, textC, html.EscapeString(l.Label))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func (c chart) bounds() (xmin, xmax, ymin, ymax float64, ok bool) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, l := range c.Lines {
		for i := range l.X {
			x, y := l.X[i], l.Y[i]
			if math.IsNaN(y) || math.IsInf(y, 0) || (c.LogX && x <= 0) {
				continue
			}
			xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
			ok = true
		}
	}
	if !ok {
		return
	}
	if c.YMin0 && ymin > 0 {
		ymin = 0
	}
	if xmax == xmin {
		xmax = xmin + 1
		if c.LogX {
			xmax = xmin * 10
		}
	}
	if ymax == ymin {
		ymax = ymin + 1
	}
	ymax += (ymax - ymin) * 0.05
	if c.Points && !c.LogX {
		// Room for the markers' labels at both ends.
		pad := (xmax - xmin) * 0.12
		xmin, xmax = math.Max(0, xmin-pad), xmax+pad
	}
	return
}

// ticks returns about n round tick values in [lo, hi].
func ticks(lo, hi float64, n int) []float64 {
	span := hi - lo
	if span <= 0 || n < 1 {
		return []float64{lo}
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

func tickLabel(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return trimZero(fmt.Sprintf("%.1f", v/1e9)) + "B"
	case a >= 1e6:
		return trimZero(fmt.Sprintf("%.1f", v/1e6)) + "M"
	case a >= 1e4:
		return trimZero(fmt.Sprintf("%.1f", v/1e3)) + "k"
	case a >= 10 || a == 0:
		return trimZero(fmt.Sprintf("%.0f", v))
	case a >= 0.1:
		return trimZero(fmt.Sprintf("%.2f", v))
	default:
		return trimZero(fmt.Sprintf("%.4f", v))
	}
}
