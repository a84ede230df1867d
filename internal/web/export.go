package web

import "net/http"

// Helpers of the shell that feature pages share.

// BaseURL is where links and QR codes printed on paper point: the
// server's base URL option, or the address of this request.
func (s *Server) BaseURL(r *http.Request) string { return s.codeBaseURL(r) }

// FillView sets the layout's fields of v from the request, for a page a
// feature writes from its own templates (a phone page without the layout).
func (s *Server) FillView(r *http.Request, v *View) { s.fill(r, v) }

// Download sends b as an attachment named filename.
func Download(w http.ResponseWriter, ctype, filename string, b []byte) {
	download(w, ctype, filename, b)
}

// Clip cuts s to at most n characters.
func Clip(s string, n int) string { return clip(s, n) }
