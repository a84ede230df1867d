package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store/storetest"
)

func TestReplicaPage(t *testing.T) {
	for path, want := range map[string]bool{
		"/campaigns/YE2025/results":      true,
		"/campaigns/YE2025/results.csv":  true,
		"/campaigns/YE2025/results.xlsx": true,
		"/campaigns/YE2025/summary":      true,
		"/p/YE2025":                      true,
		"/campaigns/YE2025":              false,
		"/campaigns//results":            false,
		"/campaigns/YE2025/results/x":    false,
		"/b/ABC":                         false,
		"/r/ABC":                         false,
		"/login":                         false,
		"/":                              false,
	} {
		if replicaPage(path) != want {
			t.Errorf("replicaPage(%q) = %v", path, !want)
		}
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool trusting it.
func selfSigned(t *testing.T) (string, string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pingyi test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	cert, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return cert, keyFile, pool
}

// TestServeReadReplicaTLS runs `serve --demo --db-read REPLICA --tls-cert
// --tls-key` on a primary with a streaming replica. With the replica's
// replay paused, a target renamed on the primary keeps its old name on
// the results page and in its CSV export (read from the replica) and a
// login made meanwhile works (sessions are written and read on the
// primary); once replay resumes the pages show the new name.
func TestServeReadReplicaTLS(t *testing.T) {
	cl := storetest.Replica(t)
	smallDemo(t)
	cert, key, pool := selfSigned(t)
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"--db", cl.Primary, "serve", "--demo", "--addr", "127.0.0.1:0", "--db-read", cl.Replica,
			"--tls-cert", cert, "--tls-key", key}, strings.NewReader(""), &stdout, &stderr)
	}()
	open := regexp.MustCompile(`open (https://localhost:\d+)`)
	var base string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && base == ""; time.Sleep(50 * time.Millisecond) {
		if m := open.FindStringSubmatch(stdout.String()); m != nil {
			base = strings.Replace(m[1], "localhost", "127.0.0.1", 1)
		}
		select {
		case st := <-done:
			t.Fatalf("serve exited with %d\n%s\n%s", st, stdout.String(), stderr.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("no https URL printed\n%s\n%s", stdout.String(), stderr.String())
	}
	defer func() {
		syscall.Kill(os.Getpid(), syscall.SIGINT)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	pw := logins(stdout.String())["admin"]
	primary, err := sql.Open("pgx", cl.Primary)
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	ctx := context.Background()
	var campaign, targetID, oldName string
	if err := primary.QueryRowContext(ctx, `SELECT c.code, t.id::text, t.name FROM targets t JOIN campaigns c ON c.id = t.campaign_id
		WHERE c.closes <> '' AND t.type = 'org' ORDER BY t.code COLLATE "C" LIMIT 1`).Scan(&campaign, &targetID, &oldName); err != nil {
		t.Fatal(err)
	}
	cl.CatchUp(t)

	client := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	}
	login := func(c *http.Client) {
		t.Helper()
		resp, err := c.PostForm(base+"/login", url.Values{"username": {"admin"}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("login: %d", resp.StatusCode)
		}
	}
	n := 0
	get := func(c *http.Client, path string) string {
		t.Helper()
		n++ // a new address each time: the results page keeps rendered bodies per address
		resp, err := c.Get(fmt.Sprintf("%s%s?fresh=%d", base, path, n))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
		}
		if !strings.HasSuffix(path, ".xlsx") {
			return string(b)
		}
		// The workbook's text: every part of the zip.
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		var text strings.Builder
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(&text, rc)
			rc.Close()
		}
		return text.String()
	}
	results, xlsx := "/campaigns/"+campaign+"/results", "/campaigns/"+campaign+"/results.xlsx"
	admin := client()
	login(admin)
	if b := get(admin, results); !strings.Contains(b, oldName) {
		t.Fatalf("the results page does not show %q", oldName)
	}

	cl.PauseReplay(t, true)
	const newName = "复制延迟测试党支部"
	if _, err := primary.ExecContext(ctx, `UPDATE targets SET name = $1 WHERE id = $2::bigint`, newName, targetID); err != nil {
		t.Fatal(err)
	}
	// A login while the replica is paused: its session is written to and
	// read from the primary.
	late := client()
	login(late)
	for _, p := range []string{results, xlsx} {
		b := get(late, p)
		if strings.Contains(b, newName) || !strings.Contains(b, oldName) {
			t.Errorf("%s with the replica paused shows the primary's name, not the replica's", p)
		}
	}
	cl.PauseReplay(t, false)
	cl.CatchUp(t)
	for _, p := range []string{results, xlsx} {
		if b := get(late, p); !strings.Contains(b, newName) {
			t.Errorf("%s after the replica caught up lacks the new name", p)
		}
	}
	if strings.Contains(stderr.String(), "read-only transaction") {
		t.Errorf("a write went to the replica:\n%s", stderr.String())
	}
}
