package cli

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/appraisal/export"
	"github.com/pingyi/pingyi/internal/pdf"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

func init() {
	register(command{name: "campaign create", args: "--code C --name N --scope ORG --kind KIND [options]", short: "create an appraisal campaign (评议活动)", run: runCampaignCreate})
	register(command{name: "import ballots", args: "--campaign C FILE", short: "import paper ballots (CSV or XLSX; all or nothing)", run: runImportBallots})
	register(command{name: "codes", args: "--campaign C --unit ORG --category CAT --count N [--format csv|pdf]", short: "issue one-time codes (测评码) as CSV or PDF QR slips", run: runCodes})
	register(command{name: "results", args: "--campaign C [--format csv|json|xlsx] [-o FILE]", short: "print a campaign's results with rule flags", run: runResults})
	register(command{name: "campaign list", args: "", short: "list campaigns", run: runCampaignList})
	register(command{name: "campaign wipe", args: "--campaign C", short: "wipe a test-mode campaign's ballots and codes before the formal round", run: runCampaignWipe})
}

func runCampaignCreate(e *env, args []string) int {
	fs := newFlags(e, "campaign create", "--code C --name N --scope ORG --kind KIND [options]")
	code := fs.String("code", "", "campaign code (required)")
	name := fs.String("name", "", "campaign name (required)")
	scope := fs.String("scope", "", "code of the org whose subtree is appraised (required)")
	kind := fs.String("kind", "", "mass, regular, year_end, commitment, typical or instant (required)")
	year := fs.Int("year", 0, "year (default: this year)")
	scale := fs.Int("scale", 3, "rating scale: 3 or 4 levels")
	targets := fs.String("targets", "org,secretary,member", "target types, comma-separated")
	minShare := fs.String("min-mass-share", "0.8", "minimum share of ballots cast by the masses per unit; 0 turns it off")
	opens := fs.String("opens", "", "when it opens (2006-01-02, 2006-01-02T15:04 or RFC 3339; default at once)")
	closes := fs.String("closes", "", "when it closes (default no end)")
	anonymity := fs.Int("anonymity", 3, "pages hide a target's results below this many ballots")
	test := fs.Bool("test", false, "test mode: a rehearsal that can be wiped before the formal round")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	var missing []string
	for _, f := range []struct{ n, v string }{{"code", *code}, {"name", *name}, {"scope", *scope}, {"kind", *kind}} {
		if f.v == "" {
			missing = append(missing, "--"+f.n)
		}
	}
	if len(missing) > 0 || len(pos) > 0 {
		if len(missing) > 0 {
			fmt.Fprintf(e.stderr, "pingyi campaign create: missing %s\n", strings.Join(missing, ", "))
		} else {
			fmt.Fprintf(e.stderr, "pingyi campaign create: unexpected argument %q\n", pos[0])
		}
		fs.Usage()
		return ExitUsage
	}
	c := &pingyi.Campaign{Code: *code, Name: *name, ScopeCode: *scope, Kind: pingyi.Kind(*kind), Year: *year,
		Scale: pingyi.Scale(*scale), MinMassShare: *minShare, Anonymity: *anonymity, TestMode: *test}
	for _, t := range strings.Split(*targets, ",") {
		if t = strings.TrimSpace(t); t != "" {
			c.TargetTypes = append(c.TargetTypes, pingyi.TargetType(t))
		}
	}
	if len(c.TargetTypes) == 0 {
		fmt.Fprintln(e.stderr, "pingyi campaign create: --targets is empty")
		return ExitUsage
	}
	bad := &pingyi.InputError{}
	var err error
	if c.Opens, err = appraisal.ParseTime(*opens); err != nil {
		bad.Add(0, "opens", "%v", err)
	}
	if c.Closes, err = appraisal.ParseTime(*closes); err != nil {
		bad.Add(0, "closes", "%v", err)
	}
	if err := bad.Err(); err != nil {
		return failFlags(e, err)
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	if err := appraisal.New(s).CreateCampaign(e.ctx, c, store.CLI); err != nil {
		return failFlags(e, err)
	}
	var n int
	s.R().QueryRow(e.ctx, `SELECT COUNT(*) FROM targets WHERE campaign_id = ?`, c.ID).Scan(&n)
	fmt.Fprintf(e.stdout, "campaign %s created: %d targets\n", c.Code, n)
	return ExitOK
}

// failFlags reports refused option values (line 0 errors name the option).
func failFlags(e *env, err error) int {
	if ie, ok := err.(*pingyi.InputError); ok {
		for _, fe := range ie.Errors {
			if fe.Line == 0 {
				fmt.Fprintf(e.stderr, "--%s: %s\n", fe.Column, fe.Message)
			} else {
				fmt.Fprintln(e.stderr, fe.Error())
			}
		}
		return ExitRefused
	}
	return fail(e, err)
}

func runImportBallots(e *env, args []string) int {
	fs := newFlags(e, "import ballots", "--campaign C FILE")
	code := fs.String("campaign", "", "campaign code (required)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if *code == "" || len(pos) != 1 {
		fs.Usage()
		return ExitUsage
	}
	t, err := readTable(pos[0], appraisal.BallotColumns, nil, false)
	if err != nil {
		return fail(e, err)
	}
	s, c, st := openCampaign(e, *code)
	if st >= 0 {
		return st
	}
	defer s.Close()
	rows := make([]appraisal.BallotRow, 0, len(t.Rows))
	for _, r := range t.Rows {
		rows = append(rows, appraisal.BallotRow{Line: r.Line, BallotNo: r.Get("ballot_no"), EvaluatorCategory: r.Get("evaluator_category"),
			TargetType: r.Get("target_type"), TargetCode: r.Get("target_code"), Rating: r.Get("rating")})
	}
	n, err := appraisal.New(s).ImportBallots(e.ctx, c, rows, store.CLI)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "ballots: %d imported (%d ratings)\n", n, len(rows))
	return ExitOK
}

