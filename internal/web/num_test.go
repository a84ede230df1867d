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

// Thousands groups as numPrinter does, for every size and sign.
func TestThousandsLikePrinter(t *testing.T) {
	for _, n := range []int64{0, 7, -7, 999, 1000, -1000, 12345, 999999, 1000000, -1234567, 9223372036854775807, -9223372036854775807} {
		if got, want := Thousands(n), numPrinter("zh-CN").Sprint(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
