package assets

import (
	"bytes"
	"io/fs"
	"testing"
)

func TestStaticVendor(t *testing.T) {
	for _, name := range []string{
		"vendor/htmx.min.js", "vendor/htmx.LICENSE",
		"vendor/echarts.min.js", "vendor/echarts.LICENSE",
	} {
		b, err := fs.ReadFile(Static, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(b) == 0 {
			t.Fatalf("%s is empty", name)
		}
	}
	b, _ := fs.ReadFile(Static, "vendor/htmx.min.js")
	if !bytes.Contains(b, []byte("htmx")) {
		t.Error("htmx.min.js does not look like htmx")
	}
	b, _ = fs.ReadFile(Static, "vendor/echarts.min.js")
	if !bytes.Contains(b, []byte("echarts")) {
		t.Error("echarts.min.js does not look like ECharts")
	}
}

func TestFontCJK(t *testing.T) {
	b := FontCJK()
	if len(b) < 1<<20 {
		t.Fatalf("font too small: %d bytes", len(b))
	}
	// A standalone TrueType font starts with sfnt version 1.0, not "ttcf".
	if !bytes.Equal(b[:4], []byte{0, 1, 0, 0}) {
		t.Fatalf("font does not start with TrueType sfnt version: % x", b[:4])
	}
}

func TestFontCJKChecksum(t *testing.T) {
	// The whole-file checksum of a well-formed sfnt is 0xB1B0AFBA once the
	// head table's checkSumAdjustment is counted (see tools/ttc2ttf).
	b := FontCJK()
	var sum uint32
	for i := 0; i+4 <= len(b); i += 4 {
		sum += uint32(b[i])<<24 | uint32(b[i+1])<<16 | uint32(b[i+2])<<8 | uint32(b[i+3])
	}
	if len(b)%4 != 0 {
		t.Fatalf("font length %d is not a multiple of 4", len(b))
	}
	if sum != 0xB1B0AFBA {
		t.Errorf("font checksum %#x, want 0xB1B0AFBA", sum)
	}
}
