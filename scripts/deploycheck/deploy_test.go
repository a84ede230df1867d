// Package deploycheck runs docs/DEPLOY.md: the files it names (file=NAME
// on a code fence) are written to a scratch directory, the systemd units
// among them checked with systemd-analyze verify and the logrotate
// configuration with logrotate -d, and its ```sh test blocks run in order
// with pingyi on the PATH (this test binary, acting as the command line),
// PINGYI_DB a scratch SQLite database holding a small district with a
// closed campaign, and BACKUP_DIR a scratch folder.
package deploycheck

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/bench"
	"github.com/pingyi/pingyi/internal/cli"
	"github.com/pingyi/pingyi/internal/demo"
	"github.com/pingyi/pingyi/internal/store"
)

const asCLI = "PINGYI_DEPLOYCHECK_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

type block struct {
	line       int
	lang, file string
	test       bool
	text       string
}

// blocks reads the fenced code blocks of a Markdown file with their info
// strings: "sh test", "ini file=pingyi.service".
func blocks(t *testing.T, path string) []block {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []block
	var cur *block
	var body strings.Builder
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if cur == nil {
			info, ok := strings.CutPrefix(l, "```")
			if !ok {
				continue
			}
			cur = &block{line: n}
			for i, w := range strings.Fields(info) {
				switch {
				case i == 0:
					cur.lang = w
				case w == "test":
					cur.test = true
				case strings.HasPrefix(w, "file="):
					cur.file = strings.TrimPrefix(w, "file=")
				}
			}
			body.Reset()
			continue
		}
		if strings.HasPrefix(l, "```") {
			cur.text = body.String()
			out = append(out, *cur)
			cur = nil
			continue
		}
		body.WriteString(l + "\n")
	}
	if cur != nil {
		t.Fatalf("%s:%d: a code block is not closed", path, cur.line)
	}
	return out
}

func TestDeployDoc(t *testing.T) {
	doc := filepath.Join("..", "..", "docs", "DEPLOY.md")
	bs := blocks(t, doc)
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	backups := filepath.Join(dir, "backups")
	for _, d := range []string{bin, backups} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	shim := filepath.Join(bin, "pingyi")
	if err := os.WriteFile(shim, fmt.Appendf(nil, "#!/bin/sh\n%s=1 exec %q \"$@\"\n", asCLI, self), 0o755); err != nil {
		t.Fatal(err)
	}

	// The files, with the installed paths pointed at the scratch ones.
	paths := strings.NewReplacer("/usr/local/bin/pingyi", shim,
		"/usr/local/lib/pingyi/backup.sh", filepath.Join(dir, "backup.sh"),
		"/etc/pingyi/pingyi.env", filepath.Join(dir, "pingyi.env"))
	var units []string
	var logrotate string
	files := map[string]bool{}
	for _, b := range bs {
		if b.file == "" {
			continue
		}
		if files[b.file] {
			t.Errorf("%s:%d: file %s twice", doc, b.line, b.file)
		}
		files[b.file] = true
		p := filepath.Join(dir, b.file)
		mode := os.FileMode(0o644)
		if strings.HasSuffix(b.file, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(paths.Replace(b.text)), mode); err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(b.file, ".service"), strings.HasSuffix(b.file, ".timer"):
			units = append(units, p)
		case strings.HasSuffix(b.file, ".logrotate"):
			logrotate = p
		}
	}
	for _, want := range []string{"pingyi.service", "pingyi-backup.service", "pingyi-backup.timer", "backup.sh", "pingyi.logrotate"} {
		if !files[want] {
			t.Errorf("DEPLOY.md has no file=%s block", want)
		}
	}

	t.Run("systemd-analyze", func(t *testing.T) {
		if _, err := exec.LookPath("systemd-analyze"); err != nil {
			t.Skip("no systemd-analyze")
		}
		out, err := exec.Command("systemd-analyze", append([]string{"verify"}, units...)...).CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	})
	t.Run("logrotate", func(t *testing.T) {
		if _, err := exec.LookPath("logrotate"); err != nil {
			t.Skip("no logrotate")
		}
		out, err := exec.Command("logrotate", "-d", "-s", filepath.Join(dir, "logrotate.state"), logrotate).CombinedOutput()
		if err != nil || bytes.Contains(out, []byte("error:")) {
			t.Errorf("logrotate -d: %v\n%s", err, out)
		}
	})

	// A small district with a closed campaign.
	dsn := "sqlite:" + filepath.Join(dir, "pingyi.db")
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	sc := demo.District
	sc.Name, sc.Towns, sc.Streets, sc.Villages, sc.Communities = "tiny", 2, 1, 4, 2
	sc.Agencies, sc.StateEnterprises = 1, 1
	sc.AgenciesPerTown, sc.EnterprisesPerTown, sc.NewEconomicPerTown, sc.NewSocialPerTown = 0, 0, 0, 0
	sc.VillageSize, sc.CommunitySize, sc.OtherSize = demo.Range{Min: 3, Max: 5}, demo.Range{Min: 3, Max: 5}, demo.Range{Min: 2, Max: 4}
	if _, err := bench.Fill(context.Background(), s, bench.FillOptions{Scale: sc, Seed: 3, Ballots: true}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	env := append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "PINGYI_DB="+dsn, "BACKUP_DIR="+backups)
	ran := 0
	for _, b := range bs {
		if !b.test {
			continue
		}
		if b.lang != "sh" {
			t.Errorf("%s:%d: a test block in %s, not sh", doc, b.line, b.lang)
			continue
		}
		ran++
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", b.text)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s:%d: %v\n%s\n%s", doc, b.line, err, b.text, out)
			continue
		}
		t.Logf("%s:%d:\n%s%s", doc, b.line, b.text, out)
	}
	if ran < 4 {
		t.Errorf("%d test blocks ran, want at least 4", ran)
	}
}
