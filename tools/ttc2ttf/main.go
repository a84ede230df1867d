// Command ttc2ttf extracts one face of a TrueType Collection (.ttc) into a
// standalone TrueType font (.ttf).
//
// Usage:
//
//	go run ./tools/ttc2ttf [-face N] input.ttc output.ttf
//
// It is used to produce internal/assets/fonts/wqy-microhei.ttf from
// /usr/share/fonts/truetype/wqy/wqy-microhei.ttc (Debian package
// fonts-wqy-microhei):
//
//	go run ./tools/ttc2ttf /usr/share/fonts/truetype/wqy/wqy-microhei.ttc internal/assets/fonts/wqy-microhei.ttf
//
// The TTC header lists the offset table of every face; the chosen face's
// tables are copied into a new file, each starting on a 4-byte boundary, the
// table directory is rewritten with the new offsets and checksums, and the
// 'head' table's checkSumAdjustment is recomputed for the new file.
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	face := flag.Int("face", 0, "index of the face to extract")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: ttc2ttf [-face N] input.ttc output.ttf")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	in, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fatal(err)
	}
	out, err := Extract(in, *face)
	if err != nil {
		fatal(err)
	}
	if err := os.WriteFile(flag.Arg(1), out, 0o644); err != nil {
		fatal(err)
	}
	fmt.Printf("wrote %s (%d bytes, face %d)\n", flag.Arg(1), len(out), *face)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "ttc2ttf:", err)
	os.Exit(1)
}

type tableRecord struct {
	tag      [4]byte
	offset   uint32
	length   uint32
	newOff   uint32
	checksum uint32
}

// Extract returns face number face of the TrueType Collection ttc as a
// standalone sfnt file.
func Extract(ttc []byte, face int) ([]byte, error) {
	be := binary.BigEndian
	if len(ttc) < 12 || string(ttc[:4]) != "ttcf" {
		return nil, errors.New("not a TrueType Collection (missing 'ttcf' tag)")
	}
	numFonts := int(be.Uint32(ttc[8:12]))
	if face < 0 || face >= numFonts {
		return nil, fmt.Errorf("face %d out of range: collection has %d faces", face, numFonts)
	}
	if len(ttc) < 12+4*numFonts {
		return nil, errors.New("truncated TTC header")
	}
	base := int(be.Uint32(ttc[12+4*face:]))
	if base+12 > len(ttc) {
		return nil, errors.New("face offset table out of range")
	}
	sfntVersion := be.Uint32(ttc[base:])
	numTables := int(be.Uint16(ttc[base+4:]))
	dirEnd := base + 12 + 16*numTables
	if dirEnd > len(ttc) {
		return nil, errors.New("table directory out of range")
	}

	tables := make([]tableRecord, numTables)
	pos := uint32(12 + 16*numTables) // already a multiple of 4
	for i := range tables {
		r := ttc[base+12+16*i:]
		t := &tables[i]
		copy(t.tag[:], r[:4])
		t.offset = be.Uint32(r[8:])
		t.length = be.Uint32(r[12:])
		if uint64(t.offset)+uint64(t.length) > uint64(len(ttc)) {
			return nil, fmt.Errorf("table %q out of range", t.tag[:])
		}
		t.newOff = pos
		pos += pad4(t.length)
	}

	out := make([]byte, pos)
	copy(out[0:12], ttc[base:base+12]) // sfntVersion, numTables, searchRange, entrySelector, rangeShift
	be.PutUint32(out[0:], sfntVersion)
	headOff := -1
	for i := range tables {
		t := &tables[i]
		copy(out[t.newOff:], ttc[t.offset:t.offset+t.length])
		if string(t.tag[:]) == "head" {
			if t.length < 12 {
				return nil, errors.New("'head' table too short")
			}
			headOff = int(t.newOff)
			be.PutUint32(out[headOff+8:], 0) // checkSumAdjustment, recomputed below
		}
		t.checksum = checksum(out[t.newOff : t.newOff+pad4(t.length)])
		r := out[12+16*i:]
		copy(r[:4], t.tag[:])
		be.PutUint32(r[4:], t.checksum)
		be.PutUint32(r[8:], t.newOff)
		be.PutUint32(r[12:], t.length)
	}
	if headOff >= 0 {
		be.PutUint32(out[headOff+8:], 0xB1B0AFBA-checksum(out))
	}
	return out, nil
}

func pad4(n uint32) uint32 { return (n + 3) &^ 3 }

// checksum is the sfnt table checksum: the sum of big-endian uint32 words,
// the data being zero-padded to a multiple of 4 bytes.
func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var last [4]byte
		copy(last[:], b)
		sum += binary.BigEndian.Uint32(last[:])
	}
	return sum
}
