package cli_test

import (
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store/storetest"
)

func TestServeTrustedProxiesFlag(t *testing.T) {
	r := pingyi(storetest.SQLiteDSN(t), "serve", "--addr", "127.0.0.1:0", "--trusted-proxies", "10.0.0.0/33")
	if r.code != 2 || !strings.Contains(r.stderr, "--trusted-proxies") {
		t.Fatalf("a bad proxy list: %v", r)
	}
}
