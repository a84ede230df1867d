package cli

// The double report's commands (双报到, SPEC §4 and the service block of
// §6): imports all or nothing, the semiannual tables, leads, the board,
// recommendation lists and feedback records.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pdf"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

func init() {
	register(command{name: "service import", args: "registrations|unit-registrations|needs|events|leaders|leads|levels FILE",
		short: "import double-report data (CSV or XLSX; all or nothing)", run: runServiceImport})
	register(command{name: "service stats", args: "--scope ORG (--from D --to D | --half YYYYH1|YYYYH2) [--by unit|community] [--format csv|json|xlsx] [-o FILE]",
		short: "double report tables: Appendix 1 by unit, Appendix 2 by community", run: runServiceStats})
	register(command{name: "service leads", args: "--year Y --scope ORG [--format csv|json|xlsx] [-o FILE]",
		short: "leading cadres' four leads of a year and who is short of what", run: runServiceLeads})
	register(command{name: "service board", args: "--scope ORG --from D --to D [--top N] [--format csv|json|xlsx] [-o FILE]",
		short: "members ranked by completed services", run: runServiceBoard})
	register(command{name: "service recommend", args: "--year Y --street ORG FILE",
		short: "replace a street's recommended members and units (15% quota)", run: runServiceRecommend})
	register(command{name: "service feedback", args: "--year Y --unit ORG [--format pdf|csv] [-o FILE]",
		short: "each in-service member's record of the year for their home unit", run: runServiceFeedback})
}

// serviceImports are the files of service import: required and optional
// columns.
var serviceImports = map[string]struct{ required, optional []string }{
	"registrations":      {doublereport.RegistrationColumns, doublereport.RegistrationOptional},
	"unit-registrations": {doublereport.UnitRegistrationColumns, nil},
	"needs":              {doublereport.NeedColumns, doublereport.NeedOptional},
	"events":             {doublereport.EventColumns, nil},
	"leaders":            {doublereport.LeaderColumns, nil},
	"leads":              {doublereport.LeadColumns, doublereport.LeadOptional},
	"levels":             {doublereport.LevelColumns, nil},
}

