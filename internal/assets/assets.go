// Package assets embeds every static file Pingyi serves or uses: the vendored
// JavaScript libraries (htmx, ECharts), the CSS and scripts of the web UI, and
// the CJK font used for PDFs and charts. Deployments run on intranets with no
// internet access, so nothing is ever fetched from a CDN at run time.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed static fonts
var files embed.FS

// Static is the tree of files served under the static URL prefix, rooted at
// the static/ directory (so "vendor/htmx.min.js", "css/app.css", ...).
var Static fs.FS = mustSub(files, "static")

// FontCJKName is the family name of the font returned by FontCJK.
const FontCJKName = "WenQuanYi Micro Hei"

// FontCJK returns the TrueType bytes of the embedded CJK font (WenQuanYi
// Micro Hei, face 0 of the Debian fonts-wqy-microhei collection, Apache-2.0).
// The returned slice is shared: callers must not modify it.
func FontCJK() []byte {
	b, err := files.ReadFile("fonts/wqy-microhei.ttf")
	if err != nil {
		panic("assets: embedded font missing: " + err.Error())
	}
	return b
}

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}
