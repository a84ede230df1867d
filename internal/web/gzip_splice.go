package web

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"hash/crc32"
	"io"
	"sync"
)

// A page may contain a part that is the same for many requests (the
// results page's cached body): that part is compressed once (a
// precompressed segment) and its deflate blocks are copied into each
// response's stream instead of compressing it again. A deflate stream may
// be cut after any sync flush, and blocks compressed without a history
// refer to nothing before them; the compressor is reset after the segment
// so that what follows does not refer back across it. The gzip header and
// trailer (CRC-32 and size of the whole) are written here.

// segment is a part of a page with its deflate blocks (no history, ended
// by a sync flush, not final).
type segment struct {
	raw, z []byte
}

var segmentWriters = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(io.Discard, gzipLevel)
	return fw
}}

// compressSegment compresses raw as a segment.
func compressSegment(raw []byte) *segment {
	var b bytes.Buffer
	fw := segmentWriters.Get().(*flate.Writer)
	fw.Reset(&b)
	fw.Write(raw)
	fw.Flush()
	segmentWriters.Put(fw)
	return &segment{raw: raw, z: b.Bytes()}
}

type gzipCtxKey struct{}

// withSegment tells the response's compressor (if any) that seg.raw will
// be written as part of the body.
func withSegment(ctx context.Context, seg *segment) {
	if gw, ok := ctx.Value(gzipCtxKey{}).(*gzipWriter); ok {
		gw.seg = seg
	}
}

// gzipStream is a gzip member written by hand around a flate.Writer, so
// that precompressed segments can be spliced in.
type gzipStream struct {
	out  io.Writer
	fw   *flate.Writer
	crc  uint32
	size uint32
	hdr  bool // header written
}

var gzipStreams = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(io.Discard, gzipLevel)
	return &gzipStream{fw: fw}
}}

// gzipHeader is what compress/gzip writes at level 1: no name, no time,
// XFL 4 (fastest), OS unknown.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255}

func (z *gzipStream) Reset(out io.Writer) {
	z.out, z.crc, z.size, z.hdr = out, 0, 0, false
	z.fw.Reset(out)
}

func (z *gzipStream) header() error {
	if z.hdr {
		return nil
	}
	z.hdr = true
	_, err := z.out.Write(gzipHeader)
	return err
}

func (z *gzipStream) Write(p []byte) (int, error) {
	if err := z.header(); err != nil {
		return 0, err
	}
	z.crc = crc32.Update(z.crc, crc32.IEEETable, p)
	z.size += uint32(len(p))
	return z.fw.Write(p)
}

// splice writes seg (its raw bytes as body) from its deflate blocks.
func (z *gzipStream) splice(seg *segment) error {
	if err := z.header(); err != nil {
		return err
	}
	if err := z.fw.Flush(); err != nil { // byte-aligned, nothing held
		return err
	}
	if _, err := z.out.Write(seg.z); err != nil {
		return err
	}
	z.fw.Reset(z.out) // no references back across the segment
	z.crc = crc32.Update(z.crc, crc32.IEEETable, seg.raw)
	z.size += uint32(len(seg.raw))
	return nil
}

func (z *gzipStream) Flush() error {
	if err := z.header(); err != nil {
		return err
	}
	return z.fw.Flush()
}

func (z *gzipStream) Close() error {
	if err := z.header(); err != nil {
		return err
	}
	if err := z.fw.Close(); err != nil {
		return err
	}
	var t [8]byte
	binary.LittleEndian.PutUint32(t[:4], z.crc)
	binary.LittleEndian.PutUint32(t[4:], z.size)
	_, err := z.out.Write(t[:])
	return err
}

// writeSpliced compresses p, splicing w.seg in where p holds its bytes.
func (w *gzipWriter) writeSpliced(p []byte) (int, error) {
	seg := w.seg
	if seg == nil || len(seg.raw) < 64 || len(p) < len(seg.raw) {
		return w.zw.Write(p)
	}
	i := bytes.Index(p, seg.raw[:64])
	for i >= 0 && !bytes.HasPrefix(p[i:], seg.raw) {
		j := bytes.Index(p[i+1:], seg.raw[:64])
		if j < 0 {
			i = -1
			break
		}
		i += 1 + j
	}
	if i < 0 {
		return w.zw.Write(p)
	}
	w.seg = nil // once
	if _, err := w.zw.Write(p[:i]); err != nil {
		return 0, err
	}
	if err := w.zw.splice(seg); err != nil {
		return i, err
	}
	n, err := w.zw.Write(p[i+len(seg.raw):])
	return i + len(seg.raw) + n, err
}
