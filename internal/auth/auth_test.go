package auth

import (
	"strings"
	"testing"
	"time"
)

var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("not a PHC argon2id string with the default parameters: %s", h)
	}
	if parts := strings.Split(h, "$"); len(parts) != 6 || len(parts[4]) != 22 || len(parts[5]) != 43 {
		t.Fatalf("want a 16-byte salt and a 32-byte key in unpadded base64: %s", h)
	}
	if !Verify(h, "correct horse battery") {
		t.Fatal("the right password does not verify")
	}
	for _, wrong := range []string{"", "correct horse batter", "correct horse battery ", "Correct horse battery"} {
		if Verify(h, wrong) {
			t.Fatalf("%q verifies", wrong)
		}
	}
	h2, _ := Hash("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	if NeedsRehash(h) {
		t.Fatal("a default hash needs a rehash")
	}
}

func TestVerifyOtherParams(t *testing.T) {
	h, err := HashWith("密码是八个汉字吗", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h, "$m=64,t=1,p=1$") || !Verify(h, "密码是八个汉字吗") {
		t.Fatalf("the parameters of the hash are not used: %s", h)
	}
	if !NeedsRehash(h) {
		t.Fatal("a cheap hash does not need a rehash")
	}
}

func TestVerifyMalformed(t *testing.T) {
	good, _ := HashWith("password1", cheap)
	parts := strings.Split(good, "$")
	for _, h := range []string{
		"", "password1", "$argon2i$v=19$m=64,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=18$m=64,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=99999999,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$!!!$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$" + parts[4] + "$",
		good + "$",
	} {
		if Verify(h, "password1") {
			t.Errorf("malformed %q verifies", h)
		}
	}
}

func TestPolicy(t *testing.T) {
	for pw, want := range map[string]error{
		"":                         ErrTooShort,
		"1234567":                  ErrTooShort,
		"        ":                 ErrTooShort,
		"12345678":                 nil,
		"党建评议工作系统":                 nil, // eight characters, 24 bytes
		"党建评议":                     ErrTooShort,
		strings.Repeat("a", 257):   ErrTooLong,
		strings.Repeat("a", 256):   nil,
		"correct horse battery st": nil,
	} {
		if got := CheckPolicy(pw); got != want {
			t.Errorf("CheckPolicy(%q) = %v, want %v", pw, got, want)
		}
	}
}

func TestGenerate(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		p := Generate(12)
		if len(p) != 12 || strings.ContainsAny(p, "0O1lI") || CheckPolicy(p) != nil {
			t.Fatalf("bad generated password %q", p)
		}
		if seen[p] {
			t.Fatalf("generated %q twice", p)
		}
		seen[p] = true
	}
}

