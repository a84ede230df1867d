package export

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
)

// TestResultsXLSXNeutralisesFormulas: a code, a name or a unit that reads
// as a formula gets a leading apostrophe, and no cell holds a formula.
func TestResultsXLSXNeutralisesFormulas(t *testing.T) {
	res := &appraisal.Results{Campaign: &pingyi.Campaign{Name: "K"}}
	tr := appraisal.TargetResult{Name: "@SUM(A1)", UnitName: "+cmd|x"}
	tr.Type, tr.Code = pingyi.TargetMember, "=1+1"
	res.Targets = append(res.Targets, tr)
	var buf bytes.Buffer
	if err := ResultsXLSX(&buf, res, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("党员")
	if len(rows) < 3 || rows[2][1] != "'+cmd|x" || rows[2][2] != "'=1+1" || rows[2][3] != "'@SUM(A1)" {
		t.Fatalf("row %q", rows)
	}
	for _, c := range []string{"B3", "C3", "D3"} {
		if fm, _ := f.GetCellFormula("党员", c); fm != "" {
			t.Errorf("%s holds formula %q", c, fm)
		}
	}
}
