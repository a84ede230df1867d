package web

import (
	"mime"
	"net/http"
	"time"
)

// Body deadlines (serve wraps the whole handler in BodyDeadlines): a request
// has BodyTimeout to send its body, an upload (multipart/form-data: the
// import files, photos) UploadTimeout. A client trickling its body a byte
// at a time then holds a connection for seconds, not the server's
// five-minute ReadTimeout.
const (
	BodyTimeout   = 20 * time.Second
	UploadTimeout = 5 * time.Minute
)

// BodyDeadlines sets each request's read deadline: body for most requests,
// upload for multipart bodies.
func BodyDeadlines(next http.Handler, body, upload time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := body
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
			d = upload
		}
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
		next.ServeHTTP(w, r)
	})
}
