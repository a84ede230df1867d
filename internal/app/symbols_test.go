package app

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// No page carries an emoji or a pictographic symbol (🔒, ✓, ⚠, ★): the
// intranet machines' fonts may lack them; the pages draw the SVG icons of
// web/templates/partials/icons.html instead (issue 16). Templates,
// translations, styles and scripts of every package are read.
func TestNoEmojiOnPages(t *testing.T) {
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := filepath.Ext(path)
		if ext != ".html" && ext != ".toml" && ext != ".css" && !(ext == ".js" && !strings.Contains(path, "vendor")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, r := range line {
				if pictographic(r) {
					t.Errorf("%s:%d: %q (U+%04X) needs a font the machines may lack: use an icon", path, i+1, r, r)
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// pictographic reports whether r is an emoji or a symbol of the
// Miscellaneous Symbols and Dingbats blocks (or an emoji selector).
func pictographic(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF, r >= 0x2600 && r <= 0x27BF, r >= 0x2B00 && r <= 0x2BFF, r == 0xFE0F, r == 0x200D:
		return true
	}
	return false
}
