package voice

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// MaxMail bounds a message (with its attachments).
const MaxMail = 10 << 20

// Attachment is a file that came with an email.
type Attachment struct {
	Filename, ContentType string
	Data                  []byte
}

// parsedMail is what an email says.
type parsedMail struct {
	FromName, FromAddr, Subject, Text string
	Attachments                       []Attachment
}

var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "utf-8", "us-ascii", "":
		return r, nil
	}
	return nil, fmt.Errorf("charset %s", charset)
}}

// parseMail reads an RFC 5322 message: sender, subject, the first text
// part (UTF-8), the attachments.
func parseMail(raw []byte) (*parsedMail, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	p := &parsedMail{}
	if subj, err := wordDecoder.DecodeHeader(m.Header.Get("Subject")); err == nil {
		p.Subject = strings.TrimSpace(subj)
	}
	if from, err := (&mail.AddressParser{WordDecoder: wordDecoder}).Parse(m.Header.Get("From")); err == nil {
		p.FromName, p.FromAddr = from.Name, from.Address
	}
	if err := readPart(p, m.Header, m.Body); err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.Text) == "" && p.Subject == "" {
		return nil, errors.New("no text")
	}
	if !utf8.ValidString(p.Text) {
		return nil, errors.New("the text is not UTF-8")
	}
	return p, nil
}

type header interface{ Get(string) string }

func readPart(p *parsedMail, h header, body io.Reader) error {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=utf-8"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content type: %w", err)
	}
	body = decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := readPart(p, part.Header, part); err != nil {
				return err
			}
		}
	case mt == "text/plain" && disp != "attachment" && p.Text == "":
		cs := strings.ToLower(params["charset"])
		if cs != "" && cs != "utf-8" && cs != "us-ascii" {
			return fmt.Errorf("charset %s is not supported", cs)
		}
		b, err := io.ReadAll(io.LimitReader(body, MaxMail))
		if err != nil {
			return err
		}
		p.Text = string(b)
	default:
		if disp == "attachment" || disp == "inline" || !strings.HasPrefix(mt, "text/") {
			b, err := io.ReadAll(io.LimitReader(body, MaxMail))
			if err != nil {
				return err
			}
			name := dparams["filename"]
			if name == "" {
				name = params["name"]
			}
			if name, err = wordDecoder.DecodeHeader(name); err != nil || name == "" {
				name = "attachment"
			}
			p.Attachments = append(p.Attachments, Attachment{Filename: name, ContentType: mt, Data: b})
		}
	}
	return nil
}

func decodeTransfer(enc string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &stripSpace{r: r})
	case "quoted-printable":
		return newQP(r)
	}
	return r
}

// ErrUnreadable is returned (wrapped) for an email kept for staff because
// it could not be read.
var ErrUnreadable = errors.New("the email could not be read; it is kept for staff")

// ReceiveEmail files an email as an opinion of channel email at org (the
// sender's name and address as the contact, the subject and text as the
// content, the attachments kept). The message itself is always kept; one
// that cannot be read is stored with the reason and reported as
// ErrUnreadable, never dropped.
func (v *Voice) ReceiveEmail(ctx context.Context, raw []byte, orgCode, category string, now time.Time, a store.Actor) (Receipt, error) {
	var orgID int64
	if err := v.S.R().QueryRow(ctx, `SELECT id FROM orgs WHERE code = ?`, orgCode).Scan(&orgID); err != nil {
		return Receipt{}, ErrNotFound
	}
	keep := func(opinionID any, problem string) error {
		return v.S.Tx(ctx, func(q store.Q) error {
			id := store.NewID()
			if _, err := q.Exec(ctx, `INSERT INTO voice_mail (id, received_at, org_id, opinion_id, problem, raw_b64) VALUES (?, ?, ?, ?, ?, ?)`,
				id, fmtDB(now), orgID, opinionID, problem, base64.StdEncoding.EncodeToString(raw)); err != nil {
				return err
			}
			return store.Audit(ctx, q, a, "receive_mail", "voice_mail", fmt.Sprint(id), nil, map[string]string{"problem": problem})
		})
	}
	p, err := parseMail(raw)
	if err != nil {
		if kerr := keep(nil, err.Error()); kerr != nil {
			return Receipt{}, kerr
		}
		return Receipt{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	content := strings.TrimSpace(p.Subject + "\n\n" + strings.TrimSpace(p.Text))
	if utf8.RuneCountInString(content) > MaxContentLen {
		content = string([]rune(content)[:MaxContentLen])
	}
	if category == "" {
		category = string(rules.CategorySuggestion)
	}
	name := p.FromName
	if utf8.RuneCountInString(name) > MaxNameLen {
		name = string([]rune(name)[:MaxNameLen])
	}
	rc, err := v.Receive(ctx, NewOpinion{Channel: string(rules.ChannelEmail), Category: category, Content: content, OrgCode: orgCode,
		Name: name, Email: p.FromAddr}, now, a)
	if err != nil {
		if kerr := keep(nil, err.Error()); kerr != nil {
			return Receipt{}, kerr
		}
		return Receipt{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	var opID int64
	if err := v.S.R().QueryRow(ctx, `SELECT id FROM opinions WHERE ref = ?`, rc.Ref).Scan(&opID); err != nil {
		return Receipt{}, err
	}
	err = v.S.Tx(ctx, func(q store.Q) error {
		for i, at := range p.Attachments {
			if _, err := q.Exec(ctx, `INSERT INTO opinion_attachments (opinion_id, seq, filename, content_type, data_b64) VALUES (?, ?, ?, ?, ?)`,
				opID, i+1, at.Filename, at.ContentType, base64.StdEncoding.EncodeToString(at.Data)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Receipt{}, err
	}
	return rc, keep(opID, "")
}

// Attachments lists an opinion's attachments.
func (v *Voice) Attachments(ctx context.Context, ref string) ([]Attachment, error) {
	rows, err := v.S.R().Query(ctx, `SELECT a.filename, a.content_type, a.data_b64 FROM opinion_attachments a JOIN opinions op ON op.id = a.opinion_id
		WHERE op.ref = ? ORDER BY a.seq`, ref)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var at Attachment
		var b64 string
		if err := rows.Scan(&at.Filename, &at.ContentType, &b64); err != nil {
			return nil, err
		}
		if at.Data, err = base64.StdEncoding.DecodeString(b64); err != nil {
			return nil, err
		}
		out = append(out, at)
	}
	return out, rows.Err()
}

// UnreadMail is an email kept for staff because it could not be read.
type UnreadMail struct {
	ID                  int64
	ReceivedAt, Problem string
	OrgCode, OrgName    string
	Size                int
}

// UnreadMails lists the emails of the subtree at path that could not be
// read, newest first.
func (v *Voice) UnreadMails(ctx context.Context, path string) ([]UnreadMail, error) {
	rows, err := v.S.R().Query(ctx, `SELECT m.id, m.received_at, m.problem, o.code, o.name, LENGTH(m.raw_b64) FROM voice_mail m JOIN orgs o ON o.id = m.org_id
		WHERE m.opinion_id IS NULL AND o.path LIKE ? ESCAPE '\' ORDER BY m.id DESC LIMIT 200`, likePrefix(path))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnreadMail
	for rows.Next() {
		var m UnreadMail
		if err := rows.Scan(&m.ID, &m.ReceivedAt, &m.Problem, &m.OrgCode, &m.OrgName, &m.Size); err != nil {
			return nil, err
		}
		m.Size = m.Size * 3 / 4
		out = append(out, m)
	}
	return out, rows.Err()
}
