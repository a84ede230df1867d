package api

import (
	"net/http"
	"strings"
	"unicode/utf8"
)

// codeAlphabet is the alphabet of one-time codes (store/onetime_codes.go): a code
// with any other character is unknown, answered 404 before any query.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// maxKeyLen bounds a code or a receipt (codes have 10 characters,
// receipts 13; older ones fewer).
const maxKeyLen = 64

// knownCode reports whether c, as the store normalises it (trimmed, upper
// case), could be a code.
func knownCode(c string) bool {
	c = strings.ToUpper(strings.TrimSpace(c))
	if c == "" || len(c) > maxKeyLen {
		return false
	}
	for i := 0; i < len(c); i++ {
		if strings.IndexByte(codeAlphabet, c[i]) < 0 {
			return false
		}
	}
	return true
}

// plausibleReceipt reports whether r could be a receipt: printable ASCII
// letters and digits, at most maxKeyLen.
func plausibleReceipt(r string) bool {
	r = strings.TrimSpace(r)
	if r == "" || len(r) > maxKeyLen {
		return false
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// unsafeText reports text no database stores alike: invalid UTF-8, a NUL
// (PostgreSQL refuses it) or another control character but tab and line
// ends.
func unsafeText(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || r == utf8.RuneError {
			return true
		}
	}
	return false
}

// codeOK answers 404 for a code that cannot be one.
func codeOK(w http.ResponseWriter, code string) bool {
	if knownCode(code) {
		return true
	}
	writeJSON(w, http.StatusNotFound, errorJSON{Error: "unknown_code", Message: "no such code"})
	return false
}

// receiptOK answers 404 for a receipt that cannot be one.
func receiptOK(w http.ResponseWriter, receipt string) bool {
	if plausibleReceipt(receipt) {
		return true
	}
	writeJSON(w, http.StatusNotFound, errorJSON{Error: "unknown_receipt", Message: "no ballot has this receipt"})
	return false
}

// ballotOK answers for a ballot that holds a control character in any of
// its text (422, nothing stored) or a code that cannot be one (404).
func ballotOK(w http.ResponseWriter, req *BallotRequest) bool {
	bad := unsafeText(req.Opinion)
	for _, rt := range req.Ratings {
		bad = bad || unsafeText(rt.TargetType) || unsafeText(rt.TargetCode) || unsafeText(rt.Rating)
	}
	if bad || unsafeText(req.Code) {
		writeJSON(w, http.StatusUnprocessableEntity, errorJSON{Error: "control_character",
			Message: "the ballot holds a control character or text that is not UTF-8"})
		return false
	}
	return codeOK(w, req.Code)
}
