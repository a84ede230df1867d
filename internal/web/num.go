package web

import (
	"strconv"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// numPrinter prints numbers the way the language groups digits
// (12,345 in Chinese and English alike).
func numPrinter(lang string) *message.Printer {
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.Chinese
	}
	return message.NewPrinter(tag)
}

// Thousands writes n with a comma between each group of three digits
// (12,345), as numPrinter does for zh-CN and en, without its cost (the
// results page writes thousands of cells).
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	if len(s) <= 3 {
		if neg {
			return "-" + s
		}
		return s
	}
	b := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		b = append(b, '-')
	}
	first := len(s) % 3
	if first == 0 {
		first = 3
	}
	b = append(b, s[:first]...)
	for i := first; i < len(s); i += 3 {
		b = append(b, ',')
		b = append(b, s[i:i+3]...)
	}
	return string(b)
}
