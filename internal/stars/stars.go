package stars

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// Star management (SPEC §3, seed 003): the year's rules, the committee's
// ratings (star import), and their finalization (star finalize). The
// records of the year's cycle (goals, logbook, pre-assessment, three
// assessments, follow-ups, door-plate comments) are in cycle.go.

// Columns are the star file's columns (SPEC §6), all required.
var Columns = []string{"member_code", "ideology", "compliance", "civilization", "joint_service", "post_duty"}

// Star sources: how a rating got into the database.
const (
	SourceImport    = "import"    // star import
	SourceCommittee = "committee" // entered on a page by the branch committee
)

// MinYear and MaxYear bound the years star records accept.
const (
	MinYear = 1921
	MaxYear = 2200
)

// ValidYear reports whether y is a year star records accept.
func ValidYear(y int) bool { return y >= MinYear && y <= MaxYear }

func checkYear(y int) error {
	if !ValidYear(y) {
		return fmt.Errorf("year %d: %w (%d–%d)", y, pingyi.ErrInvalid, MinYear, MaxYear)
	}
	return nil
}

// Values holds a member's value (0..2) of each star of their category;
// stars outside the category have no key.
type Values map[pingyi.Star]int

// Total is the sum of the values.
func (v Values) Total() int {
	t := 0
	for _, x := range v {
		t += x
	}
	return t
}

// cols are the five star columns of v as stored (NULL for a missing star).
func (v Values) cols() []any {
	out := make([]any, len(pingyi.Stars))
	for i, s := range pingyi.Stars {
		if x, ok := v[s]; ok {
			out[i] = x
		} else {
			out[i] = nil
		}
	}
	return out
}

// Same reports whether v and w hold the same stars with the same values.
func (v Values) Same(w Values) bool {
	if len(v) != len(w) {
		return false
	}
	for k, x := range v {
		if y, ok := w[k]; !ok || x != y {
			return false
		}
	}
	return true
}

// starScan receives the five star columns.
type starScan [5]sql.NullInt64

func (sc *starScan) dst() []any {
	return []any{&sc[0], &sc[1], &sc[2], &sc[3], &sc[4]}
}

func (sc *starScan) values() Values {
	v := Values{}
	for i, s := range pingyi.Stars {
		if sc[i].Valid {
			v[s] = int(sc[i].Int64)
		}
	}
	return v
}

// record is v keyed by star name (for audit records and JSON).
func (v Values) record() map[string]int {
	out := make(map[string]int, len(v))
	for k, x := range v {
		out[string(k)] = x
	}
	return out
}

// parseStarCells validates cells for a category with ParseStarRow and
// reports bad cells as errors of the given line (0 for a form).
func parseStarCells(r rules.StarRules, c pingyi.Category, cells map[pingyi.Star]string, line int, bad *pingyi.InputError, categoryColumn string) (Values, int, bool) {
	vals, total, errs := r.ParseStarRow(c, cells)
	for _, e := range errs {
		col := e.Column
		if col == "category" {
			col = categoryColumn
		}
		bad.Add(line, col, e.Format, e.Args...) // the same Message, and translatable
	}
	if errs != nil {
		return nil, 0, false
	}
	return Values(vals), total, true
}

// ---------------------------------------------------------------------------
// Rules of a year.

// RuleSettings are the overridable star rules of a year: the quota,
// the level thresholds of each cap, and the weights of the suggestion
// (exact decimals or fractions, e.g. "0.2" or "1/5"). Custom is false when
// the year has no settings of its own (the defaults apply).
type RuleSettings struct {
	QuotaPercent           int
	Excellent10, Poor10    int
	Excellent6, Poor6      int
	WeightSelf, WeightPeer string
	WeightMass             string
	Custom                 bool
	UpdatedAt              string
}

