package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/voice"
	voiceweb "github.com/pingyi/pingyi/internal/voice/web"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

const testMail = "From: Wang <wang@example.com>\r\nSubject: road\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n村道坑洼\r\n" +
	"--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"map.pdf\"\r\n\r\n%PDF-1.4\r\n--B--\r\n"

// seedMail files an email with an attachment at V1 and one at V3.
func seedMail(t *testing.T, st *store.Store) (in, out string) {
	t.Helper()
	v, _ := voice.New(st)
	a, err := v.ReceiveEmail(context.Background(), []byte(testMail), "V1", "", time.Now(), store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	b, err := v.ReceiveEmail(context.Background(), []byte(testMail), "V3", "", time.Now(), store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	return a.Ref, b.Ref
}

func uploadMail(t *testing.T, c *webtest.Client, org, raw string) (int, string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("org", org)
	mw.WriteField("category", "help")
	fw, _ := mw.CreateFormFile("file", "m.eml")
	io.WriteString(fw, raw)
	mw.Close()
	code, body, h := c.Do("POST", "/inbox/email", &b, mw.FormDataContentType())
	return code, body, h.Get("Location")
}

// An .eml upload becomes an opinion with its attachment; an unreadable one
// is kept and listed for staff.
func TestEmailUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := webtest.New(t, st, voiceweb.New)
		sec := f.As("secretary")
		code, _, loc := uploadMail(t, sec, "V1", testMail)
		if code != 303 || !strings.HasPrefix(loc, "/inbox/YJ") {
			t.Fatalf("upload: %d %s", code, loc)
		}
		_, body := sec.Get(loc)
		if !strings.Contains(body, "村道坑洼") || !strings.Contains(body, "电子邮箱") || !strings.Contains(body, "wang@example.com") || !strings.Contains(body, `id="attachments"`) {
			t.Errorf("email opinion: %s", webtest.Excerpt(body))
		}
		code, data, h := sec.Do("GET", loc+"/files/1", nil, "")
		if code != 200 || data != "%PDF-1.4" || !strings.Contains(h.Get("Content-Disposition"), "map.pdf") {
			t.Errorf("attachment: %d %q %v", code, data, h)
		}
		if code, _, _ := sec.Do("GET", loc+"/files/2", nil, ""); code != 404 {
			t.Errorf("no second attachment: %d", code)
		}
		code, body, _ = uploadMail(t, sec, "V1", "From: x@y.cn\r\nContent-Type: text/plain; charset=gb2312\r\n\r\n\xc4\xe3\r\n")
		if code != 422 || !strings.Contains(body, "gb2312") {
			t.Errorf("unreadable upload: %d %s", code, webtest.Excerpt(body))
		}
		if code, _, _ := uploadMail(t, sec, "V3", testMail); code != 422 {
			t.Errorf("upload outside the subtree: %d", code)
		}
		if _, body := f.As("orgadmin").Get("/inbox/email"); !strings.Contains(body, "gb2312") {
			t.Error("the town does not see the unread mail of its village")
		}
		if _, body := f.As("orgadmin2").Get("/inbox/email"); strings.Contains(body, "gb2312") {
			t.Error("another town sees it")
		}
	})
}
