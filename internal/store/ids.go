package store

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// IDs are made by the application (no sequences, so the schema also runs on
// distributed PostgreSQL-compatible engines): 42 bits of milliseconds since
// 2020, 8 random bits chosen per process (so two processes writing at once
// do not collide), 13 bits of sequence. They sort by creation time, which
// keeps B-tree inserts local.
var idGen struct {
	sync.Mutex
	node   int64
	lastMS int64
	seq    int64
}

var idEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

func init() {
	var b [1]byte
	rand.Read(b[:])
	idGen.node = int64(b[0])
}

// NewID returns a new time-ordered ID.
func NewID() int64 {
	idGen.Lock()
	defer idGen.Unlock()
	ms := time.Now().UnixMilli() - idEpoch
	if ms <= idGen.lastMS {
		idGen.seq++
		if idGen.seq >= 1<<13 {
			idGen.lastMS++
			idGen.seq = 0
		}
		ms = idGen.lastMS
	} else {
		idGen.lastMS = ms
		idGen.seq = 0
	}
	return ms<<21 | idGen.node<<13 | idGen.seq
}

// RandomID returns a random positive ID that says nothing about when it was
// made (ballots: nobody may order them against the codes they spent).
func RandomID() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:]) >> 1)
}

// IDTime is the moment a NewID was made, to the millisecond (for a
// RandomID it means nothing: tests check anonymous rows' IDs with it).
func IDTime(id int64) time.Time { return time.UnixMilli(idEpoch + id>>21).UTC() }