func runServiceImport(e *env, args []string) int {
	const cmd = "service import"
	fs := newFlags(e, cmd, "registrations|unit-registrations|needs|events|leaders|leads|levels FILE")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if len(pos) != 2 {
		fmt.Fprintf(e.stderr, "pingyi %s: want WHAT FILE\n", cmd)
		fs.Usage()
		return ExitUsage
	}
	what, path := pos[0], pos[1]
	cols, ok := serviceImports[what]
	if !ok {
		fmt.Fprintf(e.stderr, "pingyi %s: unknown file kind %q\n", cmd, what)
		fs.Usage()
		return ExitUsage
	}
	t, err := readTable(path, cols.required, cols.optional, false)
	if err != nil {
		return fail(e, err)
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	d := doublereport.New(s)
	file := filepath.Base(path)
	var msg string
	switch what {
	case "registrations", "unit-registrations":
		var sum doublereport.Summary
		sum, err = d.ImportRegistrations(e.ctx, file, what == "unit-registrations", t.Rows, store.CLI)
		msg = sum.String()
	case "needs":
		var sum doublereport.Summary
		sum, err = d.ImportNeeds(e.ctx, file, t.Rows, store.CLI)
		msg = sum.String()
	case "events":
		var n int
		n, err = d.ImportEvents(e.ctx, file, t.Rows, store.CLI)
		msg = strconv.Itoa(n) + " events added"
	case "leaders":
		var sum doublereport.Summary
		sum, err = d.ImportLeaders(e.ctx, file, t.Rows, store.CLI)
		msg = sum.String()
	case "leads":
		var n int
		n, err = d.ImportLeads(e.ctx, file, t.Rows, store.CLI)
		msg = strconv.Itoa(n) + " leads added"
	case "levels":
		var n int
		n, err = d.ImportLevels(e.ctx, file, t.Rows, store.CLI)
		msg = strconv.Itoa(n) + " levels set"
	}
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", what, msg)
	return ExitOK
}

// flagSet reports whether the flag was given.
func flagSet(fs *flag.FlagSet, name string) bool { return starFlagGiven(fs, name) }

// serviceTable is a table ready to print in any of the formats.
type serviceTable struct {
	title   string   // xlsx title (Chinese, as filed)
	period  string   // xlsx second line
	header  []string // CSV header
	headZH  []string // xlsx column titles
	text    map[int]bool
	rows    [][]string
	sheet   string
	numeric map[int]bool
}

// write prints t as csv, json or xlsx on out ("" standard output).
func (e *env) writeTable(t serviceTable, format, out string) (status int) {
	bw, closeOut, err := openOutput(e, out)
	if err != nil {
		return fail(e, err)
	}
	defer func() {
		if err := closeOut(); err != nil && status == ExitOK {
			status = fail(e, err)
		}
	}()
	switch format {
	case "json":
		recs := make([]map[string]any, 0, len(t.rows))
		for _, r := range t.rows {
			m := make(map[string]any, len(r))
			for i, c := range r {
				m[t.header[i]] = jsonCell(c, t.text[i])
			}
			recs = append(recs, m)
		}
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(recs); err != nil {
			return fail(e, err)
		}
	case "xlsx":
		if err := doublereport.TableXLSX(bw, t.sheet, t.title, t.period, t.headZH, t.rows, t.text); err != nil {
			return fail(e, err)
		}
	default:
		cw := tabular.NewCSVWriter(bw)
		cw.Write(t.header)
		cw.WriteAll(t.rows)
		if err := cw.Error(); err != nil {
			return fail(e, err)
		}
	}
	return ExitOK
}

// jsonCell is a cell as JSON: text columns as strings; elsewhere empty is
// null, true/false booleans, numbers numbers.
func jsonCell(c string, text bool) any {
	if text {
		return c
	}
	switch c {
	case "":
		return nil
	case "true":
		return true
	case "false":
		return false
	}
	if _, err := strconv.ParseFloat(c, 64); err == nil {
		return json.Number(c)
	}
	return c
}

func checkFormat(format, out string, allowed ...string) bool {
	for _, a := range allowed {
		if format == a {
			return format != "xlsx" || out != ""
		}
	}
	return false
}

// scopeRefused prints an unknown scope and returns exit 1 (or the error).
func scopeRefused(e *env, cmd, code string, err error) int {
	if errors.Is(err, pingyi.ErrNotFound) {
		fmt.Fprintf(e.stderr, "pingyi %s: unknown org %q\n", cmd, code)
		return ExitRefused
	}
	return fail(e, err)
}

func usage(e *env, fs *flag.FlagSet, cmd, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "pingyi %s: %s\n", cmd, fmt.Sprintf(format, args...))
	fs.Usage()
	return ExitUsage
}

// period reads --from/--to or --half.
func servicePeriod(fs *flag.FlagSet, from, to, half string) (doublereport.Period, string, error) {
	switch {
	case half != "" && (from != "" || to != ""):
		return doublereport.Period{}, "", errors.New("give --half or --from and --to, not both")
	case half != "":
		f, t, err := rules.ParseHalf(half)
		if err != nil {
			return doublereport.Period{}, "", err
		}
		return doublereport.Period{From: f, To: t}, half, nil
	case from == "" || to == "":
		return doublereport.Period{}, "", errors.New("give --from and --to, or --half")
	}
	if _, ok := rules.ParseDate(from); !ok {
		return doublereport.Period{}, "", fmt.Errorf("--from %q is not a date YYYY-MM-DD", from)
	}
	if _, ok := rules.ParseDate(to); !ok {
		return doublereport.Period{}, "", fmt.Errorf("--to %q is not a date YYYY-MM-DD", to)
	}
	if to < from {
		return doublereport.Period{}, "", fmt.Errorf("--to %s is before --from %s", to, from)
	}
	return doublereport.Period{From: from, To: to}, from + " — " + to, nil
}

