package cli_test

// pingyi star import / star finalize (SPEC §6) end to end through
// cli.Main on a temporary SQLite database: exit statuses, the CSV printed,
// the branches named on stderr, and an XLSX file giving what the CSV gives.

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/cli"
)

const starOrgsCSV = "\ufeffcode,name,type,domain,parent_code,window_unit\n" +
	"C1,某镇党委,committee,rural,,false\n" +
	"B1,东村党支部,branch,rural,C1,\n" +
	"B2,西村党支部,branch,rural,C1,\n" +
	"C2,某街道党工委,committee,community,,\n" +
	"B3,南社区党支部,branch,community,C2,\n"

const starMembersCSV = "code,name,org_code,category,is_secretary\n" +
	"M01,张一,B1,cadre,true\n" +
	"M02,张二,B1,farming,false\n" +
	"M03,张三,B1,farming,false\n" +
	"M04,张四,B1,in_service,false\n" +
	"N01,李一,B2,elderly,false\n" +
	"N02,李二,B2,elderly,false\n" +
	"N03,李三,B2,migrant,false\n" +
	"N04,李四,B2,elderly,false\n" +
	"X01,王一,B3,cadre,false\n"

// starRowsOverQuota: B1 has 2 excellent of 4 (limit ⌊1.2⌋ = 1), B2 too
// (cap 6); B3 is fine.
var starRowsOverQuota = [][]string{
	{"member_code", "ideology", "compliance", "civilization", "joint_service", "post_duty"},
	{"M01", "2", "2", "2", "2", "1"}, // 9 excellent
	{"M02", "2", "2", "2", "2", "2"}, // 10 excellent
	{"M03", "1", "1", "1", "1", "1"}, // 5 good
	{"M04", "1", "0", "1", "0", "0"}, // 2 poor
	{"N01", "2", "2", "1", "", ""},   // 5 excellent
	{"N02", "2", "2", "2", "", ""},   // 6 excellent
	{"N03", "1", "1", "1", "", ""},   // 3 good
	{"N04", "1", "0", "0", "", ""},   // 1 poor
	{"X01", "1", "1", "1", "1", "0"}, // 4 good
}

func starCSV(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\r\n")
	}
	return b.String()
}

type starCLI struct {
	t   *testing.T
	dir string
	db  string
}

func newStarCLI(t *testing.T) *starCLI {
	t.Helper()
	dir := t.TempDir()
	c := &starCLI{t: t, dir: dir, db: "sqlite:" + filepath.Join(dir, "pingyi.db")}
	c.ok("import", "orgs", c.file("orgs.csv", starOrgsCSV))
	c.ok("import", "members", c.file("members.csv", starMembersCSV))
	return c
}

func (c *starCLI) file(name, content string) string {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		c.t.Fatal(err)
	}
	return p
}

