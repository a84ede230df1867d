package export

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/tabular"
)

// The results file of SPEC §6 as CSV and JSON, written by the CLI's
// results command and the results page's download alike (the workbook is
// results.go). Rows come from each (appraisal.Store.EachResult: a city's
// results are never held at once); hide, if not nil, withholds a target
// (the anonymity rule: its row keeps only its type and code).

// ResultsHeader is the results file's header (SPEC §6).
var ResultsHeader = []string{"target_type", "target_code", "valid", "satisfied", "fairly_satisfied", "basically_satisfied", "dissatisfied", "abstain", "score", "satisfaction_rate", "flags"}

// ResultRecord is one row of the results file; a withheld target keeps
// only its type and code.
func ResultRecord(t appraisal.TargetResult, withheld bool) []string {
	if withheld {
		return []string{string(t.Type), t.Code, "", "", "", "", "", "", "", "", ""}
	}
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	return []string{string(t.Type), t.Code, n(t.Tally.Valid()), n(t.Tally.Satisfied), n(t.Tally.FairlySatisfied),
		n(t.Tally.BasicallySatisfied), n(t.Tally.Dissatisfied), n(t.Tally.Abstain),
		rules.FormatScore(t.Score), rules.FormatRate(t.Rate), rules.JoinFlags(t.Flags)}
}

// ResultsCSV writes the results file as CSV (cells that a spreadsheet
// would run as a formula neutralised, tabular.NewCSVWriter).
func ResultsCSV(w io.Writer, each func(func(appraisal.TargetResult) error) error, hide func(appraisal.TargetResult) bool) error {
	cw := tabular.NewCSVWriter(w)
	cw.Write(ResultsHeader)
	err := each(func(t appraisal.TargetResult) error { return cw.Write(ResultRecord(t, hide != nil && hide(t))) })
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// jsonResult is a target of the JSON results: the CSV's columns (counts
// as integers, score and rate as numbers or null, flags as an array) and
// the target's name and unit.
type jsonResult struct {
	TargetType         string   `json:"target_type"`
	TargetCode         string   `json:"target_code"`
	Name               string   `json:"name"`
	Unit               string   `json:"unit"`
	Valid              int64    `json:"valid"`
	Satisfied          int64    `json:"satisfied"`
	FairlySatisfied    int64    `json:"fairly_satisfied"`
	BasicallySatisfied int64    `json:"basically_satisfied"`
	Dissatisfied       int64    `json:"dissatisfied"`
	Abstain            int64    `json:"abstain"`
	Score              *float64 `json:"score"`
	SatisfactionRate   *float64 `json:"satisfaction_rate"`
	Flags              []string `json:"flags"`
}

func num(s string) *float64 {
	if s == "" {
		return nil
	}
	f, _ := strconv.ParseFloat(s, 64)
	return &f
}

// ResultsJSON writes the results as a JSON array (json.Encoder's output
// with a two-space indent), one element at a time.
func ResultsJSON(w io.Writer, each func(func(appraisal.TargetResult) error) error) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("  ", "  ")
	enc.SetEscapeHTML(false)
	n := 0
	err := each(func(t appraisal.TargetResult) error {
		r := ResultRecord(t, false)
		buf.Reset()
		if err := enc.Encode(jsonResult{TargetType: r[0], TargetCode: r[1], Name: t.Name, Unit: t.UnitCode, Valid: t.Tally.Valid(),
			Satisfied: t.Tally.Satisfied, FairlySatisfied: t.Tally.FairlySatisfied, BasicallySatisfied: t.Tally.BasicallySatisfied,
			Dissatisfied: t.Tally.Dissatisfied, Abstain: t.Tally.Abstain, Score: num(r[8]), SatisfactionRate: num(r[9]), Flags: t.Flags}); err != nil {
			return err
		}
		sep := ",\n  "
		if n == 0 {
			sep = "[\n  "
		}
		n++
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		_, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		_, err = io.WriteString(w, "[]\n")
	} else {
		_, err = io.WriteString(w, "\n]\n")
	}
	return err
}
