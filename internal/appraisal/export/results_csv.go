package export

import (
	"io"
	"slices"
	"strconv"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/tabular"
)

// ResultsCSVHeaderZH is the header of the Chinese results CSV of a
// four-level campaign (a three-level one has no 比较满意): the type, unit
// and name beside each code, for offices that keep their tables in Excel
// or WPS. The SPEC §6 results file (English headers, codes only) is the
// contract for programs; this one is for people.
var ResultsCSVHeaderZH = []string{"对象类型", "所属单位代码", "所属单位", "代码", "名称", "有效票", "满意", "比较满意", "基本满意", "不满意", "弃权", "得分", "满意率(%)", "结果运用"}

// csvFairlyCol is the index of 比较满意 in ResultsCSVHeaderZH.
const csvFairlyCol = 7

// ResultsCSVZH writes a campaign's results as a CSV with Chinese headers
// and names beside codes, preceded by a UTF-8 byte order mark (so that
// Excel opens it as UTF-8). each calls its function with every target in
// order; hide reports whether a target's counts are withheld (nil: none).
// Every cell is formula-neutralised (tabular.CSVWriter).
func ResultsCSVZH(w io.Writer, scale pingyi.Scale, each func(func(appraisal.TargetResult) error) error, hide func(appraisal.TargetResult) bool) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	fairly := scale.Allows(pingyi.FairlySatisfied)
	header := slices.Clone(ResultsCSVHeaderZH)
	if !fairly {
		header = slices.Delete(header, csvFairlyCol, csvFairlyCol+1)
	}
	cw := tabular.NewCSVWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	rec := make([]string, 0, len(ResultsCSVHeaderZH))
	err := each(func(t appraisal.TargetResult) error {
		rec = append(rec[:0], TargetTypeZH[t.Type], t.UnitCode, t.UnitName, t.Code, t.Name)
		if hide != nil && hide(t) {
			rec = append(rec, "", "", "", "", "", "", "", "", "不足公开人数")
		} else {
			rec = append(rec, n(t.Tally.Valid()), n(t.Tally.Satisfied), n(t.Tally.FairlySatisfied), n(t.Tally.BasicallySatisfied),
				n(t.Tally.Dissatisfied), n(t.Tally.Abstain), rules.FormatScore(t.Score), rules.FormatRate(t.Rate), FlagsZH(t.Flags))
		}
		if !fairly {
			rec = slices.Delete(rec, csvFairlyCol, csvFairlyCol+1)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
