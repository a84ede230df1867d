package web

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Staff pages can be big (the full results of a county: ~800 KB of HTML
// table) and compress tenfold; the public's phone pages are read over slow
// networks. gzipResponses compresses every text response (HTML, CSS, JS,
// JSON, CSV, SVG: see compressible) for a client that accepts gzip:
//
//   - a body under gzipMin bytes is sent as it is (not worth a gzip
//     header), so the writer holds the first bytes until it knows;
//   - a response that sets its own Content-Encoding (the precompressed
//     static files), a partial one (206, Content-Range), one without a body
//     (HEAD, 1xx, 204, 304) and one marked Cache-Control: no-transform are
//     left alone, as are other types (PDF, PNG, XLSX: compressed already);
//   - Vary: Accept-Encoding is set on every text response, compressed or
//     not, so that caches keep the two apart;
//   - Flush (http.Flusher, http.ResponseController) sends what is written
//     so far, compressed, at once.
//
// Handlers just write: none of them should gzip by themselves.

// gzipMin is the smallest body compressed. A response that fits in TCP's
// initial congestion window (10 segments, ≈ 14 KB) arrives in one round
// trip compressed or not, so compressing it saves bytes but no time, and
// costs the server CPU: the 3 KB dashboard and tree pages took ≈ 50 µs of
// the ≈ 180 µs they cost the server to gzip (level 1), plus the client's
// time to inflate. 8 KB leaves room for headers.
const gzipMin = 8 << 10

// gzipLevel trades CPU for size. Measured on a 700 KB org page of 2,500
// members: level 1 → 42 KB in 2.0 ms, 5 → 38 KB in 3.7 ms, 6 (the
// default) → 38 KB in 4.2 ms, 9 → 37 KB in 7.1 ms; on tree pages (2 KB,
// 22 KB, 1 MB of HTML) level 1 takes 20 µs, 35 µs, 1.7 ms and level 5
// 30 µs, 99 µs, 11.3 ms, for 6–10 % more bytes. The server is short of
// CPU, not of bandwidth (an intranet; the phone pages are small): level 1.
const gzipLevel = gzip.BestSpeed

// gzipResponses is the compression middleware (see above).
func gzipResponses(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w, accepts: acceptsGzip(r)}
		if gw.accepts {
			r = r.WithContext(context.WithValue(r.Context(), gzipCtxKey{}, gw))
		}
		next.ServeHTTP(gw, r)
		gw.close()
	})
}

// gzipWriter compresses a response when it turns out to be worth it.
type gzipWriter struct {
	http.ResponseWriter
	accepts bool // the client accepts gzip

	status  int         // the handler's status, held until decided
	decided bool        // headers are sent: zw != nil compresses
	zw      *gzipStream // compressing
	buf     []byte      // the first bytes of a body that may be compressed
	seg     *segment    // a part of the body compressed already (gzip_splice.go)
}

func (w *gzipWriter) WriteHeader(code int) {
	if w.decided {
		w.ResponseWriter.WriteHeader(code) // superfluous: let net/http say so
		return
	}
	if w.status != 0 { // after Write: superfluous, as net/http would ignore it
		return
	}
	if code < 200 { // 1xx informational: not the response yet
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.status = code
	if !w.eligible() {
		w.passThrough()
	}
}

func (w *gzipWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.decided {
		h := w.Header()
		if _, set := h["Content-Type"]; !set && h.Get("Content-Encoding") == "" {
			// What net/http would do with the first bytes anyway (a nil
			// Content-Type, set by the handler, says not to).
			h.Set("Content-Type", http.DetectContentType(append(w.buf[:len(w.buf):len(w.buf)], p...)))
		}
		if !w.eligible() {
			w.passThrough()
		} else if len(w.buf)+len(p) < gzipMin {
			w.buf = append(w.buf, p...)
			return len(p), nil
		} else {
			w.startGzip()
		}
	}
	if w.zw != nil {
		return w.writeSpliced(p)
	}
	return w.ResponseWriter.Write(p)
}

// eligible reports, from the status and the headers, whether the response
// may be compressed; it sets Vary on a text response.
func (w *gzipWriter) eligible() bool {
	h := w.Header()
	ctype := h.Get("Content-Type")
	if ctype == "" || !compressible(strings.ToLower(ctype)) {
		return false
	}
	if h.Get("Content-Encoding") == "" { // a precompressed file says Vary itself
		addVary(h, "Accept-Encoding")
	}
	switch {
	case !w.accepts,
		w.status == http.StatusNoContent, w.status == http.StatusNotModified, w.status == http.StatusPartialContent,
		h.Get("Content-Encoding") != "", h.Get("Content-Range") != "",
		strings.Contains(strings.ToLower(h.Get("Cache-Control")), "no-transform"):
		return false
	}
	if n, err := strconv.Atoi(h.Get("Content-Length")); err == nil && n < gzipMin {
		return false
	}
	return true
}

// passThrough sends the headers and what was held, uncompressed.
func (w *gzipWriter) passThrough() {
	w.decided = true
	w.ResponseWriter.WriteHeader(w.status)
	if len(w.buf) > 0 {
		w.ResponseWriter.Write(w.buf)
		w.buf = nil
	}
}

// startGzip sends the headers of a compressed response and what was held.
func (w *gzipWriter) startGzip() {
	w.decided = true
	h := w.Header()
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	h.Del("Accept-Ranges") // ranges would be of the compressed bytes
	if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
		h.Set("ETag", "W/"+et) // no longer the same bytes
	}
	w.ResponseWriter.WriteHeader(w.status)
	w.zw = gzipStreams.Get().(*gzipStream)
	w.zw.Reset(w.ResponseWriter)
	if len(w.buf) > 0 {
		w.zw.Write(w.buf)
		w.buf = nil
	}
}

// close ends the response: what is held goes out as it is (too small to
// compress), a compressed stream is finished.
func (w *gzipWriter) close() {
	switch {
	case w.zw != nil:
		w.zw.Close()
		w.zw.Reset(io.Discard)
		gzipStreams.Put(w.zw)
		w.zw = nil
	case !w.decided && w.status != 0:
		w.passThrough()
	}
}

// FlushError sends what was written so far (http.ResponseController).
func (w *gzipWriter) FlushError() error {
	if !w.decided {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		if w.eligible() {
			w.startGzip()
		} else {
			w.passThrough()
		}
	}
	if w.zw != nil {
		if err := w.zw.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush is FlushError for http.Flusher.
func (w *gzipWriter) Flush() { _ = w.FlushError() }

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// addVary adds a field to the Vary header unless it is there.
func addVary(h http.Header, field string) {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), field) || strings.TrimSpace(f) == "*" {
				return
			}
		}
	}
	h.Add("Vary", field)
}
