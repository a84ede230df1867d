package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/cli"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// childEnv makes the test binary the server: "serve" runs pingyi's
// command line (what cmd/pingyi runs), "lying" a server that answers 201
// to every ballot and stores nothing.
const childEnv = "PINGYI_CRASHTRIAL_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "serve":
		os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	case "lying":
		lyingServer()
		return
	}
	os.Exit(m.Run())
}

func lyingServer() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(1)
	}
	slog.New(slog.NewTextHandler(os.Stderr, nil)).Info("listening", "addr", ln.Addr().String())
	n := 0
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			n++
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"receipt":"FAKE%09d"}`, n)
			return
		}
		w.Write([]byte("ok\n"))
	}))
}

func config(t *testing.T, dsn, child string) Config {
	return Config{Command: []string{os.Args[0]}, Env: []string{childEnv + "=" + child}, DSN: dsn,
		Trials: 3, Clients: 64, Codes: 2500, MinKill: 0, MaxKill: 500 * time.Millisecond, FromFirstAck: true, Log: tlog{t}}
}

type tlog struct{ t *testing.T }

func (l tlog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}

// TestCrashTrials runs three short trials on each database: pingyi serve
// killed with SIGKILL under 64 clients, restarted, checked.
func TestCrashTrials(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	for _, db := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storetest.SQLiteDSN}, {"postgres", storetest.PostgresDSN}} {
		t.Run(db.name, func(t *testing.T) {
			rep, err := Run(context.Background(), config(t, db.dsn(t), "serve"))
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Trials) != 3 {
				t.Fatalf("%d trials ran, want 3", len(rep.Trials))
			}
			for _, v := range rep.Violations {
				t.Error(v)
			}
			if rep.Lost != 0 || rep.ExitCode != 0 {
				t.Errorf("%d acknowledged ballots lost, exit %d after SIGTERM", rep.Lost, rep.ExitCode)
			}
			if rep.Acked == 0 {
				t.Error("no ballot was acknowledged: the trials proved nothing")
			}
			if int64(rep.Acked) > rep.Stored || rep.Stored > int64(rep.Acked+rep.Cut) {
				t.Errorf("%d stored for %d acknowledged and %d cut", rep.Stored, rep.Acked, rep.Cut)
			}
		})
	}
}

// TestDrainTrials stops pingyi serve with SIGTERM under 64 clients, twice
// on each database (and once more at the end): every ballot stored was answered 201, the
// others 503 with Retry-After (or no connection), and it exits 0.
func TestDrainTrials(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	for _, db := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storetest.SQLiteDSN}, {"postgres", storetest.PostgresDSN}} {
		t.Run(db.name, func(t *testing.T) {
			cfg := config(t, db.dsn(t), "serve")
			cfg.Signal, cfg.Trials = syscall.SIGTERM, 2
			rep, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range rep.Violations {
				t.Error(v)
			}
			if rep.Acked == 0 || int64(rep.Acked) != rep.Stored {
				t.Errorf("%d acknowledged, %d stored: want as many, more than 0", rep.Acked, rep.Stored)
			}
		})
	}
}

// TestCrashTrialCatchesLies: a server that answers 201 and stores nothing
// fails the trial.
func TestCrashTrialCatchesLies(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	cfg := config(t, storetest.SQLiteDSN(t), "lying")
	cfg.Trials = 1
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Lost == 0 || rep.Lost != rep.Acked {
		t.Fatalf("a server storing nothing passed: %d acknowledged, %d lost, violations %q", rep.Acked, rep.Lost, rep.Violations)
	}
}

// TestCheck breaks each invariant in the database and expects the checker
// to name it.
func TestCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := seedTree(ctx, s); err != nil {
			t.Fatal(err)
		}
		n := 0
		trial := func() (*Outcome, []string) {
			n++
			c, err := newCampaign(ctx, s, n, 40)
			if err != nil {
				t.Fatal(err)
			}
			in := appraisal.New(s).NewIntake()
			defer in.Close()
			o := &Outcome{CampaignID: c.id, Sent: map[string]bool{}, Acked: map[string]string{}}
			for i, code := range c.codes[:20] {
				unit := fmt.Sprintf("CTB%d", c.units[i])
				o.Sent[code] = true
				r, err := in.Submit(ctx, code, []appraisal.RatingInput{{TargetType: "org", TargetCode: unit, Rating: "satisfied"}}, "")
				if err != nil {
					t.Fatal(err)
				}
				o.Acked[code] = r
			}
			return o, c.codes[20:]
		}
		exec := func(query string, args ...any) {
			t.Helper()
			if _, err := s.DB.ExecContext(ctx, s.Rebind(query), args...); err != nil {
				t.Fatal(err)
			}
		}
		expect := func(o *Outcome, lost int, want ...string) {
			t.Helper()
			c, bad, err := check(ctx, s, o)
			if err != nil {
				t.Fatal(err)
			}
			if c.Lost != lost {
				t.Errorf("lost %d, want %d", c.Lost, lost)
			}
			if len(want) == 0 && len(bad) > 0 {
				t.Errorf("intact database: %q", bad)
			}
			for _, w := range want {
				if !strings.Contains(strings.Join(bad, "\n"), w) {
					t.Errorf("violations %q, want one with %q", bad, w)
				}
			}
		}
		any1 := func(m map[string]string) (string, string) {
			for k, v := range m {
				return k, v
			}
			return "", ""
		}

		o, _ := trial()
		expect(o, 0)

		o, _ = trial() // an acknowledged ballot whose code is unspent
		code, _ := any1(o.Acked)
		exec(`UPDATE codes SET used = 0 WHERE code = ?`, code)
		expect(o, 1, "20 ballots stored but 19 codes spent", "1 acknowledged ballots with their code not spent")

		o, _ = trial() // an acknowledged receipt missing
		_, r := any1(o.Acked)
		exec(`DELETE FROM receipts WHERE token = ?`, r)
		expect(o, 1, "19 receipts stored for 20 ballots", "1 acknowledged receipts not stored")

		o, rest := trial() // a code spent without its ballot, never posted
		exec(`UPDATE codes SET used = 1 WHERE code = ?`, rest[0])
		expect(o, 0, "20 ballots stored but 21 codes spent", "1 codes spent that were never posted")

		o, rest = trial() // a code spent, posted, unanswered, but no kill cut it
		o.Sent[rest[0]] = true
		exec(`UPDATE codes SET used = 1 WHERE code = ?`, rest[0])
		expect(o, 0, "1 codes spent without a 201, more than the 0 requests cut")

		o, _ = trial() // a ballot lost with its code spent
		var id int64
		if err := s.R().QueryRow(ctx, `SELECT id FROM ballots WHERE campaign_id = ? LIMIT 1`, o.CampaignID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		exec(`DELETE FROM ballots WHERE id = ?`, id)
		expect(o, 0, "19 ballots stored but 20 codes spent", "20 receipts stored for 19 ballots")
		if bad, err := checkTallies(ctx, s, []int64{o.CampaignID}); err != nil || !strings.Contains(strings.Join(bad, "\n"), "at the end: 19 ballots stored but 20 codes spent") {
			t.Fatalf("the final check missed a lost ballot: %q, %v", bad, err)
		}

		o, _ = trial() // a unit tally counting a ballot too many
		bad, err := checkTallies(ctx, s, []int64{o.CampaignID})
		if err != nil || len(bad) > 0 {
			t.Fatalf("tallies of the folded ballots: %q, %v", bad, err)
		}
		exec(`UPDATE unit_tallies SET ballots = ballots + 1 WHERE campaign_id = ?`, o.CampaignID)
		if bad, err := checkTallies(ctx, s, []int64{o.CampaignID}); err != nil || len(bad) == 0 {
			t.Fatalf("a unit tally counting a ballot too many passed: %q, %v", bad, err)
		}
	})
}
