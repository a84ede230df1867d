// Package openapi holds the OpenAPI 3.1 description of Pingyi's JSON API
// (every /api/v1 route: the ballots API of internal/api, the opinions API
// of internal/voice/web), embedded in the binary and served at
// GET /api/v1/openapi.json. internal/app's test checks that it describes
// every /api/v1 route of the product and validates the handlers' real
// responses against it.
package openapi

import (
	_ "embed"
	"net/http"
)

// JSON is the document.
//
//go:embed openapi.json
var JSON []byte

// Pattern is the document's route.
const Pattern = "GET /api/v1/openapi.json"

// Serve answers the document.
func Serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(JSON)
}