// DefaultRuleSettings are rules.DefaultStarRules() as settings.
func DefaultRuleSettings() RuleSettings {
	d := rules.DefaultStarRules()
	return RuleSettings{
		QuotaPercent: d.QuotaPercent,
		Excellent10:  d.Levels[10].Excellent, Poor10: d.Levels[10].Poor,
		Excellent6: d.Levels[6].Excellent, Poor6: d.Levels[6].Poor,
		WeightSelf: ratDecimal(d.Weights.Self), WeightPeer: ratDecimal(d.Weights.Peer), WeightMass: ratDecimal(d.Weights.Mass),
	}
}

// ratDecimal writes r as a decimal with at most 6 places, trailing zeros
// dropped.
func ratDecimal(r *big.Rat) string {
	s := r.FloatString(6)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func parseWeight(s string) (*big.Rat, bool) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok || r.Sign() < 0 {
		return nil, false
	}
	return r, true
}

// Rules checks the settings and turns them into rules (caps are always
// those of rules.DefaultStarRules). Bad fields are named in a
// *pingyi.InputError (line 0, column: quota_percent, excellent_10, poor_10,
// excellent_6, poor_6, weight_self, weight_peer, weight_mass).
func (set RuleSettings) Rules() (rules.StarRules, error) {
	r := rules.DefaultStarRules()
	bad := &pingyi.InputError{}
	if set.QuotaPercent < 0 || set.QuotaPercent > 100 {
		bad.Add(0, "quota_percent", "must be 0 to 100, not %d", set.QuotaPercent)
	}
	for _, c := range []struct {
		cap       int
		exc, poor int
	}{{10, set.Excellent10, set.Poor10}, {6, set.Excellent6, set.Poor6}} {
		suffix := "_" + strconv.Itoa(c.cap)
		if c.exc < 1 || c.exc > c.cap {
			bad.Add(0, "excellent"+suffix, "must be 1 to %d, not %d", c.cap, c.exc)
		}
		if c.poor < 0 || c.poor >= c.exc {
			bad.Add(0, "poor"+suffix, "must be 0 to one below the excellent threshold (%d), not %d", c.exc, c.poor)
		}
		r.Levels[c.cap] = rules.Threshold{Excellent: c.exc, Poor: c.poor}
	}
	r.QuotaPercent = set.QuotaPercent
	sum := new(big.Rat)
	for _, w := range []struct {
		col string
		v   string
		dst **big.Rat
	}{{"weight_self", set.WeightSelf, &r.Weights.Self}, {"weight_peer", set.WeightPeer, &r.Weights.Peer}, {"weight_mass", set.WeightMass, &r.Weights.Mass}} {
		x, ok := parseWeight(w.v)
		if !ok {
			bad.Add(0, w.col, "not a number of at least 0: %q", w.v)
			continue
		}
		*w.dst = x
		sum.Add(sum, x)
	}
	if len(bad.Errors) == 0 && sum.Sign() == 0 {
		bad.Add(0, "weight_mass", "the three weights cannot all be 0")
	}
	if err := bad.Err(); err != nil {
		return rules.StarRules{}, err
	}
	return r, nil
}

func starRuleSettingsQ(ctx context.Context, q store.Q, year int) (RuleSettings, error) {
	var set RuleSettings
	err := q.QueryRow(ctx, `SELECT quota_percent, excellent_10, poor_10, excellent_6, poor_6, weight_self, weight_peer, weight_mass, updated_at
		FROM star_rules WHERE year = ?`, year).Scan(&set.QuotaPercent, &set.Excellent10, &set.Poor10, &set.Excellent6, &set.Poor6,
		&set.WeightSelf, &set.WeightPeer, &set.WeightMass, &set.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultRuleSettings(), nil
	}
	if err != nil {
		return set, err
	}
	set.Custom = true
	return set, nil
}

func starRulesQ(ctx context.Context, q store.Q, year int) (rules.StarRules, error) {
	set, err := starRuleSettingsQ(ctx, q, year)
	if err != nil {
		return rules.StarRules{}, err
	}
	r, err := set.Rules()
	if err != nil {
		return rules.StarRules{}, fmt.Errorf("star rules of %d: %w", year, err)
	}
	return r, nil
}

