package tabular

import (
	"strings"
	"testing"
)

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"M0001":             "M0001",
		"=1+1":              "'=1+1",
		"+1+1":              "'+1+1",
		"-1+1":              "'-1+1",
		"@SUM(A1)":          "'@SUM(A1)",
		"\t=1":              "'\t=1",
		"\r=1":              "'\r=1",
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"-3":                "-3",
		"+1.5":              "+1.5",
		"-12%":              "-12%",
		"95.00":             "95.00",
		"a=b":               "a=b",
		"张三":                "张三",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVWriterNeutralises(t *testing.T) {
	var b strings.Builder
	w := NewCSVWriter(&b)
	w.Write([]string{"target_code", "score"})
	w.Write([]string{"=1+1", "-5"})
	w.WriteAll([][]string{{"@x", "1"}})
	if got, want := b.String(), "target_code,score\n'=1+1,-5\n'@x,1\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
