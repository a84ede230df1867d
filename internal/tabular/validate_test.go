package tabular

import (
	"errors"
	"strconv"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// isoCheck computes the ISO 7064 MOD 11-2 check character independently of
// the table of weights used by the package: weight of the digit at position
// i counted from the right (the check character being position 1) is
// 2^(i-1) mod 11, and the check value is (12 - sum mod 11) mod 11.
func isoCheck(first17 string) byte {
	sum := 0
	for k := range 17 {
		pos := 18 - k // position from the right
		w := 1
		for range pos - 1 {
			w = w * 2 % 11
		}
		sum += int(first17[k]-'0') * w
	}
	v := (12 - sum%11) % 11
	if v == 10 {
		return 'X'
	}
	return byte('0' + v)
}

func withCheck(first17 string) string { return first17 + string(isoCheck(first17)) }

func TestValidIDNumber(t *testing.T) {
	if c := isoCheck("11010519491231002"); c != 'X' {
		t.Fatalf("independent check of the standard example = %c", c)
	}
	valid := []string{
		"11010519491231002X",
		"11010519491231002x",
		withCheck("33028219800101123"),
		withCheck("44030420000229001"), // leap day
		withCheck("51010719000101001"), // 1900
		withCheck("51010721001231001"), // 2100
	}
	for _, s := range valid {
		if !ValidIDNumber(s) {
			t.Errorf("ValidIDNumber(%q) = false", s)
		}
	}
	// Every wrong check character of a valid prefix is refused.
	for _, c := range "0123456789X" {
		s := "33028219800101123" + string(c)
		if want := byte(c) == isoCheck("33028219800101123"); ValidIDNumber(s) != want {
			t.Errorf("ValidIDNumber(%q) = %v", s, !want)
		}
	}
	invalid := []string{
		"110105194912310021",
		"",
		"11010519491231002",
		"11010519491231002XX",
		withCheck("1101051949123100A"),
		" 11010519491231002X",
		withCheck("44030419000229001"), // 1900 is no leap year
		withCheck("44030420010229001"),
		withCheck("44030420001301001"), // month 13
		withCheck("44030420000001001"), // month 0
		withCheck("44030420000100001"), // day 0
		withCheck("44030420000431001"), // 31 April
		withCheck("44030418991231001"), // 1899
		withCheck("44030421010101001"), // 2101
		"11010519491231002Y",
		"１１０１０５１９４９１２３１００２X", // full-width digits
		"330282800101123",    // old 15-digit form
	}
	for _, s := range invalid {
		if ValidIDNumber(s) {
			t.Errorf("ValidIDNumber(%q) = true", s)
		}
	}
	if y := IDNumberBirthYear("11010519491231002X"); y != 1949 {
		t.Errorf("birth year = %d", y)
	}
	if y := IDNumberBirthYear("110105194912310021"); y != 0 {
		t.Errorf("birth year of invalid = %d", y)
	}
	if y := IDNumberBirthYear(withCheck("44030420000229001")); y != 2000 {
		t.Errorf("birth year = %d", y)
	}
	if c := IDCheckChar("11010519491231002"); c != 'X' {
		t.Errorf("IDCheckChar = %c", c)
	}
	for i := range 200 {
		p := "3302821980010" + strconv.Itoa(1000+i)
		if IDCheckChar(p) != isoCheck(p) {
			t.Errorf("IDCheckChar(%s) = %c, independent %c", p, IDCheckChar(p), isoCheck(p))
		}
	}
}

func TestPhones(t *testing.T) {
	good := map[string]string{
		"13800138000":        "13800138000",
		" 138 0013 8000 ":    "13800138000",
		"138-0013-8000":      "13800138000",
		"+86 13800138000":    "13800138000",
		"+86-138-0013-8000":  "13800138000",
		"8613800138000":      "13800138000",
		"86 199 1234 5678":   "19912345678",
		"0086 13800138000":   "13800138000",
		"0574-63012345":      "0574-63012345",
		"057463012345":       "0574-63012345",
		"(0574)63012345":     "0574-63012345",
		"（0574）63012345":     "0574-63012345",
		"(0574) 6301234":     "0574-6301234",
		"0574 63012345":      "0574-63012345",
		"0574-63012345-123":  "0574-63012345-123",
		"057463012345-8":     "0574-63012345-8",
		"010-12345678":       "010-12345678",
		"01012345678":        "010-12345678",
		"02112345678":        "021-12345678",
		"0571-8712345":       "0571-8712345",
		"05718712345":        "0571-8712345",
		"\u300013800138000 ": "13800138000",
	}
	for in, want := range good {
		if !ValidPhone(in) {
			t.Errorf("ValidPhone(%q) = false", in)
		}
		if got := NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
	bad := []string{
		"", "1380013800", "138001380001", "12800138000", "23800138000",
		"+87 13800138000", "861380013800", "abc", "1380013800a",
		"0574-630123", "0574-630123456", "574-63012345", "63012345",
		"0574-63012345-", "0574-63012345-1234567", "(0574-63012345",
		"0574--63012345", "00574-63012345", "0574636012345678",
		"13800138000-123", "+86 0574-63012345x",
	}
	for _, s := range bad {
		if ValidPhone(s) {
			t.Errorf("ValidPhone(%q) = true (%q)", s, NormalizePhone(s))
		}
	}
	if got := NormalizePhone(" bad "); got != "bad" {
		t.Errorf("NormalizePhone(bad) = %q", got)
	}
}

func TestParseBool(t *testing.T) {
	for _, s := range []string{"true", "TRUE", " True ", "1", "yes", "Y", "是"} {
		if v, err := ParseBool(s); err != nil || !v {
			t.Errorf("ParseBool(%q) = %v, %v", s, v, err)
		}
	}
	for _, s := range []string{"", " ", "false", "FALSE", "0", "no", "N", "否"} {
		if v, err := ParseBool(s); err != nil || v {
			t.Errorf("ParseBool(%q) = %v, %v", s, v, err)
		}
	}
	for _, s := range []string{"2", "maybe", "真", "t", "on"} {
		if _, err := ParseBool(s); !errors.Is(err, pingyi.ErrInvalid) {
			t.Errorf("ParseBool(%q) error = %v", s, err)
		}
	}
}

func TestMasks(t *testing.T) {
	cases := []struct{ got, want string }{
		{MaskPhone("13800138000"), "138****8000"},
		{MaskPhone("0574-63012345"), "057******2345"},
		{MaskPhone("1234567"), "*******"},
		{MaskPhone("12345678"), "123*5678"},
		{MaskPhone(""), ""},
		{MaskPhone("电话号码"), "****"},
		{MaskIDNumber("11010519491231002X"), "110105********002X"},
		{MaskIDNumber("330282800101123"), "330282********1123"},
		{MaskIDNumber("1234567890"), "**********"},
		{MaskIDNumber("12345678901"), "123456********8901"},
		{MaskIDNumber(""), ""},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}
