package store

import (
	"crypto/rand"
	"errors"
	"math/big"
)

// One-time codes (测评码), shared by the features that hand them out (the
// appraisal's ballots, the stars' mass assessment): random, unguessable,
// spent once.

// ErrCodeUsed is a one-time code already spent.
var ErrCodeUsed = errors.New("code already used")

// codeAlphabet leaves out characters people confuse (0/O, 1/I/L).
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLength gives 31^10 ≈ 8×10^14 codes: guessing a live one is hopeless.
const CodeLength = 10

func newCode() string {
	b := make([]byte, CodeLength)
	max := big.NewInt(int64(len(codeAlphabet)))
	for i := range b {
		n, _ := rand.Int(rand.Reader, max)
		b[i] = codeAlphabet[n.Int64()]
	}
	return string(b)
}

// UniqueCodes returns n distinct fresh codes.
func UniqueCodes(n int) []string {
	seen := make(map[string]bool, n)
	codes := make([]string, 0, n)
	for len(codes) < n {
		code := newCode()
		if seen[code] {
			continue
		}
		seen[code] = true
		codes = append(codes, code)
	}
	return codes
}
