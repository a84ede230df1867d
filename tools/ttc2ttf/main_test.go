package main

import (
	"encoding/binary"
	"testing"
)

// buildTTC makes a two-face collection whose faces share a 'glyf' table and
// have a 'head' table each; table lengths are not multiples of 4.
func buildTTC() []byte {
	be := binary.BigEndian
	head := func(tag byte) []byte {
		b := make([]byte, 54)
		be.PutUint32(b[0:], 0x00010000)
		be.PutUint32(b[8:], 0xDEADBEEF) // stale checkSumAdjustment
		be.PutUint32(b[12:], 0x5F0F3CF5)
		b[53] = tag
		return b
	}
	glyf := []byte{1, 2, 3, 4, 5, 6, 7}
	var out []byte
	out = append(out, "ttcf"...)
	out = be.AppendUint32(out, 0x00010000)
	out = be.AppendUint32(out, 2)
	dir0 := 12 + 8
	dir1 := dir0 + 12 + 2*16
	out = be.AppendUint32(out, uint32(dir0))
	out = be.AppendUint32(out, uint32(dir1))
	dataStart := dir1 + 12 + 2*16
	glyfOff := dataStart
	head0Off := glyfOff + 8
	head1Off := head0Off + 56
	for _, h := range []int{head0Off, head1Off} {
		out = be.AppendUint32(out, 0x00010000)
		out = be.AppendUint16(out, 2)
		out = append(out, 0, 32, 0, 1, 0, 0)
		out = append(out, "glyf"...)
		out = be.AppendUint32(out, 0)
		out = be.AppendUint32(out, uint32(glyfOff))
		out = be.AppendUint32(out, uint32(len(glyf)))
		out = append(out, "head"...)
		out = be.AppendUint32(out, 0)
		out = be.AppendUint32(out, uint32(h))
		out = be.AppendUint32(out, 54)
	}
	out = append(out, glyf...)
	out = append(out, 0)
	out = append(out, head(0xA0)...)
	out = append(out, 0, 0)
	out = append(out, head(0xA1)...)
	out = append(out, 0, 0)
	return out
}

func TestExtract(t *testing.T) {
	be := binary.BigEndian
	ttc := buildTTC()
	for face, tag := range []byte{0xA0, 0xA1} {
		ttf, err := Extract(ttc, face)
		if err != nil {
			t.Fatal(err)
		}
		if be.Uint32(ttf) != 0x00010000 || be.Uint16(ttf[4:]) != 2 {
			t.Fatalf("face %d: bad offset table % x", face, ttf[:12])
		}
		for i := 0; i < 2; i++ {
			r := ttf[12+16*i:]
			off, n := be.Uint32(r[8:]), be.Uint32(r[12:])
			if off%4 != 0 {
				t.Errorf("face %d table %q at unaligned offset %d", face, r[:4], off)
			}
			if sum := checksum(ttf[off : off+pad4(n)]); string(r[:4]) != "head" && sum != be.Uint32(r[4:]) {
				t.Errorf("face %d table %q checksum %x, directory says %x", face, r[:4], sum, be.Uint32(r[4:]))
			}
			if string(r[:4]) == "head" && ttf[off+53] != tag {
				t.Errorf("face %d got the other face's head table", face)
			}
			if string(r[:4]) == "glyf" && string(ttf[off:off+n]) != "\x01\x02\x03\x04\x05\x06\x07" {
				t.Errorf("face %d glyf table corrupted", face)
			}
		}
		if sum := checksum(ttf); sum != 0xB1B0AFBA {
			t.Errorf("face %d whole-file checksum %x, want B1B0AFBA", face, sum)
		}
	}
	if _, err := Extract(ttc, 2); err == nil {
		t.Error("face out of range: want error")
	}
	if _, err := Extract([]byte("OTTO...."), 0); err == nil {
		t.Error("not a TTC: want error")
	}
}
