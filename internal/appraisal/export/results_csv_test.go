package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// The Chinese results CSV of a four-level campaign: a BOM, 比较满意 in its
// place, names beside codes, withheld counts empty, formulas neutralised.
func TestResultsCSVZH(t *testing.T) {
	var targets []appraisal.TargetResult
	add := func(tt pingyi.TargetType, code, name string, s, f, d int64, flags ...string) {
		tr := appraisal.TargetResult{Name: name, UnitName: "东村党支部", UnitCode: "B1"}
		tr.Type, tr.Code = tt, code
		tr.Tally = rules.Tally{Satisfied: s, FairlySatisfied: f, Dissatisfied: d}
		tr.Score, _ = tr.Tally.Score()
		tr.Rate, _ = tr.Tally.Rate()
		tr.Flags = flags
		targets = append(targets, tr)
	}
	add(pingyi.TargetOrg, "B1", "东村党支部", 2, 1, 0)
	add(pingyi.TargetMember, "M1", "=HYPERLINK(\"x\")", 1, 0, 2, rules.FlagAdmonish)
	add(pingyi.TargetMember, "M2", "李四", 1, 0, 0)
	var buf bytes.Buffer
	err := ResultsCSVZH(&buf, 4, func(fn func(appraisal.TargetResult) error) error {
		for _, t := range targets {
			if err := fn(t); err != nil {
				return err
			}
		}
		return nil
	}, func(t appraisal.TargetResult) bool { return t.Code == "M2" })
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeff") {
		t.Fatal("no byte order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 4 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	if got := strings.Join(recs[0], ","); got != strings.Join(ResultsCSVHeaderZH, ",") {
		t.Errorf("header %s", got)
	}
	if r := recs[1]; r[0] != "基层党组织" || r[4] != "东村党支部" || r[7] != "1" || r[5] != "3" {
		t.Errorf("org row %q", r)
	}
	if r := recs[2]; strings.HasPrefix(r[4], "=") || r[13] != "诫勉谈话" {
		t.Errorf("member row (formula not neutralised?) %q", r)
	}
	if r := recs[3]; r[5] != "" || r[11] != "" || r[13] != "不足公开人数" {
		t.Errorf("withheld row %q", r)
	}
}
