package cli

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/voice"
)

func init() {
	register(command{name: "opinions import", args: "FILE", short: "append an opinions ledger from another system (all or nothing)", run: runOpinionsImport})
	register(command{name: "opinions stats", args: "--scope ORG --from D --to D [--as-of TIME] [--format csv|json|xlsx] [-o FILE]", short: "the three rates of the opinions of a subtree, by org", run: runOpinionsStats})
}

func runOpinionsImport(e *env, args []string) int {
	path, st := oneFile(e, "opinions import", args)
	if st >= 0 {
		return st
	}
	t, err := readTable(path, voice.ImportColumns, nil, false)
	if err != nil {
		return fail(e, err)
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	v, err := voice.New(s)
	if err != nil {
		return fail(e, err)
	}
	stats, err := v.Import(e.ctx, voice.ImportRows(t), store.CLI)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "opinions: %s\n", stats)
	return ExitOK
}

func runOpinionsStats(e *env, args []string) (status int) {
	const cmd = "opinions stats"
	fs := newFlags(e, cmd, "--scope ORG --from D --to D [--as-of TIME] [--format csv|json|xlsx] [-o FILE]")
	scope := fs.String("scope", "", "code of the org whose subtree is counted (required)")
	from := fs.String("from", "", "first date of receipt, YYYY-MM-DD (required)")
	to := fs.String("to", "", "last date of receipt, YYYY-MM-DD (required)")
	asOf := fs.String("as-of", "", "count the ledger as of this time, YYYY-MM-DD HH:MM (default now)")
	format := fs.String("format", "csv", "csv, json, or xlsx (needs -o)")
	out := fs.String("o", "", "write to this file instead of standard output")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	usage := func(msg string, a ...any) int {
		fmt.Fprintf(e.stderr, "pingyi %s: %s\n", cmd, fmt.Sprintf(msg, a...))
		fs.Usage()
		return ExitUsage
	}
	switch {
	case len(pos) > 0:
		return usage("unexpected argument %q", pos[0])
	case *scope == "":
		return usage("missing --scope")
	case *from == "" || *to == "":
		return usage("missing --from or --to")
	case !isDate(*from):
		return usage("bad --from %q (YYYY-MM-DD)", *from)
	case !isDate(*to):
		return usage("bad --to %q (YYYY-MM-DD)", *to)
	case *to < *from:
		return usage("--to %s is before --from %s", *to, *from)
	case *format != "csv" && *format != "json" && *format != "xlsx":
		return usage("bad --format %q (csv, json, xlsx)", *format)
	case *format == "xlsx" && *out == "":
		return usage("--format xlsx needs -o FILE")
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	v, err := voice.New(s)
	if err != nil {
		return fail(e, err)
	}
	when := time.Now()
	if *asOf != "" {
		t, ok := v.ParseTime(*asOf)
		if !ok {
			return usage("bad --as-of %q (YYYY-MM-DD HH:MM)", *asOf)
		}
		when = t
	}
	rows, total, err := v.Stats(e.ctx, *scope, *from, *to, when)
	if errors.Is(err, voice.ErrUnknownScope) {
		fmt.Fprintf(e.stderr, "pingyi %s: unknown scope: org %q does not exist\n", cmd, *scope)
		return ExitRefused
	}
	if err != nil {
		return fail(e, err)
	}
	bw, closeOut, err := openOutput(e, *out)
	if err != nil {
		return fail(e, err)
	}
	defer func() {
		if err := closeOut(); err != nil && status == ExitOK {
			status = fail(e, err)
		}
	}()
	all := append(rows, total)
	switch *format {
	case "xlsx":
		if err := voice.StatsXLSX(bw, *scope, *from, *to, all); err != nil {
			return fail(e, err)
		}
	case "json":
		type jsonRow struct {
			OrgCode          string   `json:"org_code"`
			Received         int      `json:"received"`
			Due              int      `json:"due"`
			Replied          int      `json:"replied"`
			RepliedOnTime    int      `json:"replied_on_time"`
			Overdue          int      `json:"overdue"`
			Resolved         int      `json:"resolved"`
			Partly           int      `json:"partly"`
			Unresolved       int      `json:"unresolved"`
			Rated            int      `json:"rated"`
			Dissatisfied     int      `json:"dissatisfied"`
			ResponseRate     *float64 `json:"response_rate"`
			ResolutionRate   *float64 `json:"resolution_rate"`
			SatisfactionRate *float64 `json:"satisfaction_rate"`
		}
		rate := func(s string) *float64 {
			if s == "" {
				return nil
			}
			f, _ := strconv.ParseFloat(s, 64)
			return &f
		}
		list := make([]jsonRow, 0, len(all))
		for _, r := range all {
			rec, t := r.Record(), r.OpinionTally
			list = append(list, jsonRow{r.OrgCode, t.Received, t.Due, t.Replied, t.RepliedOnTime, t.Overdue(), t.Resolved, t.Partly,
				t.Unresolved, t.Rated, t.Dissatisfied, rate(rec[11]), rate(rec[12]), rate(rec[13])})
		}
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(list); err != nil {
			return fail(e, err)
		}
	default:
		cw := csv.NewWriter(bw)
		cw.Write(voice.StatsHeader)
		for _, r := range all {
			cw.Write(r.Record())
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fail(e, err)
		}
	}
	return ExitOK
}

// isDate reports whether s is a date YYYY-MM-DD.
func isDate(s string) bool {
	t, err := time.Parse(rules.DateLayout, s)
	return err == nil && t.Format(rules.DateLayout) == s
}
