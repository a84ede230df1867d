package web

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sameSessionValue compares decoded session values: floats by their bits
// (a NaN equals itself), times by instant and offset, the rest by value.
func sameSessionValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case time.Time:
		y, ok := b.(time.Time)
		if !ok || !x.Equal(y) {
			return false
		}
		_, ox := x.Zone()
		_, oy := y.Zone()
		return ox == oy
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	default:
		return a == b
	}
}

func sameSession(t *testing.T, a, b map[string]any) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d values, then %d", len(a), len(b))
	}
	for k, v := range a {
		if !sameSessionValue(v, b[k]) {
			t.Fatalf("%q: %#v, then %#v", k, v, b[k])
		}
	}
}

// FuzzSessionCodec feeds arbitrary bytes to the session codec's decoder
// (what a tampered or truncated sessions row gives it). It never panics;
// what decodes in the compact form re-encodes to bytes that decode to the
// same deadline and values, and encoding is then a fixed point (the same
// data give the same bytes, which the session store relies on to skip
// unchanged writes). Gob data (sessions from before the compact form) go
// through scs's gob codec and must not panic either.
func FuzzSessionCodec(f *testing.F) {
	c := sessionCodec{}
	dl := time.Date(2026, 12, 4, 18, 0, 0, 123, time.UTC)
	for _, vals := range []map[string]any{
		{"uid": int64(7), "lang": "zh-CN"},
		{},
		{"": "", "n": -1, "b": true, "y": []byte{0, 0xff}, "f": math.NaN(), "t": dl.In(time.FixedZone("CST", 8*3600))},
		{"flash": "已保存 \x00 <script>", "csrf": string(bytes.Repeat([]byte{0xff}, 40))},
	} {
		b, err := c.Encode(dl, vals)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	// Gob data, as scs wrote sessions before the compact form.
	g, err := scs.GobCodec{}.Encode(dl, map[string]any{"uid": int64(1), "x": []string{"a"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(g)
	f.Add(g[:len(g)-3])
	f.Add([]byte{})
	f.Add([]byte{0})
	f.Add([]byte{0, 'P', 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{0, 'P', 1, 15, 1, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		dl, vals, err := c.Decode(data)
		if err != nil {
			if vals != nil {
				t.Fatal("values with an error")
			}
			return
		}
		if len(data) == 0 || data[0] != 0 {
			return // gob data: not re-encoded in that form
		}
		again, err := c.Encode(dl, vals)
		if err != nil {
			t.Fatalf("decoded data do not encode: %v", err)
		}
		dl2, vals2, err := c.Decode(again)
		if err != nil {
			t.Fatalf("re-encoded data do not decode: %v", err)
		}
		if !dl2.Equal(dl) {
			t.Fatalf("deadline %v, then %v", dl, dl2)
		}
		sameSession(t, vals, vals2)
		third, err := c.Encode(dl2, vals2)
		if err != nil || !bytes.Equal(third, again) {
			t.Fatalf("encoding is not a fixed point:\n% x\n% x", again, third)
		}
	})
}

// FuzzSessionCodecValues encodes sessions built from arbitrary values of
// every kind the compact form holds and decodes them back: the same
// values, the same deadline, and the same bytes for the same data.
func FuzzSessionCodecValues(f *testing.F) {
	f.Add("uid", "zh-CN", int64(7), 3, true, []byte("x"), 1.5, int64(1764871200), int32(0))
	f.Add("", "", int64(math.MinInt64), -1, false, []byte{}, math.Inf(-1), int64(-62135596800), int32(-720))
	f.Add("键\x00", "\xff\xfe", int64(math.MaxInt64), math.MaxInt, true, []byte(nil), math.NaN(), int64(253402300799), int32(840))
	f.Fuzz(func(t *testing.T, key, s string, i64 int64, n int, b bool, y []byte, fl float64, sec int64, offMin int32) {
		if y == nil {
			y = []byte{}
		}
		tm := time.Unix(sec, int64(offMin)&0x3fffffff).In(time.FixedZone("", int(offMin%(24*60))*60))
		if _, err := tm.MarshalBinary(); err != nil {
			return // outside what time.Time marshals (years or offsets)
		}
		vals := map[string]any{key + "s": s, key + "i": i64, key + "n": n, key + "b": b, key + "y": y, key + "f": fl, key + "t": tm}
		dl := time.Unix(sec/2, 0)
		enc, err := sessionCodec{}.Encode(dl, vals)
		if err != nil {
			t.Fatal(err)
		}
		if len(enc) == 0 || enc[0] != 0 {
			t.Fatal("compact values written with gob")
		}
		dl2, got, err := sessionCodec{}.Decode(enc)
		if err != nil {
			t.Fatal(err)
		}
		if !dl2.Equal(dl) {
			t.Fatalf("deadline %v, then %v", dl, dl2)
		}
		sameSession(t, vals, got)
		for range 3 { // map order must not show in the bytes
			again, _ := sessionCodec{}.Encode(dl, vals)
			if !bytes.Equal(again, enc) {
				t.Fatal("the same data gave other bytes")
			}
		}
	})
}