// BaseURL is where printed codes point: $PINGYI_BASE_URL, or the default.
func BaseURL() string {
	if u := os.Getenv("PINGYI_BASE_URL"); u != "" {
		return strings.TrimRight(u, "/")
	}
	return "http://localhost:8080"
}

// CodeURL is the phone ballot page of a code.
func CodeURL(base, code string) string { return base + "/b/" + code }

func runCodes(e *env, args []string) (status int) {
	fs := newFlags(e, "codes", "--campaign C --unit ORG --category CAT --count N [--format csv|pdf]")
	code := fs.String("campaign", "", "campaign code (required)")
	unit := fs.String("unit", "", "evaluation unit: an org code (required)")
	cat := fs.String("category", "", "evaluator category (required): "+categoriesList())
	count := fs.Int("count", 0, "how many codes (required)")
	format := fs.String("format", "csv", "csv (header code,url) or pdf (QR slips for A4)")
	base := fs.String("base-url", BaseURL(), "address the QR codes point to ($PINGYI_BASE_URL)")
	out := fs.String("o", "", "write to this file instead of standard output")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if *code == "" || *unit == "" || *cat == "" || *count <= 0 || len(pos) > 0 || (*format != "csv" && *format != "pdf") {
		fs.Usage()
		return ExitUsage
	}
	s, c, st := openCampaign(e, *code)
	if st >= 0 {
		return st
	}
	defer s.Close()
	codes, err := appraisal.New(s).IssueCodes(e.ctx, c, *unit, pingyi.EvaluatorCategory(*cat), *count, store.CLI)
	if err != nil {
		return failFlags(e, err)
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
	if *format == "pdf" {
		u, _ := appraisal.New(s).Unit(e.ctx, c.ID, *unit)
		sheet := pdf.SlipSheet{Title: "测评码", CampaignName: c.Name, UnitName: u.Name, CategoryLabel: CategoryZH[pingyi.EvaluatorCategory(*cat)]}
		for _, k := range codes {
			sheet.Slips = append(sheet.Slips, pdf.Slip{Code: k, URL: CodeURL(*base, k)})
		}
		if err := pdf.CodeSlips(bw, sheet); err != nil {
			return fail(e, err)
		}
		return ExitOK
	}
	cw := tabular.NewCSVWriter(bw)
	cw.Write([]string{"code", "url"})
	for _, k := range codes {
		cw.Write([]string{k, CodeURL(*base, k)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fail(e, err)
	}
	return ExitOK
}

// CategoryZH names evaluator categories in Chinese for printed slips.
var CategoryZH = map[pingyi.EvaluatorCategory]string{
	pingyi.EvalPartyMember: "党员", pingyi.EvalMassRep: "群众代表", pingyi.EvalTwoReps: "两代表一委员",
	pingyi.EvalNonPartyCadre: "非党干部职工", pingyi.EvalNonPartyInvestor: "非党出资人/负责人", pingyi.EvalServiceObject: "服务对象",
	pingyi.EvalSubordinateLeader: "下属单位负责人", pingyi.EvalSuperior: "上级党组织派员",
}

func categoriesList() string {
	var s []string
	for _, c := range pingyi.EvaluatorCategories {
		s = append(s, string(c))
	}
	return strings.Join(s, ", ")
}

func runResults(e *env, args []string) (status int) {
	fs := newFlags(e, "results", "--campaign C [--format csv|json|xlsx] [-o FILE]")
	code := fs.String("campaign", "", "campaign code (required)")
	format := fs.String("format", "csv", "csv, json, or xlsx (a printable workbook, one sheet per target type; needs -o)")
	out := fs.String("o", "", "write to this file instead of standard output")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if *code == "" || len(pos) > 0 || (*format != "csv" && *format != "json" && *format != "xlsx") || (*format == "xlsx" && *out == "") {
		fs.Usage()
		return ExitUsage
	}
	s, c, st := openCampaign(e, *code)
	if st >= 0 {
		return st
	}
	defer s.Close()
	sm, err := appraisal.New(s).Summary(e.ctx, c)
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
	// Every target, chunk by chunk (appraisal.Store.EachResult): a city's results
	// are never held at once.
	each := func(fn func(appraisal.TargetResult) error) error {
		return appraisal.New(s).EachResult(e.ctx, sm, nil, fn)
	}
	if *format == "xlsx" {
		counts := map[pingyi.TargetType]int{}
		for k := range appraisal.NumTypes {
			counts[appraisal.TypeNames[k]] = len(sm.TypeRange(k))
		}
		head, err := s.AuditHead(e.ctx)
		if err != nil {
			return fail(e, err)
		}
		if err := export.ResultsXLSXStream(bw, c.Name, c.Scale, counts, each, nil, head.Anchor()); err != nil {
			return fail(e, err)
		}
		return ExitOK
	}
	if *format == "json" {
		if err := export.ResultsJSON(bw, each); err != nil {
			return fail(e, err)
		}
		return ExitOK
	}
	if err := export.ResultsCSV(bw, each, nil); err != nil {
		return fail(e, err)
	}
	return ExitOK
}

func runCampaignList(e *env, args []string) int {
	fs := newFlags(e, "campaign list", "")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if len(pos) > 0 {
		fs.Usage()
		return ExitUsage
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	cs, err := appraisal.New(s).Campaigns(e.ctx, pingyi.Scope{})
	if err != nil {
		return fail(e, err)
	}
	cw := tabular.NewCSVWriter(e.stdout)
	cw.Write([]string{"code", "name", "year", "kind", "scope", "opens", "closes", "state", "test_mode"})
	for _, c := range cs {
		cw.Write([]string{c.Code, c.Name, strconv.Itoa(c.Year), string(c.Kind), c.ScopeCode, c.Opens, c.Closes,
			string(appraisal.State(&c, time.Now())), strconv.FormatBool(c.TestMode)})
	}
	cw.Flush()
	return ExitOK
}

func runCampaignWipe(e *env, args []string) int {
	fs := newFlags(e, "campaign wipe", "--campaign C")
	code := fs.String("campaign", "", "campaign code (required)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if *code == "" || len(pos) > 0 {
		fs.Usage()
		return ExitUsage
	}
	s, c, st := openCampaign(e, *code)
	if st >= 0 {
		return st
	}
	defer s.Close()
	if err := appraisal.New(s).WipeTestCampaign(e.ctx, c, store.CLI); err != nil {
		return failFlags(e, err)
	}
	fmt.Fprintf(e.stdout, "campaign %s wiped; it is now formal\n", c.Code)
	return ExitOK
}

// openCampaign opens the database and finds a campaign; on failure it
// reports on stderr and returns the exit status to use (else -1).
func openCampaign(e *env, code string) (*store.Store, *pingyi.Campaign, int) {
	s, err := e.open()
	if err != nil {
		return nil, nil, fail(e, err)
	}
	c, err := appraisal.New(s).Campaign(e.ctx, code)
	if err != nil {
		s.Close()
		fmt.Fprintf(e.stderr, "pingyi: campaign %q: %v\n", code, err)
		return nil, nil, ExitRefused
	}
	return s, c, -1
}

// openOutput returns a buffered writer on standard output, or on a new file
// at path; close flushes it (and closes the file) and reports what failed.
func openOutput(e *env, path string) (*bufio.Writer, func() error, error) {
	if path == "" {
		bw := bufio.NewWriter(e.stdout)
		return bw, bw.Flush, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	bw := bufio.NewWriter(f)
	return bw, func() error {
		if err := bw.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}, nil
}
