package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v (%.40q)", err, b)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("bad gzip: %v", err)
	}
	return string(out)
}

func hasVary(h http.Header, field string) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), field) {
				return true
			}
		}
	}
	return false
}

// A big staff page comes back gzipped to a client that accepts it, and
// decodes to the very page sent to one that does not; small pages and the
// precompressed static files are left alone (PDFs: stars/web's
// TestPlateNotGzipped).
func TestGzipPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		c := f.as("admin")
		// 300 members in 60 files: a big org page, and 60 imports on
		// the audit page (one entry each).
		for f := range 60 {
			var members strings.Builder
			members.WriteString("code,name,org_code,category,is_secretary\n")
			for i := f * 5; i < f*5+5; i++ {
				fmt.Fprintf(&members, "G%03d,党员%03d,V1,farming,false\n", i, i)
			}
			if st, body := c.upload("/import/members", fmt.Sprintf("members-%02d.csv", f), members.String()); st != http.StatusOK {
				t.Fatalf("import: %d\n%s", st, excerpt(body))
			}
		}
		gz := header{"Accept-Encoding", "gzip"}
		for _, path := range []string{"/orgs/V1", "/audit"} {
			st, plain, ph := c.do("GET", path, nil, "", header{"Accept-Encoding", "identity"})
			if st != http.StatusOK || len(plain) < 20000 || ph.Get("Content-Encoding") != "" {
				t.Fatalf("%s: %d, %d bytes, %q", path, st, len(plain), ph.Get("Content-Encoding"))
			}
			st, zipped, zh := c.do("GET", path, nil, "", gz)
			if st != http.StatusOK || zh.Get("Content-Encoding") != "gzip" {
				t.Fatalf("%s not gzipped: %d %v", path, st, zh)
			}
			if got := gunzip(t, []byte(zipped)); got != plain {
				t.Errorf("%s: the gzipped page differs from the plain one (%d vs %d bytes)", path, len(got), len(plain))
			}
			if len(zipped)*4 > len(plain) {
				t.Errorf("%s: %d bytes gzipped from %d", path, len(zipped), len(plain))
			}
			for _, h := range []http.Header{ph, zh} {
				if !hasVary(h, "Accept-Encoding") || !hasVary(h, "HX-Request") || h.Get("Content-Type") != "text/html; charset=utf-8" {
					t.Errorf("%s: headers %v", path, h)
				}
			}
			if zh.Get("Content-Length") != "" && zh.Get("Content-Length") != strconv.Itoa(len(zipped)) {
				t.Errorf("%s: Content-Length %s of %d bytes", path, zh.Get("Content-Length"), len(zipped))
			}
		}
		// An htmx fragment too.
		if st, body, h := c.do("GET", "/orgs/V1", nil, "", gz, htmx); st != 200 || h.Get("Content-Encoding") != "gzip" || !strings.Contains(gunzip(t, []byte(body)), "党员299") {
			t.Errorf("htmx fragment: %d %v", st, h)
		}
		// A precompressed static file is sent once compressed, not twice.
		st, body, h := c.do("GET", "/static/"+cssFile(t, f), nil, "", gz)
		if st != 200 || h.Get("Content-Encoding") != "gzip" || !strings.Contains(gunzip(t, []byte(body)), "{") {
			t.Errorf("static CSS: %d %v", st, h)
		}
		// A client without gzip gets plain HTML.
		st, body, h = f.client().do("GET", "/login", nil, "", header{"Accept-Encoding", "identity"})
		if st != 200 || h.Get("Content-Encoding") != "" || !strings.Contains(body, "<html") {
			t.Errorf("login without gzip: %d %v", st, h)
		}
	})
}

// cssFile is the path of a stylesheet under /static/ that has a gzipped copy.
func cssFile(t *testing.T, f *fixture) string {
	t.Helper()
	for p, sf := range f.srv.static.files {
		if strings.HasSuffix(p, ".css") && sf.gz != nil {
			return p
		}
	}
	t.Fatal("no precompressed CSS file")
	return ""
}

// serveGzip runs h behind gzipResponses for a client accepting gzip or not.
func serveGzip(h http.HandlerFunc, method string, accept bool, hs ...header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/x", nil)
	if accept {
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	}
	for _, x := range hs {
		req.Header.Set(x.k, x.v)
	}
	rec := httptest.NewRecorder()
	gzipResponses(h).ServeHTTP(rec, req)
	return rec
}

