package storetest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// PostgresBin is where Debian keeps PostgreSQL's server programs.
const PostgresBin = "/usr/lib/postgresql/15/bin"

// Cluster is a throwaway PostgreSQL primary with a streaming replica on
// loopback.
type Cluster struct {
	Primary, Replica string // DSNs
	dir              string
	run              func(args ...string) error
}

// Replica starts a primary and a streaming replica of it (initdb,
// pg_basebackup -R) in a temporary directory, on free loopback ports,
// stopped at the end of the test. As root the programs run as the
// postgres user (PostgreSQL refuses root). Without the programs the test
// skips, unless $PINGYI_REQUIRE_POSTGRES is set.
func Replica(t testing.TB) *Cluster {
	t.Helper()
	for _, p := range []string{"initdb", "pg_ctl", "pg_basebackup"} {
		if _, err := os.Stat(filepath.Join(PostgresBin, p)); err != nil {
			if os.Getenv("PINGYI_REQUIRE_POSTGRES") != "" {
				t.Fatalf("PostgreSQL required ($PINGYI_REQUIRE_POSTGRES) but %s is missing: %v", p, err)
			}
			t.Skipf("no PostgreSQL server programs in %s (apt-get install postgresql-15): %v", PostgresBin, err)
		}
	}
	dir, err := os.MkdirTemp("", "pingyi-replica-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var prefix []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("running as root and no postgres user to run PostgreSQL as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		prefix = []string{"runuser", "-u", "postgres", "--"}
	}
	c := &Cluster{dir: dir}
	c.run = func(args ...string) error {
		args = append(append([]string(nil), prefix...), args...)
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %v\n%s", filepath.Base(args[len(prefix)]), err, out.String())
		}
		return nil
	}
	bin := func(p string) string { return filepath.Join(PostgresBin, p) }
	pport, rport := freePort(t), freePort(t)
	primary, replica := filepath.Join(dir, "primary"), filepath.Join(dir, "replica")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.run(bin("initdb"), "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"))
	opts := func(port int) string {
		return fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c fsync=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=60", port, dir)
	}
	must(c.run(bin("pg_ctl"), "-D", primary, "-o", opts(pport), "-l", filepath.Join(dir, "primary.log"), "-w", "-t", "20", "start"))
	t.Cleanup(func() { c.run(bin("pg_ctl"), "-D", primary, "-m", "immediate", "-w", "stop") })
	must(c.run(bin("pg_basebackup"), "-h", "127.0.0.1", "-p", strconv.Itoa(pport), "-U", "postgres", "-D", replica, "-R", "-X", "stream", "-c", "fast", "--no-sync"))
	must(c.run(bin("pg_ctl"), "-D", replica, "-o", opts(rport), "-l", filepath.Join(dir, "replica.log"), "-w", "-t", "20", "start"))
	t.Cleanup(func() { c.run(bin("pg_ctl"), "-D", replica, "-m", "immediate", "-w", "stop") })
	c.Primary = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pport)
	c.Replica = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", rport)
	db, err := sql.Open("pgx", c.Replica)
	must(err)
	defer db.Close()
	var recovering bool
	must(db.QueryRow(`SELECT pg_is_in_recovery()`).Scan(&recovering))
	if !recovering {
		t.Fatal("the replica is not in recovery")
	}
	return c
}

// CatchUp waits until the replica has replayed everything the primary has
// written so far.
func (c *Cluster) CatchUp(t testing.TB) {
	t.Helper()
	p, err := sql.Open("pgx", c.Primary)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r, err := sql.Open("pgx", c.Replica)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var lsn string
	if err := p.QueryRow(`SELECT pg_current_wal_insert_lsn()::text`).Scan(&lsn); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		var done bool
		if err := r.QueryRowContext(ctx, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, lsn).Scan(&done); err != nil {
			t.Fatal(err)
		}
		if done {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal("the replica did not catch up in 20 s")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// PauseReplay stops (true) or resumes (false) the replica's replay: while
// paused it shows the data of the moment it stopped.
func (c *Cluster) PauseReplay(t testing.TB, pause bool) {
	t.Helper()
	r, err := sql.Open("pgx", c.Replica)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f := "pg_wal_replay_resume()"
	if pause {
		f = "pg_wal_replay_pause()"
	}
	if _, err := r.Exec(`SELECT ` + f); err != nil {
		t.Fatal(err)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
