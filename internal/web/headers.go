package web

import "net/http"

// ContentSecurityPolicy is the policy of every response: scripts only from
// Pingyi's own static files (no inline script, no eval: the templates hold
// none, their data travel in <script type="application/json"> blocks read
// by the static scripts), no plugins, no framing, forms and connections to
// this origin only. Inline styles stay allowed (htmx adds its indicator
// style, and the error page after a panic has no stylesheet).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// PermissionsPolicy turns off the browser features Pingyi never uses.
const PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), " +
	"magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()"

// securityHeaders sets the headers every response carries; with
// SecureCookies (served over HTTPS) also Strict-Transport-Security.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	hsts := s.opts.SecureCookies
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("Permissions-Policy", PermissionsPolicy)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if hsts || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}
