package web

import "testing"

func TestNumGroupsDigits(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    any
		want string
	}{
		{"zh-CN", 40123, "40,123"}, {"en", 1234567, "1,234,567"}, {"zh-CN", 999, "999"}, {"en", int64(-12000), "-12,000"},
	} {
		if got := numPrinter(c.lang).Sprint(c.n); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}