// RuleSettings returns the settings of a year (the defaults when it has
// none).
func (s *Store) RuleSettings(ctx context.Context, year int) (RuleSettings, error) {
	return starRuleSettingsQ(ctx, s.R(), year)
}

// Rules returns the rules that apply to a year.
func (s *Store) Rules(ctx context.Context, year int) (rules.StarRules, error) {
	return starRulesQ(ctx, s.R(), year)
}

// SetRuleSettings stores the rules of a year (checked by
// RuleSettings.Rules).
func (s *Store) SetRuleSettings(ctx context.Context, year int, set RuleSettings, a store.Actor) error {
	if err := checkYear(year); err != nil {
		return err
	}
	if _, err := set.Rules(); err != nil {
		return err
	}
	return s.Tx(ctx, func(q store.Q) error {
		old, err := starRuleSettingsQ(ctx, q, year)
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM star_rules WHERE year = ?`, year); err != nil {
			return err
		}
		set.Custom, set.UpdatedAt = true, store.Now()
		if _, err := q.Exec(ctx, `INSERT INTO star_rules (year, quota_percent, excellent_10, poor_10, excellent_6, poor_6, weight_self, weight_peer, weight_mass, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, year, set.QuotaPercent, set.Excellent10, set.Poor10, set.Excellent6, set.Poor6,
			strings.TrimSpace(set.WeightSelf), strings.TrimSpace(set.WeightPeer), strings.TrimSpace(set.WeightMass), set.UpdatedAt); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "update", "star_rules", strconv.Itoa(year), old, set)
	})
}