func TestGzipMiddleware(t *testing.T) {
	big := strings.Repeat("<tr><td>东湖村党支部</td><td>98.5</td></tr>\n", 200)
	html := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			WriteHTML(w, http.StatusUnprocessableEntity, []byte(body))
		}
	}
	t.Run("big HTML", func(t *testing.T) {
		for range 3 { // pooled writers are reset between responses
			rec := serveGzip(html(big), "GET", true)
			if rec.Code != 422 || rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Content-Length") != "" {
				t.Fatalf("%d %v", rec.Code, rec.Header())
			}
			if gunzip(t, rec.Body.Bytes()) != big || !hasVary(rec.Header(), "Accept-Encoding") || !hasVary(rec.Header(), "HX-Request") {
				t.Errorf("body or Vary: %v", rec.Header())
			}
		}
	})
	t.Run("small HTML", func(t *testing.T) {
		rec := serveGzip(html("<p>ok</p>"), "GET", true)
		if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != "<p>ok</p>" || rec.Code != 422 || !hasVary(rec.Header(), "Accept-Encoding") {
			t.Errorf("%d %v %q", rec.Code, rec.Header(), rec.Body)
		}
	})
	t.Run("no gzip accepted", func(t *testing.T) {
		for _, accept := range []header{{"Accept-Encoding", ""}, {"Accept-Encoding", "gzip;q=0, br"}} {
			rec := serveGzip(html(big), "GET", false, accept)
			if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != big || !hasVary(rec.Header(), "Accept-Encoding") {
				t.Errorf("%q: %v", accept.v, rec.Header())
			}
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		rec := serveGzip(html(big), "HEAD", true)
		if rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("%v", rec.Header())
		}
	})
	t.Run("compressed types", func(t *testing.T) {
		for _, ct := range []string{"application/pdf", "image/png", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"} {
			body := []byte(strings.Repeat("x", 5000))
			rec := serveGzip(func(w http.ResponseWriter, r *http.Request) { Download(w, ct, "f", body) }, "GET", true)
			if rec.Header().Get("Content-Encoding") != "" || rec.Body.Len() != len(body) || rec.Header().Get("Content-Length") != "5000" || hasVary(rec.Header(), "Accept-Encoding") {
				t.Errorf("%s: %v", ct, rec.Header())
			}
		}
	})
	t.Run("CSV download", func(t *testing.T) {
		body := strings.Repeat("org,V1,10,2,3\n", 1000)
		rec := serveGzip(func(w http.ResponseWriter, r *http.Request) {
			Download(w, "text/csv; charset=utf-8", "r.csv", []byte(body))
		}, "GET", true)
		if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Content-Length") != "" || gunzip(t, rec.Body.Bytes()) != body ||
			!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
			t.Errorf("%v", rec.Header())
		}
	})
	t.Run("JSON without WriteHeader", func(t *testing.T) {
		body := `{"a":"` + strings.Repeat("满意", 2000) + `"}`
		rec := serveGzip(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for i := 0; i < len(body); i += 100 { // many small writes
				io.WriteString(w, body[i:min(i+100, len(body))])
			}
		}, "GET", true)
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" || gunzip(t, rec.Body.Bytes()) != body {
			t.Errorf("%d %v", rec.Code, rec.Header())
		}
	})
	t.Run("sniffed type", func(t *testing.T) {
		rec := serveGzip(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<!doctype html>"+big) }, "GET", true)
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || rec.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("%v", rec.Header())
		}
	})
	t.Run("already encoded, partial, not modified, no-transform", func(t *testing.T) {
		for name, h := range map[string]http.HandlerFunc{
			"encoded": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/css")
				w.Header().Set("Content-Encoding", "gzip")
				io.WriteString(w, big)
			},
			"partial": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/99999", len(big)-1))
				w.WriteHeader(http.StatusPartialContent)
				io.WriteString(w, big)
			},
			"no-transform": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.Header().Set("Cache-Control", "no-store, no-transform")
				io.WriteString(w, big)
			},
			"not modified": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/css")
				w.WriteHeader(http.StatusNotModified)
			},
		} {
			rec := serveGzip(h, "GET", true)
			if enc := rec.Header().Get("Content-Encoding"); (name == "encoded") != (enc == "gzip") || (name != "not modified" && rec.Body.String() != big) {
				t.Errorf("%s: %d %v", name, rec.Code, rec.Header())
			}
		}
	})
	t.Run("ETag", func(t *testing.T) {
		rec := serveGzip(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"abc"`)
			w.Header().Set("Content-Type", "text/javascript")
			http.ServeContent(w, r, "", time.Time{}, strings.NewReader(big))
		}, "GET", true)
		if rec.Header().Get("ETag") != `W/"abc"` || rec.Header().Get("Accept-Ranges") != "" || rec.Header().Get("Content-Length") != "" || gunzip(t, rec.Body.Bytes()) != big {
			t.Errorf("%v", rec.Header())
		}
	})
	t.Run("flush", func(t *testing.T) {
		var mid []byte
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/x", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		gzipResponses(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<p>first</p>")
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("flush: %v", err)
			}
			mid = bytes.Clone(rec.Body.Bytes())
			io.WriteString(w, big)
			w.(http.Flusher).Flush()
		})).ServeHTTP(rec, req)
		if !rec.Flushed || rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("%v flushed %v", rec.Header(), rec.Flushed)
		}
		// What was flushed decodes to the first part before the end.
		zr, err := gzip.NewReader(bytes.NewReader(mid))
		if err != nil {
			t.Fatal(err)
		}
		part := make([]byte, len("<p>first</p>"))
		if _, err := io.ReadFull(zr, part); err != nil || string(part) != "<p>first</p>" {
			t.Errorf("flushed part %q %v", part, err)
		}
		if gunzip(t, rec.Body.Bytes()) != "<p>first</p>"+big {
			t.Error("whole body")
		}
	})
	t.Run("panic page", func(t *testing.T) {
		s := &Server{log: slog.New(slog.DiscardHandler)}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/x", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		gzipResponses(s.recoverPanics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") }))).ServeHTTP(rec, req)
		if rec.Code != 500 || !strings.Contains(rec.Body.String(), "Internal server error") {
			t.Errorf("%d %v", rec.Code, rec.Header())
		}
	})
}

// A precompressed segment spliced into a response decodes to the very
// bytes written, wherever it falls in them (several writes, held bytes,
// the segment written more than once or not at all), and the header and
// trailer are what compress/gzip reads.
func TestGzipSplice(t *testing.T) {
	mk := func(n int, seed byte) []byte {
		b := make([]byte, n)
		x := uint32(seed) + 1
		for i := range b {
			x = x*1664525 + 1013904223
			b[i] = "<td class=\"num\">0123456789</tr>\n"[x>>27]
		}
		return b
	}
	seg := mk(40000, 1)
	seg = seg[:10000] // a segment shorter than the window: what follows could refer past it
	cases := []struct {
		name   string
		writes [][]byte
	}{
		{"middle", [][]byte{append(append(mk(5000, 2), seg...), mk(3000, 3)...)}},
		{"start", [][]byte{append(append([]byte{}, seg...), mk(100, 4)...)}},
		{"end", [][]byte{append(mk(9000, 5), seg...)}},
		{"twice", [][]byte{append(append(append(mk(100, 6), seg...), seg...), mk(50, 7)...)}},
		{"absent", [][]byte{mk(20000, 8)}},
		{"pieces", [][]byte{mk(100, 9), mk(200, 10), append(append(mk(10000, 11), seg...), mk(10, 12)...), mk(20000, 13)}},
		{"a part only", [][]byte{mk(9000, 14), seg[:5000]}},
		{"suffix repeats prefix", [][]byte{append(append(mk(3000, 15), seg[:10000]...), mk(3000, 15)...)}},
	}
	s := compressSegment(seg)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			gw := &gzipWriter{ResponseWriter: rec, accepts: true, seg: s}
			gw.Header().Set("Content-Type", "text/html; charset=utf-8")
			var want []byte
			for _, p := range tc.writes {
				if n, err := gw.Write(p); n != len(p) || err != nil {
					t.Fatalf("write: %d of %d, %v", n, len(p), err)
				}
				want = append(want, p...)
			}
			gw.close()
			if rec.Header().Get("Content-Encoding") != "gzip" {
				t.Fatal("not gzipped")
			}
			if got := gunzip(t, rec.Body.Bytes()); got != string(want) {
				t.Fatalf("decoded %d bytes, want %d", len(got), len(want))
			}
		})
	}
	// The segment's blocks are in the stream, not compressed again.
	rec := httptest.NewRecorder()
	gw := &gzipWriter{ResponseWriter: rec, accepts: true, seg: s}
	gw.Header().Set("Content-Type", "text/html")
	gw.Write(append(mk(1000, 20), seg...))
	gw.close()
	if !bytes.Contains(rec.Body.Bytes(), s.z) {
		t.Fatal("segment not spliced")
	}
}
