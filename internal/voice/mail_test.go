package voice_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/voice"
)

// A multipart message: encoded-word subject and sender, a base64 UTF-8
// text part, a quoted-printable second text part, an attachment.
const goodMail = "From: =?UTF-8?B?5byg5LiJ?= <zhangsan@example.com>\r\n" + // 张三
	"To: xinxiang@example.gov.cn\r\n" +
	"Subject: =?UTF-8?B?5bu66K6u5aKe6K6+5YWs5Lqk56uZ?=\r\n" + // 建议增设公交站
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n" +
	"\r\n" +
	"--XYZ\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"5p2R5Y+j5Yiw6ZWH5LiK5rKh5pyJ5YWs5Lqk\r\n" + // 村口到镇上没有公交
	"--XYZ\r\n" +
	"Content-Type: image/png\r\n" +
	"Content-Disposition: attachment; filename=\"photo.png\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"iVBORw0KGgo=\r\n" +
	"--XYZ--\r\n"

func TestReceiveEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		v := newVoice(t, s)
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, cst)
		rc, err := v.ReceiveEmail(ctx, []byte(goodMail), "V1", "", now, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		d, err := v.Opinion(ctx, rc.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if d.Fold.Channel != "email" || d.Name != "张三" || d.Email != "zhangsan@example.com" || !strings.HasPrefix(d.Content, "建议增设公交站\n\n村口到镇上没有公交") {
			t.Errorf("opinion from email: %+v", d)
		}
		atts, err := v.Attachments(ctx, rc.Ref)
		if err != nil || len(atts) != 1 || atts[0].Filename != "photo.png" || string(atts[0].Data[:4]) != "\x89PNG" {
			t.Errorf("attachments %+v %v", atts, err)
		}
		// Unreadable (GBK text): kept for staff, never dropped.
		bad := "From: a@b.cn\r\nSubject: x\r\nContent-Type: text/plain; charset=gbk\r\n\r\n\xc4\xe3\xba\xc3\r\n"
		if _, err := v.ReceiveEmail(ctx, []byte(bad), "V1", "", now, store.CLI); !errors.Is(err, voice.ErrUnreadable) {
			t.Errorf("unreadable: %v", err)
		}
		if _, err := v.ReceiveEmail(ctx, []byte("not a message at all"), "V1", "", now, store.CLI); !errors.Is(err, voice.ErrUnreadable) {
			t.Errorf("garbage: %v", err)
		}
		org, _ := s.Org(ctx, "T1")
		un, err := v.UnreadMails(ctx, org.Path)
		if err != nil || len(un) != 2 || !strings.Contains(un[1].Problem, "gbk") {
			t.Errorf("unread %+v %v", un, err)
		}
		var kept int
		s.R().QueryRow(ctx, `SELECT COUNT(*) FROM voice_mail`).Scan(&kept)
		if kept != 3 {
			t.Errorf("%d mails kept, want 3", kept)
		}
	})
}