// ResetRules removes a year's own settings (the defaults apply again).
func (s *Store) ResetRules(ctx context.Context, year int, a store.Actor) error {
	return s.Tx(ctx, func(q store.Q) error {
		old, err := starRuleSettingsQ(ctx, q, year)
		if err != nil || !old.Custom {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM star_rules WHERE year = ?`, year); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "delete", "star_rules", strconv.Itoa(year), old, nil)
	})
}

// ---------------------------------------------------------------------------
// Members as star records need them.

type starMember struct {
	id       int64
	code     string
	name     string
	category pingyi.Category
	orgID    int64
	orgCode  string
	orgPath  string
}

const starMemberCols = `m.id, m.code, m.name, m.category, m.org_id, o.code, o.path`

func scanStarMember(sc interface{ Scan(...any) error }, m *starMember) error {
	return sc.Scan(&m.id, &m.code, &m.name, &m.category, &m.orgID, &m.orgCode, &m.orgPath)
}

// starMemberQ finds a member by code; pingyi.ErrNotFound when there is none.
func starMemberQ(ctx context.Context, q store.Q, code string) (*starMember, error) {
	var m starMember
	err := scanStarMember(q.QueryRow(ctx, `SELECT `+starMemberCols+` FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.code = ?`, code), &m)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("member %q: %w", code, pingyi.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// scopeWhere restricts a query on orgs aliased o to a scope.
func (s *Store) scopeWhere(scope pingyi.Scope, where string, args []any) (string, []any) {
	if scope.All() {
		return where, args
	}
	pred, pargs := s.PathPrefix("o.path", scope.Path)
	return where + ` AND ` + pred, append(args, pargs...)
}

// memberScope further restricts a member-only scope (RoleMember) to the
// member themselves (a query on members aliased m).
func (s *Store) memberScope(scope pingyi.Scope, where string, args []any) (string, []any) {
	where, args = s.scopeWhere(scope, where, args)
	if scope.MemberID != 0 {
		where += ` AND m.id = ?`
		args = append(args, scope.MemberID)
	}
	return where, args
}

// ---------------------------------------------------------------------------
// Ratings.

// Row is one line of a star file, as read: the member's code and the
// raw text of each star column.
type Row struct {
	Line       int
	MemberCode string
	Cells      map[pingyi.Star]string
}

// Rows turns a star table (read by tabular, header checked against
// Columns) into rows for Import.
func Rows(t *tabular.Table) []Row {
	rows := make([]Row, 0, len(t.Rows))
	for _, r := range t.Rows {
		cells := make(map[pingyi.Star]string, len(pingyi.Stars))
		for _, s := range pingyi.Stars {
			cells[s] = r.Get(string(s))
		}
		rows = append(rows, Row{Line: r.Line, MemberCode: r.Get("member_code"), Cells: cells})
	}
	return rows
}

// Rating is the branch committee's rating of a member for a year.
type Rating struct {
	Year       int
	MemberID   int64
	MemberCode string
	MemberName string
	OrgCode    string
	OrgName    string
	OrgPath    string
	Category   pingyi.Category
	Values     Values
	Total      int
	Cap        int
	Source     string // SourceImport or SourceCommittee
	UpdatedAt  string
}

type starRatingRecord struct {
	Year   int
	Member string
	Values map[string]int
	Total  int
	Cap    int
	Source string
}

func (r *Rating) record() starRatingRecord {
	return starRatingRecord{r.Year, r.MemberCode, r.Values.record(), r.Total, r.Cap, r.Source}
}

func starKey(year int, code string) string { return strconv.Itoa(year) + "/" + code }

// existingRatings loads the ratings of a year by member id.
func existingRatings(ctx context.Context, q store.Q, year int) (map[int64]*Rating, error) {
	rs, err := q.Query(ctx, `SELECT member_id, ideology, compliance, civilization, joint_service, post_duty, total, cap, source FROM star_ratings WHERE year = ?`, year)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := map[int64]*Rating{}
	for rs.Next() {
		r := &Rating{Year: year}
		var sc starScan
		if err := rs.Scan(append(append([]any{&r.MemberID}, sc.dst()...), &r.Total, &r.Cap, &r.Source)...); err != nil {
			return nil, err
		}
		r.Values = sc.values()
		out[r.MemberID] = r
	}
	return out, rs.Err()
}

// Import stores the committee's ratings of a year from a star file,
// all or nothing (SPEC §6 star import). It refuses, naming every bad line
// and column: an empty or unknown member_code, a member twice in the file,
// a value that is not 0, 1 or 2, a value for a star the member's category
// does not have (joint_service and post_duty of elderly and migrant
// members), and a missing value for a star it has. A member already rated
// that year is replaced (the committee revises); the same values again
// count as unchanged.
func (s *Store) Import(ctx context.Context, year int, rows []Row, a store.Actor) (store.ImportStats, error) {
	var stats store.ImportStats
	if err := checkYear(year); err != nil {
		return stats, err
	}
	err := s.Tx(ctx, func(q store.Q) error {
		r, err := starRulesQ(ctx, q, year)
		if err != nil {
			return err
		}
		members := map[string]*starMember{}
		rs, err := q.Query(ctx, `SELECT `+starMemberCols+` FROM members m JOIN orgs o ON o.id = m.org_id`)
		if err != nil {
			return err
		}
		for rs.Next() {
			m := &starMember{}
			if err := scanStarMember(rs, m); err != nil {
				rs.Close()
				return err
			}
			members[m.code] = m
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
		existing, err := existingRatings(ctx, q, year)
		if err != nil {
			return err
		}

		bad := &pingyi.InputError{}
		seen := map[string]int{}
		var next []*Rating
		for _, row := range rows {
			code := strings.TrimSpace(row.MemberCode)
			var m *starMember
			switch {
			case code == "":
				bad.Add(row.Line, "member_code", "empty member code")
			case seen[code] != 0:
				bad.Add(row.Line, "member_code", "member %q is already on line %d", code, seen[code])
			default:
				seen[code] = row.Line
				if m = members[code]; m == nil {
					bad.Add(row.Line, "member_code", "member %q does not exist", code)
				}
			}
			if m == nil {
				continue
			}
			vals, total, ok := parseStarCells(r, m.category, row.Cells, row.Line, bad, "member_code")
			if !ok {
				continue
			}
			next = append(next, &Rating{Year: year, MemberID: m.id, MemberCode: m.code, Category: m.category,
				Values: vals, Total: total, Cap: r.Cap(m.category), Source: SourceImport})
		}
		if len(bad.Errors) > 0 {
			sort.SliceStable(bad.Errors, func(i, j int) bool { return bad.Errors[i].Line < bad.Errors[j].Line })
			return bad
		}

		now := store.Now()
		var inserts [][]any
		var audits []store.Change
		for _, n := range next {
			n.UpdatedAt = now
			old := existing[n.MemberID]
			action := "create"
			if old != nil {
				if old.Values.Same(n.Values) && old.Cap == n.Cap && old.Source == n.Source {
					stats.Unchanged++
					continue
				}
				if _, err := q.Exec(ctx, `DELETE FROM star_ratings WHERE year = ? AND member_id = ?`, year, n.MemberID); err != nil {
					return err
				}
				old.MemberCode = n.MemberCode
				action = "update"
				stats.Updated++
			} else {
				stats.Created++
			}
			inserts = append(inserts, append(append([]any{year, n.MemberID}, n.Values.cols()...), n.Total, n.Cap, n.Source, now))
			var before any
			if old != nil {
				before = old.record()
			}
			audits = append(audits, store.Change{Action: action, Entity: "star_rating", EntityID: starKey(year, n.MemberCode), Before: before, After: n.record()})
		}
		if err := store.BatchInsert(ctx, q, "star_ratings", starRatingCols, inserts); err != nil {
			return err
		}
		if err := store.AuditBatch(ctx, q, a, audits); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "import", "star_ratings", strconv.Itoa(year), nil, map[string]any{"rows": len(rows), "created": stats.Created, "updated": stats.Updated, "unchanged": stats.Unchanged})
	})
	return stats, err
}

var starRatingCols = []string{"year", "member_id", "ideology", "compliance", "civilization", "joint_service", "post_duty", "total", "cap", "source", "updated_at"}

// SetRating enters or revises one member's rating on a page (source
// committee). cells holds the text of each star field; bad fields are
// named in a *pingyi.InputError (line 0, column: the star).
func (s *Store) SetRating(ctx context.Context, year int, memberCode string, cells map[pingyi.Star]string, a store.Actor) (*Rating, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	var out *Rating
	err := s.Tx(ctx, func(q store.Q) error {
		r, err := starRulesQ(ctx, q, year)
		if err != nil {
			return err
		}
		m, err := starMemberQ(ctx, q, memberCode)
		if err != nil {
			return err
		}
		bad := &pingyi.InputError{}
		vals, total, ok := parseStarCells(r, m.category, cells, 0, bad, "category")
		if !ok {
			return bad
		}
		old, err := starRatingQ(ctx, q, year, m.code)
		if err != nil && !errors.Is(err, pingyi.ErrNotFound) {
			return err
		}
		n := &Rating{Year: year, MemberID: m.id, MemberCode: m.code, MemberName: m.name, OrgCode: m.orgCode, OrgPath: m.orgPath,
			Category: m.category, Values: vals, Total: total, Cap: r.Cap(m.category), Source: SourceCommittee, UpdatedAt: store.Now()}
		if _, err := q.Exec(ctx, `DELETE FROM star_ratings WHERE year = ? AND member_id = ?`, year, m.id); err != nil {
			return err
		}
		if err := store.BatchInsert(ctx, q, "star_ratings", starRatingCols, [][]any{
			append(append([]any{year, m.id}, vals.cols()...), n.Total, n.Cap, n.Source, n.UpdatedAt)}); err != nil {
			return err
		}
		action, before := "create", any(nil)
		if old != nil {
			action, before = "update", old.record()
		}
		out = n
		return store.Audit(ctx, q, a, action, "star_rating", starKey(year, m.code), before, n.record())
	})
	return out, err
}

// DeleteRating removes a member's rating of a year.
func (s *Store) DeleteRating(ctx context.Context, year int, memberCode string, a store.Actor) error {
	return s.Tx(ctx, func(q store.Q) error {
		old, err := starRatingQ(ctx, q, year, memberCode)
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM star_ratings WHERE year = ? AND member_id = ?`, year, old.MemberID); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "delete", "star_rating", starKey(year, memberCode), old.record(), nil)
	})
}

