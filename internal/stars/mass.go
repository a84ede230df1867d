package stars

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// The mass appraisal of a star year (群众评议, SPEC §3 "三评两公开", seed
// 003) with one-time codes: staff issue codes for a branch and year; each
// code lets one person of the masses rate the members of the branch per
// star on their phone, once. A code spent leaves anonymous mass
// assessments (kind AssessMass, no rater); nothing links the two.

// MaxMassCodes bounds one batch of star mass codes.
const MaxMassCodes = 1000

// MassMember is a member on a mass appraisal form, with the stars
// they strive for.
type MassMember struct {
	Code     string
	Name     string
	Category pingyi.Category
	Stars    []pingyi.Star
}

// MassForm is what a star mass code may rate.
type MassForm struct {
	Code    string
	Year    int
	OrgCode string
	OrgName string
	Members []MassMember
}

// IssueMassCodes makes count one-time codes for the members of the org
// orgCode in year. It refuses (columns) an unknown org or one without
// members (org), a count outside 1..MaxStarMassCodes (count), a bad year.
func (s *Store) IssueMassCodes(ctx context.Context, year int, orgCode string, count int, a store.Actor) ([]string, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	bad := &pingyi.InputError{}
	if count < 1 || count > MaxMassCodes {
		bad.Add(0, "count", "count must be between 1 and %d", MaxMassCodes)
	}
	var orgID int64
	var members int
	err := s.R().QueryRow(ctx, `SELECT o.id, (SELECT COUNT(*) FROM members m WHERE m.org_id = o.id) FROM orgs o WHERE o.code = ?`, orgCode).Scan(&orgID, &members)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		bad.Add(0, "org", "org %q does not exist", orgCode)
	case err != nil:
		return nil, err
	case members == 0:
		bad.Add(0, "org", "org %q has no members to rate", orgCode)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	issued := store.Now()
	var codes []string
	err = s.Tx(ctx, func(q store.Q) error {
		codes = store.UniqueCodes(count)
		rows := make([][]any, 0, count)
		for _, code := range codes {
			rows = append(rows, []any{code, year, orgID, 0, issued})
		}
		if err := store.BatchInsert(ctx, q, "star_mass_codes", []string{"code", "year", "org_id", "used", "issued_at"}, rows); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "issue_codes", "star_mass", starKey(year, orgCode), nil, map[string]any{"org": orgCode, "year": year, "count": count})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// MassCodeCount is how many star mass codes of a year an org has.
type MassCodeCount struct {
	Issued, Used int
}

// MassCodeCounts counts the codes issued and used for an org in year.
func (s *Store) MassCodeCounts(ctx context.Context, year int, orgCode string) (MassCodeCount, error) {
	var c MassCodeCount
	err := s.R().QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(k.used), 0) FROM star_mass_codes k JOIN orgs o ON o.id = k.org_id
		WHERE k.year = ? AND o.code = ?`, year, orgCode).Scan(&c.Issued, &c.Used)
	return c, err
}

func starMassFormQ(ctx context.Context, q store.Q, code string) (*MassForm, int64, error) {
	f := &MassForm{Code: code}
	var orgID int64
	var used int
	err := q.QueryRow(ctx, `SELECT k.year, k.org_id, k.used, o.code, o.name FROM star_mass_codes k JOIN orgs o ON o.id = k.org_id
		WHERE k.code = ?`, code).Scan(&f.Year, &orgID, &used, &f.OrgCode, &f.OrgName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("star mass code: %w", pingyi.ErrNotFound)
	}
	if err != nil {
		return nil, 0, err
	}
	if used != 0 {
		return f, orgID, store.ErrCodeUsed
	}
	r, err := starRulesQ(ctx, q, f.Year)
	if err != nil {
		return nil, 0, err
	}
	rs, err := q.Query(ctx, `SELECT m.code, m.name, m.category FROM members m WHERE m.org_id = ? ORDER BY m.is_secretary DESC, m.code`, orgID)
	if err != nil {
		return nil, 0, err
	}
	defer rs.Close()
	for rs.Next() {
		var m MassMember
		if err := rs.Scan(&m.Code, &m.Name, &m.Category); err != nil {
			return nil, 0, err
		}
		m.Stars = r.StarsFor(m.Category)
		f.Members = append(f.Members, m)
	}
	return f, orgID, rs.Err()
}

// MassForm returns what a code may rate: the year, the org and its
// members with their stars. pingyi.ErrNotFound for an unknown code,
// ErrCodeUsed for a used one.
func (s *Store) MassForm(ctx context.Context, code string) (*MassForm, error) {
	f, _, err := starMassFormQ(ctx, s.R(), strings.TrimSpace(code))
	if err != nil {
		return nil, err
	}
	return f, nil
}

// SubmitMass spends a code and stores, in one transaction, one mass
// assessment per member rated: values maps member code → star → "0", "1"
// or "2" for every star the member strives for. A member left out (or with
// every cell empty) is not rated; at least one must be. It refuses
// (*pingyi.InputError, nothing stored): no member rated (column members),
// a member not of the code's org (the member's code), bad cells (columns
// "CODE:star"). pingyi.ErrNotFound for an unknown code, ErrCodeUsed for a
// used one.
func (s *Store) SubmitMass(ctx context.Context, code string, values map[string]map[pingyi.Star]string, a store.Actor) error {
	code = strings.TrimSpace(code)
	return s.Tx(ctx, func(q store.Q) error {
		f, _, err := starMassFormQ(ctx, q, code)
		if err != nil {
			return err
		}
		inOrg := map[string]bool{}
		for _, m := range f.Members {
			inOrg[m.Code] = true
		}
		codes := make([]string, 0, len(values))
		for mc := range values {
			codes = append(codes, mc)
		}
		sort.Strings(codes)
		bad := &pingyi.InputError{}
		var rated []string
		for _, mc := range codes {
			cells := values[mc]
			empty := true
			for _, v := range cells {
				empty = empty && strings.TrimSpace(v) == ""
			}
			if empty {
				continue
			}
			if !inOrg[mc] {
				bad.Add(0, mc, "member %q is not in %s", mc, f.OrgCode)
				continue
			}
			rated = append(rated, mc)
		}
		if len(rated) == 0 && len(bad.Errors) == 0 {
			bad.Add(0, "members", "rate at least one member")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		res, err := q.Exec(ctx, `UPDATE star_mass_codes SET used = 1 WHERE code = ? AND used = 0`, code)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return store.ErrCodeUsed
		}
		for _, mc := range rated {
			if _, err := recordStarAssessmentQ(ctx, q, f.Year, mc, AssessMass, "", values[mc], a, mc+":"); err != nil {
				return err
			}
		}
		return nil
	})
}

// recordStarAssessmentQ is RecordAssessment inside the transaction q.
// prefix is put before the columns of refused cells (a form rating many
// members names them "CODE:star").
func recordStarAssessmentQ(ctx context.Context, q store.Q, year int, memberCode, kind, raterCode string, cells map[pingyi.Star]string, a store.Actor, prefix string) (*Assessment, error) {
	raterCode = strings.TrimSpace(raterCode)
	m, err := starMemberQ(ctx, q, memberCode)
	if err != nil {
		return nil, err
	}
	r, err := starRulesQ(ctx, q, year)
	if err != nil {
		return nil, err
	}
	bad := &pingyi.InputError{}
	var rater any
	switch kind {
	case AssessSelf:
		if raterCode != "" && raterCode != m.code {
			bad.Add(0, "rater_code", "a self assessment is by the member %s, not %q", m.code, raterCode)
		}
		rater, raterCode = m.id, m.code
	case AssessPeer:
		if raterCode == "" {
			bad.Add(0, "rater_code", "required for a peer assessment")
		} else if raterCode == m.code {
			bad.Add(0, "rater_code", "a member does not assess themselves as a peer (use self)")
		} else if rm, err := starMemberQ(ctx, q, raterCode); errors.Is(err, pingyi.ErrNotFound) {
			bad.Add(0, "rater_code", "member %q does not exist", raterCode)
		} else if err != nil {
			return nil, err
		} else if rm.orgID != m.orgID {
			bad.Add(0, "rater_code", "member %s is not in the branch of %s (%s)", rm.code, m.code, m.orgCode)
		} else {
			rater = rm.id
		}
	case AssessMass:
		if raterCode != "" {
			bad.Add(0, "rater_code", "a mass assessment is anonymous: no rater")
		}
	default:
		bad.Add(0, "kind", "unknown kind %q (self, peer, mass)", kind)
	}
	cellErrs := &pingyi.InputError{}
	vals, _, _ := parseStarCells(r, m.category, cells, 0, cellErrs, "category")
	for _, e := range cellErrs.Errors {
		e.Column = prefix + e.Column
		bad.Errors = append(bad.Errors, e)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var before any
	if rater != nil {
		var oldID int64
		var v starScan
		err := q.QueryRow(ctx, `SELECT id, ideology, compliance, civilization, joint_service, post_duty FROM star_assessments
			WHERE year = ? AND member_id = ? AND kind = ? AND rater_member_id = ?`, year, m.id, kind, rater).Scan(append([]any{&oldID}, v.dst()...)...)
		switch {
		case err == nil:
			before = starAssessRecord{year, m.code, kind, raterCode, v.values().record()}
			if _, err := q.Exec(ctx, `DELETE FROM star_assessments WHERE id = ?`, oldID); err != nil {
				return nil, err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
	}
	// A random ID and the day only: a mass assessment says nothing of when
	// it was made, nor of its order among the others (issue 10, point 4).
	sa := &Assessment{ID: store.RandomID(), Year: year, MemberCode: m.code, MemberName: m.name, OrgCode: m.orgCode, OrgPath: m.orgPath, Category: m.category, Kind: kind, RaterCode: raterCode, Values: vals, Day: store.Today()}
	if err := store.BatchInsert(ctx, q, "star_assessments",
		[]string{"id", "year", "member_id", "kind", "rater_member_id", "ideology", "compliance", "civilization", "joint_service", "post_duty", "day"},
		[][]any{append(append([]any{sa.ID, year, m.id, kind, rater}, vals.cols()...), sa.Day)}); err != nil {
		return nil, err
	}
	if kind == AssessMass {
		return sa, nil // anonymous: not in the audit log (SubmitMass logs nothing of it)
	}
	action := "create"
	if before != nil {
		action = "update"
	}
	if err := store.Audit(ctx, q, a, action, "star_assessment", strconv.FormatInt(sa.ID, 10), before, starAssessRecord{year, m.code, kind, raterCode, vals.record()}); err != nil {
		return nil, err
	}
	return sa, nil
}

// auditedAssessment is what the audit log keeps of an assessment: all of
// a self or peer one; of an anonymous mass one, neither its values nor
// anything else than its year and member.
func auditedAssessment(r starAssessRecord) any {
	if r.Kind == AssessMass {
		return map[string]any{"Year": r.Year, "Member": r.Member, "Kind": r.Kind}
	}
	return r
}
