package i18n

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// A feature's message files join the catalog: translated at once, kept
// once when registered again, refused when they redefine a message, and
// checked by Problems for a message one language lacks.
func TestRegister(t *testing.T) {
	fsys := fstest.MapFS{
		"regtest.zh-CN.toml": {Data: []byte("[regtest]\nhello = \"你好，{{.Name}}\"\nonly_zh = \"仅中文\"\n")},
		"regtest.en.toml":    {Data: []byte("[regtest]\nhello = \"Hello, {{.Name}}\"\n")},
	}
	if err := Register(fsys); err != nil {
		t.Fatal(err)
	}
	if got := For("zh-CN").T("regtest.hello", "Name", "张三"); got != "你好，张三" {
		t.Errorf("zh-CN: %q", got)
	}
	if got := For("en").T("regtest.hello", "Name", "Zhang"); got != "Hello, Zhang" {
		t.Errorf("en: %q", got)
	}
	if !Has("en", "regtest.hello") || !slices.Contains(Keys("zh-CN"), "regtest.only_zh") {
		t.Error("registered keys not listed")
	}
	if err := Register(fsys); err != nil {
		t.Errorf("registering the same files again: %v", err)
	}
	clash := fstest.MapFS{
		"clash.zh-CN.toml": {Data: []byte("[regtest]\nhello = \"重复\"\n")},
		"clash.en.toml":    {Data: []byte("[regtest]\nhello = \"again\"\n")},
	}
	if err := Register(clash); err == nil || !strings.Contains(err.Error(), "regtest.hello") {
		t.Errorf("a message defined twice: err = %v", err)
	}
	found := false
	for _, p := range Problems() {
		if strings.Contains(p, "regtest.only_zh") {
			found = true
		}
	}
	if !found {
		t.Errorf("Problems does not name regtest.only_zh: %v", Problems())
	}
}

// The product's own files have no problems.
func TestEmbeddedFilesHaveNoProblems(t *testing.T) {
	for _, p := range Problems() {
		if !strings.Contains(p, "regtest.") {
			t.Error(p)
		}
	}
}
