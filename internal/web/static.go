package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/assets"
)

//go:embed static
var staticEmbed embed.FS

// staticFiles serves /static/: the web UI's own files (internal/web/static:
// css/app.css, …) over the shared assets (internal/assets/static: the
// vendored htmx and ECharts). All are held in memory with an ETag and, for
// text, a gzipped copy. URLs made by the template function "static" carry
// ?v=<content hash> and are cached for a year; others revalidate.
type staticFiles struct {
	files   map[string]*staticFile
	version string // hash of everything
}

type staticFile struct {
	data, gz []byte
	etag     string
	ctype    string
}

func newStaticFiles() (*staticFiles, error) {
	own, err := fs.Sub(staticEmbed, "static")
	if err != nil {
		return nil, err
	}
	sf := &staticFiles{files: map[string]*staticFile{}}
	for _, fsys := range []fs.FS{own, assets.Static} { // own files win
		if err := sf.add(fsys); err != nil {
			return nil, err
		}
	}
	return sf, nil
}

// add takes the files of fsys that are not there yet (a feature's static
// files: Assets.Static) and computes the version again.
func (sf *staticFiles) add(fsys fs.FS) error {
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || sf.files[p] != nil {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		f := &staticFile{data: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		f.ctype = mime.TypeByExtension(path.Ext(p))
		if f.ctype == "" {
			f.ctype = http.DetectContentType(b)
		}
		if compressible(f.ctype) && len(b) > 512 {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(b)
			zw.Close()
			if buf.Len() < len(b) {
				f.gz = buf.Bytes()
			}
		}
		sf.files[p] = f
		return nil
	})
	if err != nil {
		return err
	}
	names := make([]string, 0, len(sf.files))
	for n := range sf.files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write([]byte(sf.files[n].etag))
	}
	sf.version = hex.EncodeToString(h.Sum(nil)[:6])
	return nil
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") ||
		strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

// url is the versioned URL of a static file (for templates).
func (sf *staticFiles) url(p string) string {
	p = strings.TrimPrefix(p, "/")
	if f, ok := sf.files[p]; ok {
		return "/static/" + p + "?v=" + strings.Trim(f.etag, `"`)
	}
	return "/static/" + p
}

// serve is the handler of GET /static/{path...}.
func (sf *staticFiles) serve(w http.ResponseWriter, r *http.Request) {
	p := r.PathValue("path")
	f, ok := sf.files[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("ETag", f.etag)
	h.Set("Content-Type", f.ctype)
	h.Add("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") != "" {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.data
	if f.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) != "gzip" {
			continue
		}
		q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if !ok {
			return true
		}
		v, err := strconv.ParseFloat(q, 64)
		return err == nil && v > 0
	}
	return false
}