func runServiceStats(e *env, args []string) int {
	const cmd = "service stats"
	fs := newFlags(e, cmd, "--scope ORG (--from D --to D | --half YYYYH1|YYYYH2) [--by unit|community] [--format csv|json|xlsx] [-o FILE]")
	scope := fs.String("scope", "", "code of the org whose subtree is counted (required)")
	from := fs.String("from", "", "first day YYYY-MM-DD")
	to := fs.String("to", "", "last day YYYY-MM-DD")
	half := fs.String("half", "", "a half-year: YYYYH1 (1 Jan–30 Jun) or YYYYH2 (1 Jul–31 Dec)")
	by := fs.String("by", "unit", "unit (Appendix 1) or community (Appendix 2)")
	format := fs.String("format", "csv", "csv, json or xlsx (needs -o)")
	out := fs.String("o", "", "write to this file instead of standard output")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if *scope == "" {
		return usage(e, fs, cmd, "missing --scope")
	}
	if len(pos) > 0 {
		return usage(e, fs, cmd, "unexpected argument %q", pos[0])
	}
	if *by != "unit" && *by != "community" {
		return usage(e, fs, cmd, "--by is unit or community, not %q", *by)
	}
	if !checkFormat(*format, *out, "csv", "json", "xlsx") {
		return usage(e, fs, cmd, "--format is csv, json or xlsx (xlsx needs -o)")
	}
	p, label, err := servicePeriod(fs, *from, *to, *half)
	if err != nil {
		return usage(e, fs, cmd, "%v", err)
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	d := doublereport.New(s)
	t := serviceTable{period: label, text: map[int]bool{0: true}}
	if *by == "unit" {
		rows, total, err := d.StatsByUnit(e.ctx, *scope, p)
		if err != nil {
			return scopeRefused(e, cmd, *scope, err)
		}
		t.title, t.sheet, t.header, t.headZH = "附件1 在职党员到社区报到服务情况统计表（按单位）", "附件1", doublereport.UnitHeader, doublereport.UnitHeaderZH
		for _, r := range rows {
			t.rows = append(t.rows, r.Cells())
		}
		t.rows = append(t.rows, total.Cells())
	} else {
		rows, total, err := d.StatsByCommunity(e.ctx, *scope, p)
		if err != nil {
			return scopeRefused(e, cmd, *scope, err)
		}
		t.title, t.sheet, t.header, t.headZH = "附件2 在职党员到社区报到服务情况统计表（按社区）", "附件2", doublereport.CommunityHeader, doublereport.CommunityHeaderZH
		for _, r := range rows {
			t.rows = append(t.rows, r.Cells())
		}
		t.rows = append(t.rows, total.Cells())
	}
	return e.writeTable(t, *format, *out)
}

func yearFlag(e *env, fs *flag.FlagSet, cmd string, year int) bool {
	return starYear(e, cmd, year, flagSet(fs, "year"))
}

func runServiceLeads(e *env, args []string) int {
	const cmd = "service leads"
	fs := newFlags(e, cmd, "--year Y --scope ORG [--format csv|json|xlsx] [-o FILE]")
	year := fs.Int("year", 0, "the year (required)")
	scope := fs.String("scope", "", "code of the org whose subtree's leaders are listed (required)")
	format := fs.String("format", "csv", "csv, json or xlsx (needs -o)")
	out := fs.String("o", "", "write to this file instead of standard output")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if !yearFlag(e, fs, cmd, *year) {
		fs.Usage()
		return ExitUsage
	}
	if *scope == "" || len(pos) > 0 {
		return usage(e, fs, cmd, "want --scope ORG and no other argument")
	}
	if !checkFormat(*format, *out, "csv", "json", "xlsx") {
		return usage(e, fs, cmd, "--format is csv, json or xlsx (xlsx needs -o)")
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	rows, err := doublereport.New(s).Leads(e.ctx, *scope, *year)
	if err != nil {
		return scopeRefused(e, cmd, *scope, err)
	}
	t := serviceTable{title: strconv.Itoa(*year) + "年度领导干部“四带头”情况表", sheet: "四带头", period: strconv.Itoa(*year),
		header: doublereport.LeadsHeader, headZH: doublereport.LeadsHeaderZH, text: map[int]bool{0: true, 7: true}}
	for _, r := range rows {
		t.rows = append(t.rows, r.Cells())
	}
	return e.writeTable(t, *format, *out)
}

func runServiceBoard(e *env, args []string) int {
	const cmd = "service board"
	fs := newFlags(e, cmd, "--scope ORG --from D --to D [--top N] [--format csv|json|xlsx] [-o FILE]")
	scope := fs.String("scope", "", "code of the org whose subtree's members are ranked (required)")
	from := fs.String("from", "", "first day YYYY-MM-DD (required)")
	to := fs.String("to", "", "last day YYYY-MM-DD (required)")
	top := fs.Int("top", 0, "only the first N (0: all)")
	format := fs.String("format", "csv", "csv, json or xlsx (needs -o)")
	out := fs.String("o", "", "write to this file instead of standard output")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if *scope == "" || len(pos) > 0 {
		return usage(e, fs, cmd, "want --scope ORG and no other argument")
	}
	if *top < 0 {
		return usage(e, fs, cmd, "--top must be 0 or more")
	}
	if !checkFormat(*format, *out, "csv", "json", "xlsx") {
		return usage(e, fs, cmd, "--format is csv, json or xlsx (xlsx needs -o)")
	}
	p, label, err := servicePeriod(fs, *from, *to, "")
	if err != nil {
		return usage(e, fs, cmd, "%v", err)
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	rows, err := doublereport.New(s).Board(e.ctx, *scope, p, *top)
	if err != nil {
		return scopeRefused(e, cmd, *scope, err)
	}
	t := serviceTable{title: "在职党员服务排行榜", sheet: "排行榜", period: label, header: doublereport.BoardHeader,
		headZH: doublereport.BoardHeaderZH, text: map[int]bool{1: true}}
	for _, r := range rows {
		t.rows = append(t.rows, doublereport.BoardCells(r))
	}
	return e.writeTable(t, *format, *out)
}

func runServiceRecommend(e *env, args []string) int {
	const cmd = "service recommend"
	fs := newFlags(e, cmd, "--year Y --street ORG FILE")
	year := fs.Int("year", 0, "the year (required)")
	street := fs.String("street", "", "code of the street (an org of level street; required)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if !yearFlag(e, fs, cmd, *year) {
		fs.Usage()
		return ExitUsage
	}
	if *street == "" || len(pos) != 1 {
		return usage(e, fs, cmd, "want --street ORG and one FILE")
	}
	t, err := readTable(pos[0], doublereport.RecommendColumns, doublereport.RecommendOptional, false)
	if err != nil {
		return fail(e, err)
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	m, o, err := doublereport.New(s).Recommend(e.ctx, *year, *street, t.Rows, store.CLI)
	var qe *doublereport.QuotaError
	switch {
	case errors.As(err, &qe):
		fmt.Fprintln(e.stderr, qe.Error())
		fmt.Fprintln(e.stderr, "refused: over the quota; nothing was changed")
		return ExitRefused
	case errors.Is(err, pingyi.ErrNotFound):
		return scopeRefused(e, cmd, *street, err)
	case errors.Is(err, pingyi.ErrInvalid):
		fmt.Fprintf(e.stderr, "pingyi %s: %v\n", cmd, err)
		return ExitRefused
	case err != nil:
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "recommended for %d by %s: %d members, %d units\n", *year, *street, m, o)
	return ExitOK
}

func runServiceFeedback(e *env, args []string) (status int) {
	const cmd = "service feedback"
	fs := newFlags(e, cmd, "--year Y --unit ORG [--format pdf|csv] [-o FILE]")
	year := fs.Int("year", 0, "the year (required)")
	unit := fs.String("unit", "", "code of the home unit's org (its subtree's in-service members; required)")
	format := fs.String("format", "csv", "csv or pdf (pdf needs -o)")
	out := fs.String("o", "", "write to this file instead of standard output")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if !yearFlag(e, fs, cmd, *year) {
		fs.Usage()
		return ExitUsage
	}
	if *unit == "" || len(pos) > 0 {
		return usage(e, fs, cmd, "want --unit ORG and no other argument")
	}
	if *format != "csv" && *format != "pdf" {
		return usage(e, fs, cmd, "--format is csv or pdf")
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	rows, err := doublereport.New(s).Feedback(e.ctx, *unit, *year)
	if err != nil {
		return scopeRefused(e, cmd, *unit, err)
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = r.Cells()
	}
	if *format == "csv" {
		return e.writeTable(serviceTable{header: doublereport.FeedbackHeader, rows: cells}, "csv", *out)
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
	title := fmt.Sprintf("%d年度在职党员到社区报到服务情况反馈（%s）", *year, *unit)
	if err := pdf.Table(io.Writer(bw), title, doublereport.FeedbackHeaderZH, cells); err != nil {
		return fail(e, err)
	}
	return ExitOK
}
