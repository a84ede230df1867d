package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Helpers of the shell that feature pages share.

// BaseURL is where links and QR codes printed on paper point: the
// server's base URL option, or the address of this request.
func (s *Server) BaseURL(r *http.Request) string {
	if b := strings.TrimRight(s.opts.BaseURL, "/"); b != "" {
		return b
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// FillView sets the layout's fields of v from the request, for a page a
// feature writes from its own templates (a phone page without the layout).
func (s *Server) FillView(r *http.Request, v *View) { s.fill(r, v) }

// Download sends b as an attachment named filename (never cached: codes
// are credentials, results are sealed data).
func Download(w http.ResponseWriter, ctype, filename string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+asciiName(filename)+`"; filename*=UTF-8''`+url.PathEscape(filename))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// asciiName replaces what a plain filename= parameter cannot hold.
func asciiName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
			b.WriteByte('_')
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Clip cuts s to at most n characters.
func Clip(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// A Segment is a part of a page that is the same for many requests (a
// cached body), compressed once: the response's gzip stream copies its
// deflate blocks instead of compressing it again (gzip_splice.go).
type Segment struct{ seg *segment }

// CompressSegment compresses raw once.
func CompressSegment(raw []byte) Segment { return Segment{compressSegment(raw)} }

// Raw is the segment's uncompressed bytes.
func (s Segment) Raw() []byte { return s.seg.raw }

// WithSegment tells the response's compressor (if any) that s.Raw() will
// be written as part of the body next.
func WithSegment(ctx context.Context, s Segment) { withSegment(ctx, s.seg) }

// Size is the memory the segment holds (raw and compressed bytes; 0 for
// none).
func (s Segment) Size() int {
	if s.seg == nil {
		return 0
	}
	return len(s.seg.raw) + len(s.seg.z)
}

// ASCIIName replaces in a file name what a plain filename= parameter of a
// Content-Disposition header cannot hold.
func ASCIIName(s string) string { return asciiName(s) }