func (c *starCLI) run(args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(append([]string{"--db", c.db}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func (c *starCLI) ok(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(args...)
	if code != 0 {
		c.t.Fatalf("pingyi %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

const starFinalCSV = "member_code,stars,cap,level,helper_code\n" +
	"M01,8,10,good,\n" +
	"M02,10,10,excellent,\n" +
	"M03,5,10,good,\n" +
	"M04,2,10,poor,M02\n" +
	"N01,4,6,good,\n" +
	"N02,6,6,excellent,\n" +
	"N03,3,6,good,\n" +
	"N04,1,6,poor,N02\n"

func TestStarImportFinalize(t *testing.T) {
	c := newStarCLI(t)
	if out := c.ok("star", "import", "--year", "2024", c.file("stars.csv", starCSV(starRowsOverQuota))); !strings.Contains(out, "9 created") {
		t.Errorf("import said %q", out)
	}

	// Two branches over quota: refused, both named with count and limit.
	code, out, errs := c.run("star", "finalize", "--year", "2024", "--scope", "C1")
	if code != cli.ExitRefused {
		t.Fatalf("finalize over quota: exit %d, want 1\n%s", code, errs)
	}
	if out != "" {
		t.Errorf("refused finalize printed %q", out)
	}
	for _, want := range []string{
		"branch B1: 2 excellent of cap 10, limit 1 (of 4 rated)\n",
		"branch B2: 2 excellent of cap 6, limit 1 (of 4 rated)\n",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr does not name %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "B3") {
		t.Errorf("stderr names B3, which is outside C1 and within quota:\n%s", errs)
	}

	// C2 alone is within quota.
	if out := c.ok("star", "finalize", "--scope", "C2", "--year", "2024"); out != "member_code,stars,cap,level,helper_code\nX01,4,10,good,\n" {
		t.Errorf("finalize C2 printed %q", out)
	}

	// A revised import (the committee lowers M01 and N01) replaces them.
	revised := starCSV([][]string{starRowsOverQuota[0], {"M01", "2", "2", "2", "1", "1"}, {"N01", "2", "1", "1", "", ""}})
	if out := c.ok("star", "import", c.file("revised.csv", revised), "--year", "2024"); !strings.Contains(out, "0 created, 2 updated") {
		t.Errorf("revised import said %q", out)
	}
	if out := c.ok("star", "finalize", "--year", "2024", "--scope", "C1"); out != starFinalCSV {
		t.Errorf("finalize C1:\n got %q\nwant %q", out, starFinalCSV)
	}
	// Again: same result (finalization replaces, never accumulates).
	if out := c.ok("star", "finalize", "--year", "2024", "--scope", "C1"); out != starFinalCSV {
		t.Errorf("finalize C1 again:\n got %q", out)
	}
	// Another year has nothing rated: the header only.
	if out := c.ok("star", "finalize", "--year", "2025", "--scope", "C1"); out != "member_code,stars,cap,level,helper_code\n" {
		t.Errorf("empty year printed %q", out)
	}
}

func TestStarImportRefused(t *testing.T) {
	c := newStarCLI(t)
	c.ok("star", "import", "--year", "2024", c.file("stars.csv", starCSV(starRowsOverQuota)))

	bad := starCSV([][]string{
		starRowsOverQuota[0],
		{"M01", "0", "0", "0", "0", "0"}, // good row: must not be applied
		{"Z99", "1", "1", "1", "1", "1"}, // line 3: unknown member
		{"M02", "1", "1", "1", "1", "1"},
		{"M02", "1", "1", "1", "1", "1"}, // line 5: twice
		{"M03", "1", "3", "1", "1", "1"}, // line 6: not 0/1/2
		{"N01", "1", "1", "1", "1", ""},  // line 7: cap 6 with joint_service
		{"M04", "1", "1", "1", "1", ""},  // line 8: cap 10 without post_duty
	})
	code, out, errs := c.run("star", "import", "--year", "2024", c.file("bad.csv", bad))
	if code != cli.ExitRefused {
		t.Fatalf("bad file: exit %d, want 1\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		"line 3, column member_code:", "line 5, column member_code:", "line 6, column compliance:",
		"line 7, column joint_service:", "line 8, column post_duty:",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr does not name %q:\n%s", want, errs)
		}
	}
	for _, l := range strings.Split(errs, "\n") {
		if strings.HasPrefix(l, "line 2,") || strings.HasPrefix(l, "line 4,") {
			t.Errorf("stderr names a good line: %s", l)
		}
	}
	// Nothing changed: still refused for the original quota breaches, with
	// M01 at 9 stars.
	code, _, errs = c.run("star", "finalize", "--year", "2024", "--scope", "B1")
	if code != cli.ExitRefused || !strings.Contains(errs, "branch B1: 2 excellent of cap 10, limit 1 (of 4 rated)") {
		t.Errorf("after a refused import: exit %d\n%s", code, errs)
	}

	// Headers: a missing column and an unknown one, named on line 1.
	for name, header := range map[string]string{
		"missing post_duty": "member_code,ideology,compliance,civilization,joint_service\nM01,1,1,1,1\n",
		"extra column":      "member_code,ideology,compliance,civilization,joint_service,post_duty,note\nM01,1,1,1,1,1,x\n",
	} {
		code, _, errs := c.run("star", "import", "--year", "2024", c.file("h.csv", header))
		if code != cli.ExitRefused || !strings.Contains(errs, "line 1, column ") {
			t.Errorf("%s: exit %d\n%s", name, code, errs)
		}
	}
	// A file that is not there is refused input, not a usage error.
	if code, _, _ := c.run("star", "import", "--year", "2024", filepath.Join(c.dir, "none.csv")); code != cli.ExitRefused {
		t.Errorf("missing file: exit %d", code)
	}
}

func TestStarUsage(t *testing.T) {
	c := newStarCLI(t)
	f := c.file("stars.csv", starCSV(starRowsOverQuota))
	for _, args := range [][]string{
		{"star", "import", f},
		{"star", "import", "--year", "2024"},
		{"star", "import", "--year", "2024", f, f},
		{"star", "import", "--year", "abc", f},
		{"star", "import", "--year", "12", f},
		{"star", "import", "--year", "99999", f},
		{"star", "import", "--bogus", "--year", "2024", f},
		{"star", "finalize", "--year", "2024"},
		{"star", "finalize", "--scope", "C1"},
		{"star", "finalize", "--year", "0", "--scope", "C1"},
		{"star", "finalize", "--year", "2024", "--scope", "C1", "extra"},
		{"star"},
	} {
		code, out, errs := c.run(args...)
		if code != cli.ExitUsage {
			t.Errorf("pingyi %s: exit %d, want 2\n%s%s", strings.Join(args, " "), code, out, errs)
		}
	}
	// Nothing was imported by any of them.
	if out := c.ok("star", "finalize", "--year", "2024", "--scope", "C1"); out != "member_code,stars,cap,level,helper_code\n" {
		t.Errorf("after usage errors: %q", out)
	}
	// An unknown scope is refused (1), and says so.
	code, _, errs := c.run("star", "finalize", "--year", "2024", "--scope", "NOPE")
	if code != cli.ExitRefused || !strings.Contains(errs, "NOPE") {
		t.Errorf("unknown scope: exit %d\n%s", code, errs)
	}
	// --help is not an error.
	if code, out, _ := c.run("star", "finalize", "--help"); code != cli.ExitOK || !strings.Contains(out, "--scope") {
		t.Errorf("--help: exit %d %q", code, out)
	}
}

// An XLSX star file (numbers as numbers, empty cells for cap-6 members)
// gives the same database as the CSV file.
func TestStarImportXLSX(t *testing.T) {
	finalize := func(c *starCLI) (int, string, string) {
		return c.run("star", "finalize", "--year", "2024", "--scope", "C1")
	}
	fromCSV := newStarCLI(t)
	fromCSV.ok("star", "import", "--year", "2024", fromCSV.file("stars.csv", starCSV(starRowsOverQuota)))

	fromXLSX := newStarCLI(t)
	x := excelize.NewFile()
	sheet := x.GetSheetName(0)
	for i, r := range starRowsOverQuota {
		row := make([]any, len(r))
		for j, cell := range r {
			switch {
			case i == 0 || j == 0:
				row[j] = cell
			case cell == "":
				row[j] = nil
			default:
				row[j] = int(cell[0] - '0')
			}
		}
		cellName, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cellName, &row); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(fromXLSX.dir, "stars.xlsx")
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if out := fromXLSX.ok("star", "import", "--year", "2024", path); !strings.Contains(out, "9 created") {
		t.Errorf("xlsx import said %q", out)
	}

	c1, o1, e1 := finalize(fromCSV)
	c2, o2, e2 := finalize(fromXLSX)
	if c1 != cli.ExitRefused || c1 != c2 || o1 != o2 || e1 != e2 {
		t.Errorf("over quota: csv %d %q %q, xlsx %d %q %q", c1, o1, e1, c2, o2, e2)
	}
	if out := fromXLSX.ok("star", "finalize", "--year", "2024", "--scope", "C2"); out != "member_code,stars,cap,level,helper_code\nX01,4,10,good,\n" {
		t.Errorf("xlsx C2: %q", out)
	}

	// Revise both the same way and compare the finalized CSV.
	revised := [][]string{starRowsOverQuota[0], {"M01", "2", "2", "2", "1", "1"}, {"N01", "2", "1", "1", "", ""}}
	for _, c := range []*starCLI{fromCSV, fromXLSX} {
		c.ok("star", "import", "--year", "2024", c.file("revised.csv", starCSV(revised)))
	}
	if a, b := fromCSV.ok("star", "finalize", "--year", "2024", "--scope", "C1"), fromXLSX.ok("star", "finalize", "--year", "2024", "--scope", "C1"); a != b || a != starFinalCSV {
		t.Errorf("finalized from csv %q, from xlsx %q, want %q", a, b, starFinalCSV)
	}

	// A refused XLSX names the row's line and the column too.
	bad := excelize.NewFile()
	bs := bad.GetSheetName(0)
	bad.SetSheetRow(bs, "A1", &[]any{"member_code", "ideology", "compliance", "civilization", "joint_service", "post_duty"})
	bad.SetSheetRow(bs, "A2", &[]any{"N01", 1, 1, 1, 1, nil})
	bp := filepath.Join(fromXLSX.dir, "bad.xlsx")
	if err := bad.SaveAs(bp); err != nil {
		t.Fatal(err)
	}
	code, _, errs := fromXLSX.run("star", "import", "--year", "2024", bp)
	if code != cli.ExitRefused || !strings.Contains(errs, "line 2, column joint_service") {
		t.Errorf("bad xlsx: exit %d\n%s", code, errs)
	}
}