const starRatingSelect = `SELECT r.year, r.member_id, m.code, m.name, o.code, o.name, o.path, m.category,
	r.ideology, r.compliance, r.civilization, r.joint_service, r.post_duty, r.total, r.cap, r.source, r.updated_at
	FROM star_ratings r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = m.org_id`

func scanStarRating(sc interface{ Scan(...any) error }) (*Rating, error) {
	r := &Rating{}
	var v starScan
	dst := append([]any{&r.Year, &r.MemberID, &r.MemberCode, &r.MemberName, &r.OrgCode, &r.OrgName, &r.OrgPath, &r.Category}, v.dst()...)
	if err := sc.Scan(append(dst, &r.Total, &r.Cap, &r.Source, &r.UpdatedAt)...); err != nil {
		return nil, err
	}
	r.Values = v.values()
	return r, nil
}

func starRatingQ(ctx context.Context, q store.Q, year int, memberCode string) (*Rating, error) {
	r, err := scanStarRating(q.QueryRow(ctx, starRatingSelect+` WHERE r.year = ? AND m.code = ?`, year, memberCode))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("star rating %d of %q: %w", year, memberCode, pingyi.ErrNotFound)
	}
	return r, err
}

// Rating returns one member's rating of a year (pingyi.ErrNotFound
// when not rated).
func (s *Store) Rating(ctx context.Context, year int, memberCode string) (*Rating, error) {
	return starRatingQ(ctx, s.R(), year, memberCode)
}

