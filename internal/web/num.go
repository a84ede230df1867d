package web

import (
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
