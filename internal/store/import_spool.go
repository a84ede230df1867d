package store

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"os"
)

// SpoolMembers reads src once into a temporary file and returns a
// MemberSource that reads that file, and what removes it. For files that
// are slow to read twice: an XLSX sheet costs excelize's XML decoding,
// ≈ 80 µs a row (49 s of CPU for 600,000 members), where the spool reads
// back in well under a second. An error of src (a refused file) is
// returned as it is.
func SpoolMembers(src MemberSource) (MemberSource, func(), error) {
	f, err := os.CreateTemp("", "pingyi-members-*.spool")
	if err != nil {
		return nil, nil, err
	}
	remove := func() {
		f.Close()
		os.Remove(f.Name())
	}
	w := bufio.NewWriterSize(f, 1<<16)
	var buf []byte
	err = src(func(r MemberRow) error {
		buf = binary.AppendUvarint(buf[:0], uint64(r.Line))
		var has byte
		for i, c := range MemberOptional {
			if r.Has[c] {
				has |= 1 << i
			}
		}
		buf = append(buf, has)
		for _, s := range [...]string{r.Code, r.Name, r.OrgCode, r.Category, r.IsSecretary, r.Phone, r.Gender, r.BirthYear,
			r.HomeUnit, r.CommunityCode, r.IDNumber} {
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			buf = append(buf, s...)
		}
		_, err := w.Write(buf)
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		remove()
		return nil, nil, err
	}
	// One Has map for each combination of optional columns.
	hasMaps := map[byte]map[string]bool{}
	hasOf := func(b byte) map[string]bool {
		if m, ok := hasMaps[b]; ok {
			return m
		}
		m := map[string]bool{}
		for i, c := range MemberOptional {
			if b&(1<<i) != 0 {
				m[c] = true
			}
		}
		hasMaps[b] = m
		return m
	}
	read := func(fn func(MemberRow) error) error {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		br := bufio.NewReaderSize(f, 1<<16)
		var cells [11]string
		var sb []byte
		for {
			line, err := binary.ReadUvarint(br)
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			has, err := br.ReadByte()
			if err != nil {
				return spoolErr(err)
			}
			for i := range cells {
				n, err := binary.ReadUvarint(br)
				if err != nil {
					return spoolErr(err)
				}
				if uint64(cap(sb)) < n {
					sb = make([]byte, n)
				}
				sb = sb[:n]
				if _, err := io.ReadFull(br, sb); err != nil {
					return spoolErr(err)
				}
				cells[i] = string(sb)
			}
			r := MemberRow{Line: int(line), Code: cells[0], Name: cells[1], OrgCode: cells[2], Category: cells[3], IsSecretary: cells[4],
				Phone: cells[5], Gender: cells[6], BirthYear: cells[7], HomeUnit: cells[8], CommunityCode: cells[9], IDNumber: cells[10],
				Has: hasOf(has)}
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return read, remove, nil
}

func spoolErr(err error) error {
	if err == io.EOF {
		return errors.New("member spool file cut short")
	}
	return err
}