func TestLoginLimiter(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	l := NewLoginLimiter()
	l.Now = func() time.Time { return now }
	const office, outside = "10.0.0.1", "203.0.113.9"

	// Five free failures for one address and username, then backoff:
	// 30 s after the 5th, 60 s after the 6th, doubling, at most 15 minutes.
	for i := range 5 {
		if w := l.Wait(office, "zhang"); w != 0 {
			t.Fatalf("wait %v before failure %d", w, i+1)
		}
		l.Fail(office, "Zhang")
	}
	if w := l.Wait(office, "zhang"); w != 30*time.Second {
		t.Fatalf("after 5 failures: wait %v, want 30s", w)
	}
	now = now.Add(30 * time.Second)
	if w := l.Wait(office, "zhang"); w != 0 {
		t.Fatalf("after the backoff: wait %v", w)
	}
	l.Fail(office, "zhang")
	if w := l.Wait(office, "zhang"); w != time.Minute {
		t.Fatalf("after 6 failures: wait %v, want 1m", w)
	}
	for range 10 {
		l.Fail(office, "zhang")
	}
	if w := l.Wait(office, "zhang"); w != 15*time.Minute {
		t.Fatalf("after 16 failures: wait %v, want the 15m cap", w)
	}
	// The rest of the office is not held back by one colleague.
	if w := l.Wait(office, "li"); w != 0 {
		t.Fatalf("another user at the same address waits %v", w)
	}
	// A success at the address clears the pair.
	l.Succeed(office, "zhang")
	if w := l.Wait(office, "zhang"); w != 0 {
		t.Fatalf("after a success: wait %v", w)
	}

	// An address with 50 failures (any usernames) waits for the window.
	now = now.Add(time.Hour)
	for i := range 50 {
		l.Fail("10.9.9.9", "user"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	if w := l.Wait("10.9.9.9", "someone"); w != 15*time.Minute {
		t.Fatalf("address after 50 failures: wait %v, want 15m", w)
	}

	// Wrong passwords typed at admin from everywhere never lock out admin
	// at an address it logged in from; unknown addresses are spaced 2 s.
	now = now.Add(time.Hour)
	l.Succeed(office, "admin")
	for i := range 40 {
		l.Fail("198.51.100."+string(rune('0'+i%10))+string(rune('0'+i/10)), "admin")
	}
	if w := l.Wait(office, "admin"); w != 0 {
		t.Fatalf("admin at its own address waits %v after a distributed guess", w)
	}
	if w := l.Wait(outside, "admin"); w != 2*time.Second {
		t.Fatalf("an unknown address guessing admin waits %v, want 2s", w)
	}
	// Unlock forgets the username's failures.
	if n := l.Failures("admin"); n != 40 {
		t.Fatalf("failures of admin: %d, want 40", n)
	}
	l.Unlock("ADMIN")
	if w := l.Wait(outside, "admin"); w != 0 || l.Failures("admin") != 0 {
		t.Fatalf("after unlock: wait %v, %d failures", w, l.Failures("admin"))
	}

	// Stale keys are swept.
	now = now.Add(24 * time.Hour)
	l.Fail("fresh", "x")
	if n := l.Len(); n != 4 { // the fresh pair, address, username and its unknown-address mark
		t.Fatalf("%d keys a day later, want only the fresh ones", n)
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	l := NewLimiter(5, 15*time.Minute)
	l.Now = func() time.Time { return now }
	for i := range 4 {
		l.Fail("ip:10.0.0.1", "user:zhang")
		now = now.Add(time.Minute)
		if b, _ := l.Blocked("ip:10.0.0.1", "user:zhang"); b {
			t.Fatalf("blocked after %d failures", i+1)
		}
	}
	l.Fail("ip:10.0.0.1", "user:zhang") // 5th, at 9:04
	b, wait := l.Blocked("ip:10.0.0.1")
	if !b || wait != 15*time.Minute-4*time.Minute {
		t.Fatalf("after 5 failures: blocked %v for %v, want true for 11m (until the first failure leaves the window)", b, wait)
	}
	if b, _ := l.Blocked("user:zhang"); !b {
		t.Fatal("the username is not blocked")
	}
	if b, _ := l.Blocked("ip:10.0.0.2", "user:li"); b {
		t.Fatal("other keys are blocked")
	}
	// A success resets the username but not the address.
	l.Reset("user:zhang")
	if b, _ := l.Blocked("user:zhang"); b {
		t.Fatal("reset username still blocked")
	}
	if b, _ := l.Blocked("ip:10.0.0.1"); !b {
		t.Fatal("the address was reset with the username")
	}
	// The window slides: at 9:15 the 9:00 failure has left it.
	now = time.Date(2026, 6, 1, 9, 15, 0, 0, time.UTC)
	if b, _ := l.Blocked("ip:10.0.0.1"); b {
		t.Fatal("still blocked when a failure has left the window")
	}
	l.Fail("ip:10.0.0.1")
	if b, _ := l.Blocked("ip:10.0.0.1"); !b {
		t.Fatal("not blocked again with 5 failures in the window")
	}
	// Stale keys are swept.
	for i := range 100 {
		l.Fail("ip:192.168.0." + string(rune('a'+i%26)) + string(rune('a'+i/26)))
	}
	now = now.Add(time.Hour)
	l.Fail("ip:fresh")
	if n := l.Len(); n != 1 {
		t.Fatalf("%d keys after an hour, want only the fresh one", n)
	}
}
