package web

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec encodes session data for the session store. scs commits a
// session on every request (the idle timeout moves), and the store skips
// the database write when the data are unchanged (store.SessionStore), so
// the same data must give the same bytes: scs's gob codec writes a map in
// random order. This one writes the keys sorted, in a compact form for the
// values sessions hold (strings, integers, booleans, bytes, floats,
// times); data holding anything else are written with gob, and data
// written by gob (sessions from before) are read with it.
type sessionCodec struct{}

// sessionMagic starts the compact form; gob data never start with a 0
// byte (a message length).
var sessionMagic = []byte{0, 'P', 1}

var errSessionData = errors.New("session data: malformed")

const (
	tagString  = 's'
	tagInt64   = 'i'
	tagInt     = 'n'
	tagBool    = 'b'
	tagBytes   = 'y'
	tagFloat64 = 'f'
	tagTime    = 't'
)

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(values))
	for k, v := range values {
		switch v.(type) {
		case string, int64, int, bool, []byte, float64, time.Time:
		default:
			return scs.GobCodec{}.Encode(deadline, values)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := append(make([]byte, 0, 64), sessionMagic...)
	dl, err := deadline.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b = appendBytes(b, dl)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendBytes(b, []byte(k))
		switch v := values[k].(type) {
		case string:
			b = appendBytes(append(b, tagString), []byte(v))
		case int64:
			b = binary.AppendVarint(append(b, tagInt64), v)
		case int:
			b = binary.AppendVarint(append(b, tagInt), int64(v))
		case bool:
			x := byte(0)
			if v {
				x = 1
			}
			b = append(b, tagBool, x)
		case []byte:
			b = appendBytes(append(b, tagBytes), v)
		case float64:
			b = binary.BigEndian.AppendUint64(append(b, tagFloat64), math.Float64bits(v))
		case time.Time:
			t, err := v.MarshalBinary()
			if err != nil {
				return nil, err
			}
			b = appendBytes(append(b, tagTime), t)
		}
	}
	return b, nil
}

func appendBytes(b, s []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) == 0 || b[0] != 0 {
		return scs.GobCodec{}.Decode(b)
	}
	d := sessionDecoder{b: b}
	if string(d.take(len(sessionMagic))) != string(sessionMagic) {
		return time.Time{}, nil, errSessionData
	}
	var deadline time.Time
	if err := deadline.UnmarshalBinary(d.bytes()); err != nil {
		return time.Time{}, nil, errSessionData
	}
	n := d.uvarint()
	if d.err || n > uint64(len(b)) {
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]any, n)
	for range n {
		k := string(d.bytes())
		switch tag := d.take(1); {
		case tag == nil:
		case tag[0] == tagString:
			values[k] = string(d.bytes())
		case tag[0] == tagInt64:
			values[k] = d.varint()
		case tag[0] == tagInt:
			values[k] = int(d.varint())
		case tag[0] == tagBool:
			if x := d.take(1); x != nil {
				values[k] = x[0] == 1
			}
		case tag[0] == tagBytes:
			values[k] = slices.Clone(d.bytes())
		case tag[0] == tagFloat64:
			if x := d.take(8); x != nil {
				values[k] = math.Float64frombits(binary.BigEndian.Uint64(x))
			}
		case tag[0] == tagTime:
			var t time.Time
			if err := t.UnmarshalBinary(d.bytes()); err != nil {
				d.err = true
			}
			values[k] = t
		default:
			d.err = true
		}
		if d.err {
			return time.Time{}, nil, errSessionData
		}
	}
	if d.err || len(d.b) != 0 {
		return time.Time{}, nil, errSessionData
	}
	return deadline, values, nil
}

// sessionDecoder reads the compact form; any short read sets err.
type sessionDecoder struct {
	b   []byte
	err bool
}

func (d *sessionDecoder) take(n int) []byte {
	if d.err || n < 0 || n > len(d.b) {
		d.err = true
		return nil
	}
	x := d.b[:n:n]
	d.b = d.b[n:]
	return x
}

func (d *sessionDecoder) uvarint() uint64 {
	if d.err {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *sessionDecoder) varint() int64 {
	if d.err {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *sessionDecoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = true
		return nil
	}
	return d.take(int(n))
}