// Ratings lists the ratings of a year of the members in scope, by
// member code.
func (s *Store) Ratings(ctx context.Context, scope pingyi.Scope, year int) ([]Rating, error) {
	where, args := s.memberScope(scope, `r.year = ?`, []any{year})
	rs, err := s.R().Query(ctx, starRatingSelect+` WHERE `+where+` ORDER BY m.code`, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []Rating
	for rs.Next() {
		r, err := scanStarRating(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rs.Err()
}

// ---------------------------------------------------------------------------
// Finalization.

// Finalize levels the members rated in year whose org lies in the
// subtree of the org scopeOrgCode (the org included), checks the quota per
// branch (a member's branch is their org) and pairs poor members with
// helpers, with the year's rules (rules.StarRules.Finalize). With any quota
// violation it stores nothing and returns the violations (and the rows it
// would have stored); otherwise it replaces the year's results of those
// members and returns the rows, sorted by member code. An unknown scope is
// pingyi.ErrNotFound.
func (s *Store) Finalize(ctx context.Context, year int, scopeOrgCode string, a store.Actor) ([]rules.FinalRow, []rules.QuotaViolation, error) {
	if err := checkYear(year); err != nil {
		return nil, nil, err
	}
	org, err := s.Org(ctx, scopeOrgCode)
	if err != nil {
		if errors.Is(err, pingyi.ErrNotFound) {
			return nil, nil, fmt.Errorf("org %q: %w", scopeOrgCode, pingyi.ErrNotFound)
		}
		return nil, nil, err
	}
	var rows []rules.FinalRow
	var violations []rules.QuotaViolation
	err = s.Tx(ctx, func(q store.Q) error {
		r, err := starRulesQ(ctx, q, year)
		if err != nil {
			return err
		}
		pred, pargs := s.PathPrefix("o.path", org.Path)
		rs, err := q.Query(ctx, `SELECT m.id, m.code, m.category, o.code, r.total, r.cap
			FROM star_ratings r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = m.org_id
			WHERE r.year = ? AND `+pred+` ORDER BY m.code`, append([]any{year}, pargs...)...)
		if err != nil {
			return err
		}
		ids := map[string]int64{}
		var recs []rules.StarRecord
		var stale []string
		for rs.Next() {
			var id int64
			var rec rules.StarRecord
			var cap int
			if err := rs.Scan(&id, &rec.MemberCode, &rec.Category, &rec.BranchCode, &rec.Stars, &cap); err != nil {
				rs.Close()
				return err
			}
			if now := r.Cap(rec.Category); now != cap {
				stale = append(stale, fmt.Sprintf("%s (rated with cap %d, category %s has cap %d)", rec.MemberCode, cap, rec.Category, now))
			}
			ids[rec.MemberCode] = id
			recs = append(recs, rec)
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
		if len(stale) > 0 {
			return fmt.Errorf("%w: category changed since the rating of %s; import their stars again", pingyi.ErrConflict, strings.Join(stale, "; "))
		}
		rows, violations = r.Finalize(recs)
		if len(violations) > 0 {
			return nil
		}
		if _, err := q.Exec(ctx, `DELETE FROM star_results WHERE year = ? AND member_id IN
			(SELECT m.id FROM members m JOIN orgs o ON o.id = m.org_id WHERE `+pred+`)`, append([]any{year}, pargs...)...); err != nil {
			return err
		}
		now := store.Now()
		ins := make([][]any, 0, len(rows))
		count := map[pingyi.StarLevel]int{}
		for _, fr := range rows {
			var helper any
			if fr.HelperCode != "" {
				helper = ids[fr.HelperCode]
			}
			ins = append(ins, []any{year, ids[fr.MemberCode], fr.Stars, fr.Cap, string(fr.Level), helper, now})
			count[fr.Level]++
		}
		if err := store.BatchInsert(ctx, q, "star_results", []string{"year", "member_id", "stars", "cap", "level", "helper_member_id", "finalized_at"}, ins); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "finalize", "star_results", starKey(year, org.Code), nil, map[string]any{
			"members": len(rows), "excellent": count[pingyi.LevelExcellent], "good": count[pingyi.LevelGood], "poor": count[pingyi.LevelPoor], "rows": rows})
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, violations, nil
}

// Result is a member's finalized result of a year.
type Result struct {
	Year        int
	MemberCode  string
	MemberName  string
	OrgCode     string
	OrgName     string
	OrgPath     string
	Category    pingyi.Category
	Stars       int
	Cap         int
	Level       pingyi.StarLevel
	HelperCode  string // poor members: the excellent member who helps
	HelperName  string
	FinalizedAt string
}

const starResultSelect = `SELECT r.year, m.code, m.name, o.code, o.name, o.path, m.category, r.stars, r.cap, r.level,
	COALESCE(h.code, ''), COALESCE(h.name, ''), r.finalized_at
	FROM star_results r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = m.org_id
	LEFT JOIN members h ON h.id = r.helper_member_id`

func (s *Store) starResults(ctx context.Context, where string, args []any, order string) ([]Result, error) {
	rs, err := s.R().Query(ctx, starResultSelect+` WHERE `+where+` ORDER BY `+order, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []Result
	for rs.Next() {
		var r Result
		if err := rs.Scan(&r.Year, &r.MemberCode, &r.MemberName, &r.OrgCode, &r.OrgName, &r.OrgPath, &r.Category, &r.Stars, &r.Cap,
			&r.Level, &r.HelperCode, &r.HelperName, &r.FinalizedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// Results lists the finalized results of a year of the members in
// scope, by member code. level "" lists every level; "poor" lists the
// lagging members (后进党员), "excellent" the commended.
func (s *Store) Results(ctx context.Context, scope pingyi.Scope, year int, level pingyi.StarLevel) ([]Result, error) {
	where, args := s.memberScope(scope, `r.year = ?`, []any{year})
	if level != "" {
		where += ` AND r.level = ?`
		args = append(args, string(level))
	}
	return s.starResults(ctx, where, args, `m.code`)
}

// MemberResults lists a member's finalized results, newest year first
// (the door-plate page).
func (s *Store) MemberResults(ctx context.Context, memberCode string) ([]Result, error) {
	return s.starResults(ctx, `m.code = ?`, []any{memberCode}, `r.year DESC`)
}

// Store is the stars' storage over the platform's: star ratings, goals,
// logbooks, assessments, comments, mass assessments, objections.
type Store struct{ *store.Store }

// New is the stars' storage over st.
func New(st *store.Store) *Store { return &Store{st} }
