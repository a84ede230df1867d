package tabular

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// idWeights are the GB 11643-1999 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum mod 11 to the check character.
const idCheckChars = "10X98765432"

// IDCheckChar returns the GB 11643-1999 check character of the first 17
// digits of an ID number, or 0 when they are not 17 ASCII digits.
func IDCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := range 17 {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// ValidIDNumber reports whether s is a valid mainland China resident ID
// number (GB 11643-1999): 18 characters, 17 digits and a check character
// (0-9 or X/x) that matches, with a real birth date YYYYMMDD in positions
// 7–14 whose year is in 1900..2100. s is not trimmed.
func ValidIDNumber(s string) bool {
	if len(s) != 18 {
		return false
	}
	want := IDCheckChar(s[:17])
	if want == 0 {
		return false
	}
	got := s[17]
	if got == 'x' {
		got = 'X'
	}
	if got != want {
		return false
	}
	_, ok := idBirthDate(s)
	return ok
}

// idBirthDate parses the birth date of an 18-character ID number.
func idBirthDate(s string) (time.Time, bool) {
	if len(s) < 14 {
		return time.Time{}, false
	}
	y, ok1 := atoiDigits(s[6:10])
	m, ok2 := atoiDigits(s[10:12])
	d, ok3 := atoiDigits(s[12:14])
	if !ok1 || !ok2 || !ok3 || y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

func atoiDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, s != ""
}

// IDNumberBirthYear returns the birth year of a valid ID number, or 0 when
// s is not valid (see ValidIDNumber).
func IDNumberBirthYear(s string) int {
	if !ValidIDNumber(s) {
		return 0
	}
	t, _ := idBirthDate(s)
	return t.Year()
}

var (
	mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	// landline with the area code set apart: (0574)63012345, 0574-63012345,
	// 0574 63012345; optional extension -123.
	landSepRE = regexp.MustCompile(`^(?:\((0[0-9]{2,3})\) ?|(0[0-9]{2,3})[- ])([0-9]{7,8})(?:-([0-9]{1,6}))?$`)
	// landline written in one run of digits: 057463012345; optional -123.
	landRunRE = regexp.MustCompile(`^(0[0-9]{9,11})(?:-([0-9]{1,6}))?$`)
)

// phoneReplacer turns full-width punctuation into ASCII.
var phoneReplacer = strings.NewReplacer("（", "(", "）", ")", "－", "-", "—", "-", "\u3000", " ", "＋", "+")

// NormalizePhone returns the canonical form of a valid phone number: a
// mobile as its 11 digits ("+86 138-0013-8000" → "13800138000"), a landline
// as area-number[-extension] ("(0574)63012345" → "0574-63012345"). An
// invalid s is returned trimmed and otherwise unchanged.
func NormalizePhone(s string) string {
	if p, ok := normalizePhone(s); ok {
		return p
	}
	return Trim(s)
}

// ValidPhone reports whether s is a mainland mobile number (11 digits
// starting 1[3-9], optionally prefixed +86 or 86, with spaces or hyphens
// anywhere) or a landline with a 3–4 digit area code starting with 0 and a
// 7–8 digit number (0574-63012345, 057463012345, (0574)63012345, optional
// extension -123).
func ValidPhone(s string) bool {
	_, ok := normalizePhone(s)
	return ok
}

func normalizePhone(s string) (string, bool) {
	s = phoneReplacer.Replace(Trim(s))
	if s == "" || len(s) > 40 {
		return "", false
	}
	// Mobile: drop spaces and hyphens, then the country code.
	compact := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
	m := compact
	switch {
	case strings.HasPrefix(m, "+86"):
		m = m[3:]
	case strings.HasPrefix(m, "(+86)"):
		m = m[5:]
	case strings.HasPrefix(m, "0086") && len(m) == 15:
		m = m[4:]
	case strings.HasPrefix(m, "86") && len(m) == 13:
		m = m[2:]
	}
	if mobileRE.MatchString(m) {
		return m, true
	}
	// Landline.
	land := strings.Join(strings.Fields(s), " ")
	land = strings.ReplaceAll(strings.ReplaceAll(land, " - ", "-"), ") ", ")")
	if g := landSepRE.FindStringSubmatch(land); g != nil {
		area := g[1] + g[2]
		return joinLandline(area, g[3], g[4]), true
	}
	if g := landRunRE.FindStringSubmatch(land); g != nil {
		digits := g[1]
		// 010 and 02X are the 3-digit area codes; all others have 4.
		n := 4
		if strings.HasPrefix(digits, "01") || strings.HasPrefix(digits, "02") {
			n = 3
		}
		if rest := len(digits) - n; rest < 7 || rest > 8 {
			return "", false
		}
		return joinLandline(digits[:n], digits[n:], g[2]), true
	}
	return "", false
}

func joinLandline(area, number, ext string) string {
	if ext != "" {
		return area + "-" + number + "-" + ext
	}
	return area + "-" + number
}

// ParseBool parses a boolean cell: true/false, 1/0, yes/no, y/n, 是/否
// (case-insensitive, trimmed); empty is false. Anything else is an error
// wrapping pingyi.ErrInvalid.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(Trim(s)) {
	case "", "false", "0", "no", "n", "否":
		return false, nil
	case "true", "1", "yes", "y", "是":
		return true, nil
	}
	return false, fmt.Errorf("%w: %q is not true/false (use true/false, 1/0, yes/no or 是/否)", pingyi.ErrInvalid, s)
}

// MaskPhone hides the middle of a phone number, keeping the first 3 and
// last 4 characters: "13800138000" → "138****8000". A string of fewer than
// 8 characters is masked whole (one '*' per character).
func MaskPhone(s string) string {
	return maskMiddle(Trim(s), 3, 4, 8, -1)
}

// MaskIDNumber hides the middle of an ID number: its first 6 characters,
// "********", its last 4 ("110105********002X"). A string of fewer than 11
// characters is masked whole (one '*' per character).
func MaskIDNumber(s string) string {
	return maskMiddle(Trim(s), 6, 4, 11, 8)
}

// maskMiddle keeps head and tail runes of s and replaces the middle with
// stars stars (or one per rune when stars < 0); strings shorter than min
// runes are starred whole.
func maskMiddle(s string, head, tail, min, stars int) string {
	n := utf8.RuneCountInString(s)
	if n < min {
		return strings.Repeat("*", n)
	}
	r := []rune(s)
	if stars < 0 {
		stars = n - head - tail
	}
	return string(r[:head]) + strings.Repeat("*", stars) + string(r[n-tail:])
}
