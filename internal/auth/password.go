// Package auth holds Pingyi's password hashing (argon2id, PHC strings),
// its password policy, and the in-memory login rate limiter.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // iterations
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams follow OWASP's password storage cheat sheet (argon2id, 19
// MiB, 2 iterations, 1 degree of parallelism): cheap enough in memory for
// the login bursts at the start of a meeting, costly enough per guess.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// MinLength is the password policy's minimum length, in characters.
const MinLength = 8

// MaxLength bounds what is hashed (argon2 on megabytes of input is a
// denial of service).
const MaxLength = 256

// Errors.
var (
	ErrTooShort  = errors.New("password too short")
	ErrTooLong   = errors.New("password too long")
	ErrMalformed = errors.New("malformed password hash")
)

// CheckPolicy reports whether pw is acceptable as a new password: at least
// MinLength characters (not bytes: 8 Chinese characters are fine), at most
// MaxLength, and not only spaces.
func CheckPolicy(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength || strings.TrimSpace(pw) == "":
		return ErrTooShort
	case n > MaxLength:
		return ErrTooLong
	}
	return nil
}

// hashing bounds how many hashes run at once, so that a burst of logins
// cannot take all the memory (each costs Params.Memory).
var hashing = make(chan struct{}, max(2, runtime.NumCPU()))

// Hash returns the PHC string of pw with DefaultParams and a fresh salt:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded base64).
func Hash(pw string) (string, error) { return HashWith(pw, DefaultParams) }

// HashWith hashes with explicit parameters (tests use cheap ones).
func HashWith(pw string, p Params) (string, error) {
	if len(pw) > MaxLength*4 {
		return "", ErrTooLong
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	hashing <- struct{}{}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	<-hashing
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// decode parses a PHC argon2id string.
func decode(phc string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(phc, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformed
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, ErrMalformed
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, ErrMalformed
	}
	// Refuse absurd costs from a tampered database.
	if p.Memory < 8 || p.Memory > 1<<22 || p.Time < 1 || p.Time > 64 || p.Threads < 1 {
		return p, nil, nil, ErrMalformed
	}
	enc := base64.RawStdEncoding
	if salt, err = enc.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, ErrMalformed
	}
	if key, err = enc.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, ErrMalformed
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// Verify reports whether pw matches the PHC hash, comparing in constant
// time. A malformed hash never matches.
func Verify(hash, pw string) bool {
	p, salt, key, err := decode(hash)
	if err != nil || len(pw) > MaxLength*4 {
		return false
	}
	hashing <- struct{}{}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	<-hashing
	return subtle.ConstantTimeCompare(got, key) == 1
}

// NeedsRehash reports whether hash was made with other parameters than
// DefaultParams (to upgrade it at the next successful login).
func NeedsRehash(hash string) bool {
	p, _, _, err := decode(hash)
	return err != nil || p.Memory != DefaultParams.Memory || p.Time != DefaultParams.Time || p.Threads != DefaultParams.Threads
}

// dummyHash is verified against when a username is unknown, so that the
// response takes as long as for a known one.
var dummyHash = sync.OnceValue(func() string {
	h, _ := Hash("pingyi-dummy-password")
	return h
})

// VerifyDummy spends the time of one Verify.
func VerifyDummy(pw string) { Verify(dummyHash(), pw) }

// Generate returns a random password of n characters from an alphabet
// without look-alikes (no 0/O, 1/l/I), for accounts created on the console.
func Generate(n int) string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	const limit = 256 - 256%len(alphabet) // rejection sampling: no modulo bias
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		rand.Read(buf[:])
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}
