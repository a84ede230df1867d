package webtest

import (
	"testing"

	"github.com/pingyi/pingyi/internal/web/testclient"
)

// Scenario is one request as one visitor with what must follow
// (testclient.Scenario over a Fixture).
type Scenario = testclient.Scenario[*Fixture]

// Upload is a file for Scenario.File.
type Upload = testclient.Upload

// HTMX is the header of an htmx request.
var HTMX = testclient.HTMX

// Run runs the scenarios, each as a subtest.
func Run(t *testing.T, f *Fixture, scs []Scenario) {
	t.Helper()
	testclient.Run(t, f, f.As, scs)
}
