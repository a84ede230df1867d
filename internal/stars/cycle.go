package stars

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// The records of a star year (SPEC §3, seed 003): responsibility books
// (责任书), the logbook (纪实), the half-year pre-assessment (半年预评), the
// year-end three assessments (三评) with the suggestion they give the
// branch committee, lagging-member follow-ups (后进党员帮扶) and comments
// of the public on door-plate pages.
//
// Writes take the member's code and return pingyi.ErrNotFound for an
// unknown one; bad fields are named in a *pingyi.InputError with line 0
// and the field's column. Callers check the scope (records carry OrgPath);
// lists take a pingyi.Scope.

func checkDay(bad *pingyi.InputError, col, day string, required bool) {
	if day == "" {
		if required {
			bad.Add(0, col, "required")
		}
		return
	}
	if _, err := time.Parse("2006-01-02", day); err != nil {
		bad.Add(0, col, "not a date (YYYY-MM-DD): %q", day)
	}
}

func checkText(bad *pingyi.InputError, col, s string, required bool, max int) {
	if required && strings.TrimSpace(s) == "" {
		bad.Add(0, col, "required")
	}
	if n := utf8.RuneCountInString(s); n > max {
		bad.Add(0, col, "too long: %d characters, at most %d", n, max)
	}
	if !utf8.ValidString(s) {
		bad.Add(0, col, "not valid UTF-8 text")
	}
}

// ---------------------------------------------------------------------------
// 责任书: annual goals.

// Posts (岗位) of seed 003 that a member may claim; any other non-empty
// text is a custom post set by the street or park.
const (
	PostTechDemo              = "tech_demo"              // 科技示范岗
	PostVillageAffairs        = "village_affairs"        // 村务协助岗
	PostStability             = "stability"              // 维护稳定岗
	PostDemocraticSupervision = "democratic_supervision" // 民主监督岗
)

// Posts lists the seed's posts in display order; PostZH names them.
var (
	Posts  = []string{PostTechDemo, PostVillageAffairs, PostStability, PostDemocraticSupervision}
	PostZH = map[string]string{
		PostTechDemo: "科技示范岗", PostVillageAffairs: "村务协助岗", PostStability: "维护稳定岗", PostDemocraticSupervision: "民主监督岗",
	}
)

// Goal is a member's responsibility book of a year: the stars aimed
// at, the post claimed, the 1–2 households of "1+2" joint service, the
// measures, and when the member and the secretary signed.
type Goal struct {
	ID              int64
	Year            int
	MemberCode      string
	MemberName      string
	OrgCode         string
	OrgPath         string
	Category        pingyi.Category
	Cap             int
	StarsAimed      int
	Post            string // one of Posts or a custom post's name
	PostNote        string
	Household1      string
	Household2      string
	Measures        string
	MemberSigned    string // YYYY-MM-DD, "" not yet
	SecretarySigned string
	Public          bool // posted on the affairs column and the door-plate page
	UpdatedAt       string
}

type starGoalRecord struct {
	Year                                    int
	Member                                  string
	StarsAimed                              int
	Post, PostNote, Household1, Household2  string
	Measures, MemberSigned, SecretarySigned string
	Public                                  bool
}

func (g *Goal) record() starGoalRecord {
	return starGoalRecord{g.Year, g.MemberCode, g.StarsAimed, g.Post, g.PostNote, g.Household1, g.Household2, g.Measures, g.MemberSigned, g.SecretarySigned, g.Public}
}

// SaveGoal creates or replaces the goal of g.Year for g.MemberCode. It
// refuses (columns): stars_aimed outside 0..cap; for members with all five
// stars (cap 10) a missing post or first household ("each claims at least
// one post", "1+2"); for cap-6 members a post or a household (they strive
// for neither star); household2 without household1; bad dates; texts over
// 500 characters. g is filled in (ID, names, cap, UpdatedAt).
func (s *Store) SaveGoal(ctx context.Context, g *Goal, a store.Actor) error {
	if err := checkYear(g.Year); err != nil {
		return err
	}
	g.Post, g.PostNote, g.Household1, g.Household2 = strings.TrimSpace(g.Post), strings.TrimSpace(g.PostNote), strings.TrimSpace(g.Household1), strings.TrimSpace(g.Household2)
	g.Measures, g.MemberSigned, g.SecretarySigned = strings.TrimSpace(g.Measures), strings.TrimSpace(g.MemberSigned), strings.TrimSpace(g.SecretarySigned)
	return s.Tx(ctx, func(q store.Q) error {
		m, err := starMemberQ(ctx, q, g.MemberCode)
		if err != nil {
			return err
		}
		r, err := starRulesQ(ctx, q, g.Year)
		if err != nil {
			return err
		}
		cap := r.Cap(m.category)
		bad := &pingyi.InputError{}
		if g.StarsAimed < 0 || g.StarsAimed > cap {
			bad.Add(0, "stars_aimed", "must be 0 to %d (the cap of %s), not %d", cap, m.category, g.StarsAimed)
		}
		full := len(r.StarsFor(m.category)) == len(pingyi.Stars)
		if full {
			if g.Post == "" {
				bad.Add(0, "post", "required: each member claims at least one post")
			}
			if g.Household1 == "" {
				bad.Add(0, "household1", "required: each member keeps in touch with 1–2 households (1+2)")
			}
		} else {
			if g.Post != "" {
				bad.Add(0, "post", "must be empty for category %s (cap %d)", m.category, cap)
			}
			if g.Household1 != "" || g.Household2 != "" {
				bad.Add(0, "household1", "must be empty for category %s (cap %d)", m.category, cap)
			}
		}
		if g.Household2 != "" && g.Household1 == "" {
			bad.Add(0, "household2", "give household1 first")
		}
		for _, f := range []struct{ col, v string }{{"post", g.Post}, {"post_note", g.PostNote}, {"household1", g.Household1}, {"household2", g.Household2}, {"measures", g.Measures}} {
			checkText(bad, f.col, f.v, false, 500)
		}
		checkDay(bad, "member_signed", g.MemberSigned, false)
		checkDay(bad, "secretary_signed", g.SecretarySigned, false)
		if err := bad.Err(); err != nil {
			return err
		}
		old, err := starGoalQ(ctx, q, g.Year, m.code)
		if err != nil && !errors.Is(err, pingyi.ErrNotFound) {
			return err
		}
		g.MemberCode, g.MemberName, g.OrgCode, g.OrgPath, g.Category, g.Cap, g.UpdatedAt = m.code, m.name, m.orgCode, m.orgPath, m.category, cap, store.Now()
		action, before := "create", any(nil)
		if old != nil {
			g.ID, action, before = old.ID, "update", old.record()
			_, err = q.Exec(ctx, `UPDATE star_goals SET stars_aimed = ?, post = ?, post_note = ?, household1 = ?, household2 = ?, measures = ?,
				member_signed = ?, secretary_signed = ?, public = ?, updated_at = ? WHERE id = ?`,
				g.StarsAimed, g.Post, g.PostNote, g.Household1, g.Household2, g.Measures, g.MemberSigned, g.SecretarySigned, store.BoolInt(g.Public), g.UpdatedAt, g.ID)
		} else {
			g.ID = store.NewID()
			_, err = q.Exec(ctx, `INSERT INTO star_goals (id, year, member_id, stars_aimed, post, post_note, household1, household2, measures,
				member_signed, secretary_signed, public, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				g.ID, g.Year, m.id, g.StarsAimed, g.Post, g.PostNote, g.Household1, g.Household2, g.Measures, g.MemberSigned, g.SecretarySigned, store.BoolInt(g.Public), g.UpdatedAt)
		}
		if err != nil {
			return err
		}
		return store.Audit(ctx, q, a, action, "star_goal", starKey(g.Year, m.code), before, g.record())
	})
}

const starGoalSelect = `SELECT g.id, g.year, m.code, m.name, o.code, o.path, m.category, g.stars_aimed, g.post, g.post_note,
	g.household1, g.household2, g.measures, g.member_signed, g.secretary_signed, g.public, g.updated_at
	FROM star_goals g JOIN members m ON m.id = g.member_id JOIN orgs o ON o.id = m.org_id`

func scanStarGoal(sc interface{ Scan(...any) error }) (*Goal, error) {
	g := &Goal{}
	var pub int
	if err := sc.Scan(&g.ID, &g.Year, &g.MemberCode, &g.MemberName, &g.OrgCode, &g.OrgPath, &g.Category, &g.StarsAimed, &g.Post, &g.PostNote,
		&g.Household1, &g.Household2, &g.Measures, &g.MemberSigned, &g.SecretarySigned, &pub, &g.UpdatedAt); err != nil {
		return nil, err
	}
	g.Public = pub != 0
	g.Cap = rules.Cap(g.Category)
	return g, nil
}

func starGoalQ(ctx context.Context, q store.Q, year int, memberCode string) (*Goal, error) {
	g, err := scanStarGoal(q.QueryRow(ctx, starGoalSelect+` WHERE g.year = ? AND m.code = ?`, year, memberCode))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("goal %d of %q: %w", year, memberCode, pingyi.ErrNotFound)
	}
	return g, err
}

// Goal returns a member's goal of a year (pingyi.ErrNotFound if none).
func (s *Store) Goal(ctx context.Context, year int, memberCode string) (*Goal, error) {
	return starGoalQ(ctx, s.R(), year, memberCode)
}

// Goals lists the goals of a year in scope by member code; publicOnly
// keeps those marked public (the affairs column).
func (s *Store) Goals(ctx context.Context, scope pingyi.Scope, year int, publicOnly bool) ([]Goal, error) {
	where, args := s.memberScope(scope, `g.year = ?`, []any{year})
	if publicOnly {
		where += ` AND g.public = 1`
	}
	return queryList(ctx, s.R(), scanStarGoal, starGoalSelect+` WHERE `+where+` ORDER BY o.code, m.code`, args...)
}

// queryList runs a query and scans each row with scan.
func queryList[T any](ctx context.Context, q store.Q, scan func(interface{ Scan(...any) error }) (*T, error), query string, args ...any) ([]T, error) {
	rs, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []T
	for rs.Next() {
		v, err := scan(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rs.Err()
}

// ---------------------------------------------------------------------------
// 纪实: the logbook.

// Logbook kinds.
const (
	LogHouseholdService = "household_service" // 联户服务纪实
	LogPostDuty         = "post_duty"         // 岗位履职纪实
	LogServiceActivity  = "service_activity"  // 为民服务活动 (at least monthly)
)

// LogKinds lists the kinds in display order.
var LogKinds = []string{LogHouseholdService, LogPostDuty, LogServiceActivity}

// MaxPhotoBytes is the largest logbook photo accepted.
const MaxPhotoBytes = 5 << 20

// LogEntry is one logbook entry. Lists leave Photo nil (HasPhoto says
// whether there is one; LogPhoto reads it).
type LogEntry struct {
	ID         int64
	MemberCode string
	MemberName string
	OrgCode    string
	OrgPath    string
	Day        string // YYYY-MM-DD
	Kind       string
	Served     string // the people served
	People     int    // how many
	Content    string // what was done
	Photo      []byte
	PhotoMime  string
	HasPhoto   bool
	CreatedAt  string
	UpdatedAt  string
}

type starLogRecord struct {
	Member, Day, Kind, Served string
	People                    int
	Content                   string
	Photo                     int // bytes
}

func (e *LogEntry) record() starLogRecord {
	return starLogRecord{e.MemberCode, e.Day, e.Kind, e.Served, e.People, e.Content, len(e.Photo)}
}

func checkLogEntry(e *LogEntry) error {
	e.Day, e.Served, e.Content = strings.TrimSpace(e.Day), strings.TrimSpace(e.Served), strings.TrimSpace(e.Content)
	bad := &pingyi.InputError{}
	checkDay(bad, "day", e.Day, true)
	ok := false
	for _, k := range LogKinds {
		ok = ok || e.Kind == k
	}
	if !ok {
		bad.Add(0, "kind", "unknown kind %q (%s)", e.Kind, strings.Join(LogKinds, ", "))
	}
	if e.People < 0 {
		bad.Add(0, "people", "cannot be negative")
	}
	checkText(bad, "served", e.Served, false, 500)
	checkText(bad, "content", e.Content, true, 4000)
	e.PhotoMime = ""
	if len(e.Photo) > 0 {
		if len(e.Photo) > MaxPhotoBytes {
			bad.Add(0, "photo", "too large: %d bytes, at most %d", len(e.Photo), MaxPhotoBytes)
		}
		switch mt := http.DetectContentType(e.Photo); mt {
		case "image/jpeg", "image/png", "image/gif", "image/webp":
			e.PhotoMime = mt
		default:
			bad.Add(0, "photo", "not a JPEG, PNG, GIF or WebP image (%s)", mt)
		}
	}
	return bad.Err()
}

// AddLogEntry adds an entry to a member's logbook (e.MemberCode). It
// refuses (columns): a bad day, an unknown kind, an empty content, a
// negative count, a photo that is not an image or is over MaxPhotoBytes.
// e.ID, PhotoMime and the times are filled in.
func (s *Store) AddLogEntry(ctx context.Context, e *LogEntry, a store.Actor) error {
	if err := checkLogEntry(e); err != nil {
		return err
	}
	return s.Tx(ctx, func(q store.Q) error {
		m, err := starMemberQ(ctx, q, e.MemberCode)
		if err != nil {
			return err
		}
		e.ID, e.MemberCode, e.MemberName, e.OrgCode, e.OrgPath = store.NewID(), m.code, m.name, m.orgCode, m.orgPath
		e.CreatedAt = store.Now()
		e.UpdatedAt, e.HasPhoto = e.CreatedAt, len(e.Photo) > 0
		var photo any
		if e.HasPhoto {
			photo = e.Photo
		}
		if _, err := q.Exec(ctx, `INSERT INTO star_log (id, member_id, day, kind, served, people, content, photo, photo_mime, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, m.id, e.Day, e.Kind, e.Served, e.People, e.Content, photo, e.PhotoMime, e.CreatedAt, e.UpdatedAt); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "create", "star_log", strconv.FormatInt(e.ID, 10), nil, e.record())
	})
}

// UpdateLogEntry changes an entry (by e.ID; its member stays). With
// keepPhoto and no e.Photo the stored photo stays; otherwise it is replaced
// by e.Photo (none removes it).
func (s *Store) UpdateLogEntry(ctx context.Context, e *LogEntry, keepPhoto bool, a store.Actor) error {
	if err := checkLogEntry(e); err != nil {
		return err
	}
	return s.Tx(ctx, func(q store.Q) error {
		old, err := starLogEntryQ(ctx, q, e.ID)
		if err != nil {
			return err
		}
		e.MemberCode, e.MemberName, e.OrgCode, e.OrgPath, e.CreatedAt, e.UpdatedAt = old.MemberCode, old.MemberName, old.OrgCode, old.OrgPath, old.CreatedAt, store.Now()
		if keepPhoto && len(e.Photo) == 0 {
			if _, err := q.Exec(ctx, `UPDATE star_log SET day = ?, kind = ?, served = ?, people = ?, content = ?, updated_at = ? WHERE id = ?`,
				e.Day, e.Kind, e.Served, e.People, e.Content, e.UpdatedAt, e.ID); err != nil {
				return err
			}
			e.HasPhoto, e.PhotoMime = old.HasPhoto, old.PhotoMime
		} else {
			var photo any
			if len(e.Photo) > 0 {
				photo = e.Photo
			}
			if _, err := q.Exec(ctx, `UPDATE star_log SET day = ?, kind = ?, served = ?, people = ?, content = ?, photo = ?, photo_mime = ?, updated_at = ? WHERE id = ?`,
				e.Day, e.Kind, e.Served, e.People, e.Content, photo, e.PhotoMime, e.UpdatedAt, e.ID); err != nil {
				return err
			}
			e.HasPhoto = len(e.Photo) > 0
		}
		return store.Audit(ctx, q, a, "update", "star_log", strconv.FormatInt(e.ID, 10), old.record(), e.record())
	})
}

// DeleteLogEntry removes an entry.
func (s *Store) DeleteLogEntry(ctx context.Context, id int64, a store.Actor) error {
	return s.Tx(ctx, func(q store.Q) error {
		old, err := starLogEntryQ(ctx, q, id)
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM star_log WHERE id = ?`, id); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "delete", "star_log", strconv.FormatInt(id, 10), old.record(), nil)
	})
}

const starLogSelect = `SELECT l.id, m.code, m.name, o.code, o.path, l.day, l.kind, l.served, l.people, l.content, l.photo_mime,
	CASE WHEN l.photo IS NULL THEN 0 ELSE 1 END, l.created_at, l.updated_at
	FROM star_log l JOIN members m ON m.id = l.member_id JOIN orgs o ON o.id = m.org_id`

func scanStarLog(sc interface{ Scan(...any) error }) (*LogEntry, error) {
	e := &LogEntry{}
	var has int
	if err := sc.Scan(&e.ID, &e.MemberCode, &e.MemberName, &e.OrgCode, &e.OrgPath, &e.Day, &e.Kind, &e.Served, &e.People, &e.Content,
		&e.PhotoMime, &has, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return nil, err
	}
	e.HasPhoto = has != 0
	return e, nil
}

func starLogEntryQ(ctx context.Context, q store.Q, id int64) (*LogEntry, error) {
	e, err := scanStarLog(q.QueryRow(ctx, starLogSelect+` WHERE l.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("logbook entry %d: %w", id, pingyi.ErrNotFound)
	}
	return e, err
}

// LogEntry returns one entry without its photo.
func (s *Store) LogEntry(ctx context.Context, id int64) (*LogEntry, error) {
	return starLogEntryQ(ctx, s.R(), id)
}

// LogPhoto returns an entry's photo, its MIME type and the path of the
// member's org (pingyi.ErrNotFound when the entry or its photo is missing).
func (s *Store) LogPhoto(ctx context.Context, id int64) ([]byte, string, string, error) {
	var photo []byte
	var mime, path string
	err := s.R().QueryRow(ctx, `SELECT l.photo, l.photo_mime, o.path FROM star_log l JOIN members m ON m.id = l.member_id
		JOIN orgs o ON o.id = m.org_id WHERE l.id = ?`, id).Scan(&photo, &mime, &path)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && len(photo) == 0) {
		return nil, "", "", fmt.Errorf("photo of logbook entry %d: %w", id, pingyi.ErrNotFound)
	}
	return photo, mime, path, err
}

// LogFilter narrows Log: a member, a year, a kind ("" for any).
type LogFilter struct {
	MemberCode string
	Year       int
	Kind       string
	Limit      int // 0: no limit
}

// Log lists logbook entries in scope, newest day first (photos not
// loaded): a member's own logbook, or a branch's display of achievements.
func (s *Store) Log(ctx context.Context, scope pingyi.Scope, f LogFilter) ([]LogEntry, error) {
	where, args := s.memberScope(scope, `1 = 1`, nil)
	if f.MemberCode != "" {
		where += ` AND m.code = ?`
		args = append(args, f.MemberCode)
	}
	if f.Year != 0 {
		where += ` AND l.day >= ? AND l.day < ?`
		args = append(args, fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-01-01", f.Year+1))
	}
	if f.Kind != "" {
		where += ` AND l.kind = ?`
		args = append(args, f.Kind)
	}
	qs := starLogSelect + ` WHERE ` + where + ` ORDER BY l.day DESC, l.id DESC`
	if f.Limit > 0 {
		qs += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return queryList(ctx, s.R(), scanStarLog, qs, args...)
}

// ---------------------------------------------------------------------------
// 半年预评: half-year pre-assessment.

// Preassessment is the branch's mid-year pre-rating of a member and
// the member's debrief to the branch.
type Preassessment struct {
	Year       int
	MemberCode string
	MemberName string
	OrgCode    string
	OrgPath    string
	Category   pingyi.Category
	Values     Values
	Total      int
	Cap        int
	Debrief    string
	UpdatedAt  string
}

type starPreRecord struct {
	Year    int
	Member  string
	Values  map[string]int
	Total   int
	Debrief string
}

// SavePreassessment stores (or replaces) a member's pre-rating of a
// year: cells as in star import (every star of the category 0..2, the
// others empty; columns the stars), and the debrief text.
func (s *Store) SavePreassessment(ctx context.Context, year int, memberCode string, cells map[pingyi.Star]string, debrief string, a store.Actor) (*Preassessment, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	debrief = strings.TrimSpace(debrief)
	var out *Preassessment
	err := s.Tx(ctx, func(q store.Q) error {
		m, err := starMemberQ(ctx, q, memberCode)
		if err != nil {
			return err
		}
		r, err := starRulesQ(ctx, q, year)
		if err != nil {
			return err
		}
		bad := &pingyi.InputError{}
		vals, total, _ := parseStarCells(r, m.category, cells, 0, bad, "category")
		checkText(bad, "debrief", debrief, false, 8000)
		if err := bad.Err(); err != nil {
			return err
		}
		var before any
		if olds, err := s.starPreassessments(ctx, q, `p.year = ? AND m.id = ?`, []any{year, m.id}); err != nil {
			return err
		} else if len(olds) > 0 {
			o := olds[0]
			before = starPreRecord{o.Year, o.MemberCode, o.Values.record(), o.Total, o.Debrief}
		}
		p := &Preassessment{Year: year, MemberCode: m.code, MemberName: m.name, OrgCode: m.orgCode, OrgPath: m.orgPath, Category: m.category,
			Values: vals, Total: total, Cap: r.Cap(m.category), Debrief: debrief, UpdatedAt: store.Now()}
		if _, err := q.Exec(ctx, `DELETE FROM star_preassessments WHERE year = ? AND member_id = ?`, year, m.id); err != nil {
			return err
		}
		if err := store.BatchInsert(ctx, q, "star_preassessments",
			[]string{"year", "member_id", "ideology", "compliance", "civilization", "joint_service", "post_duty", "total", "cap", "debrief", "updated_at"},
			[][]any{append(append([]any{year, m.id}, vals.cols()...), p.Total, p.Cap, p.Debrief, p.UpdatedAt)}); err != nil {
			return err
		}
		action := "create"
		if before != nil {
			action = "update"
		}
		out = p
		return store.Audit(ctx, q, a, action, "star_preassessment", starKey(year, m.code), before, starPreRecord{year, m.code, vals.record(), total, debrief})
	})
	return out, err
}

func (s *Store) starPreassessments(ctx context.Context, q store.Q, where string, args []any) ([]Preassessment, error) {
	rs, err := q.Query(ctx, `SELECT p.year, m.code, m.name, o.code, o.path, m.category, p.ideology, p.compliance, p.civilization,
		p.joint_service, p.post_duty, p.total, p.cap, p.debrief, p.updated_at
		FROM star_preassessments p JOIN members m ON m.id = p.member_id JOIN orgs o ON o.id = m.org_id
		WHERE `+where+` ORDER BY m.code`, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []Preassessment
	for rs.Next() {
		var p Preassessment
		var v starScan
		dst := append([]any{&p.Year, &p.MemberCode, &p.MemberName, &p.OrgCode, &p.OrgPath, &p.Category}, v.dst()...)
		if err := rs.Scan(append(dst, &p.Total, &p.Cap, &p.Debrief, &p.UpdatedAt)...); err != nil {
			return nil, err
		}
		p.Values = v.values()
		out = append(out, p)
	}
	return out, rs.Err()
}

// Preassessments lists the pre-ratings of a year in scope by member
// code.
func (s *Store) Preassessments(ctx context.Context, scope pingyi.Scope, year int) ([]Preassessment, error) {
	where, args := s.memberScope(scope, `p.year = ?`, []any{year})
	return s.starPreassessments(ctx, s.R(), where, args)
}

// ---------------------------------------------------------------------------
// 三评: self, peer and mass assessments at year end.

// Assessment kinds.
const (
	AssessSelf = "self" // 自评
	AssessPeer = "peer" // 互评: by another member of the branch
	AssessMass = "mass" // 群众评议: anonymous
)

// Assessment is one assessment of a member's stars.
type Assessment struct {
	ID         int64
	Year       int
	MemberCode string
	MemberName string
	OrgCode    string
	OrgPath    string
	Category   pingyi.Category
	Kind       string
	RaterCode  string // self: the member; peer: the rater; mass: ""
	Values     Values
	Day        string // YYYY-MM-DD: no time of day (mass assessments are anonymous)
}

type starAssessRecord struct {
	Year         int
	Member, Kind string
	Rater        string
	Values       map[string]int
}

// RecordAssessment stores an assessment of a member's stars for year.
// cells as in star import. A self assessment replaces the member's earlier
// one (raterCode must be empty or the member); a peer assessment needs a
// rater of the same branch other than the member and replaces that rater's
// earlier one; a mass assessment has no rater and adds to the others.
// Refusals name the columns kind, rater_code and the stars.
func (s *Store) RecordAssessment(ctx context.Context, year int, memberCode, kind, raterCode string, cells map[pingyi.Star]string, a store.Actor) (*Assessment, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	var out *Assessment
	err := s.Tx(ctx, func(q store.Q) error {
		var err error
		out, err = recordStarAssessmentQ(ctx, q, year, memberCode, kind, raterCode, cells, a, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteAssessment removes one assessment.
func (s *Store) DeleteAssessment(ctx context.Context, id int64, a store.Actor) error {
	return s.Tx(ctx, func(q store.Q) error {
		list, err := s.starAssessments(ctx, q, `sa.id = ?`, []any{id})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return fmt.Errorf("assessment %d: %w", id, pingyi.ErrNotFound)
		}
		o := list[0]
		if _, err := q.Exec(ctx, `DELETE FROM star_assessments WHERE id = ?`, id); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "delete", "star_assessment", strconv.FormatInt(id, 10), auditedAssessment(starAssessRecord{o.Year, o.MemberCode, o.Kind, o.RaterCode, o.Values.record()}), nil)
	})
}

func (s *Store) starAssessments(ctx context.Context, q store.Q, where string, args []any) ([]Assessment, error) {
	rs, err := q.Query(ctx, `SELECT sa.id, sa.year, m.code, m.name, o.code, o.path, m.category, sa.kind, COALESCE(rm.code, ''),
		sa.ideology, sa.compliance, sa.civilization, sa.joint_service, sa.post_duty, sa.day
		FROM star_assessments sa JOIN members m ON m.id = sa.member_id JOIN orgs o ON o.id = m.org_id
		LEFT JOIN members rm ON rm.id = sa.rater_member_id
		WHERE `+where+` ORDER BY m.code, sa.kind DESC, sa.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []Assessment
	for rs.Next() {
		var sa Assessment
		var v starScan
		dst := append([]any{&sa.ID, &sa.Year, &sa.MemberCode, &sa.MemberName, &sa.OrgCode, &sa.OrgPath, &sa.Category, &sa.Kind, &sa.RaterCode}, v.dst()...)
		if err := rs.Scan(append(dst, &sa.Day)...); err != nil {
			return nil, err
		}
		sa.Values = v.values()
		out = append(out, sa)
	}
	return out, rs.Err()
}

// Assessments lists a member's assessments of a year: self first, then
// peer, then mass.
func (s *Store) Assessments(ctx context.Context, year int, memberCode string) ([]Assessment, error) {
	return s.starAssessments(ctx, s.R(), `sa.year = ? AND m.code = ?`, []any{year, memberCode})
}

// Suggestion is what the three assessments suggest to the branch
// committee for one member: per star, the self value, the means of the
// peers and of the masses, and rules.Suggest of them with the year's
// weights. Complete is true when every star of the category has a
// suggestion (then Total is the suggested total).
type Suggestion struct {
	Year       int
	MemberCode string
	MemberName string
	OrgCode    string
	OrgPath    string
	Category   pingyi.Category
	Cap        int
	Self       Values // nil without a self assessment
	Peer       map[pingyi.Star]*big.Rat
	Mass       map[pingyi.Star]*big.Rat
	PeerCount  int
	MassCount  int
	Suggested  Values
	Total      int
	Complete   bool
}

// Suggestions computes the suggestion of every member in scope who has
// an assessment of year, by member code.
func (s *Store) Suggestions(ctx context.Context, scope pingyi.Scope, year int) ([]Suggestion, error) {
	r, err := s.Rules(ctx, year)
	if err != nil {
		return nil, err
	}
	where, args := s.memberScope(scope, `sa.year = ?`, []any{year})
	list, err := s.starAssessments(ctx, s.R(), where, args)
	if err != nil {
		return nil, err
	}
	var out []Suggestion
	var cur *Suggestion
	var peers, mass map[pingyi.Star][]int
	flush := func() {
		if cur == nil {
			return
		}
		finishSuggestion(r, cur, peers, mass)
		out = append(out, *cur)
	}
	for _, sa := range list {
		if cur == nil || cur.MemberCode != sa.MemberCode {
			flush()
			cur = &Suggestion{Year: year, MemberCode: sa.MemberCode, MemberName: sa.MemberName, OrgCode: sa.OrgCode, OrgPath: sa.OrgPath,
				Category: sa.Category, Cap: r.Cap(sa.Category)}
			peers, mass = map[pingyi.Star][]int{}, map[pingyi.Star][]int{}
		}
		switch sa.Kind {
		case AssessSelf:
			cur.Self = sa.Values
		case AssessPeer:
			cur.PeerCount++
			for k, v := range sa.Values {
				peers[k] = append(peers[k], v)
			}
		case AssessMass:
			cur.MassCount++
			for k, v := range sa.Values {
				mass[k] = append(mass[k], v)
			}
		}
	}
	flush()
	return out, nil
}

// SuggestionFor is the suggestion for one member (pingyi.ErrNotFound
// without any assessment).
func (s *Store) SuggestionFor(ctx context.Context, year int, memberCode string) (*Suggestion, error) {
	m, err := starMemberQ(ctx, s.R(), memberCode)
	if err != nil {
		return nil, err
	}
	all, err := s.Suggestions(ctx, pingyi.Scope{Path: m.orgPath, MemberID: m.id}, year)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("assessments %d of %q: %w", year, memberCode, pingyi.ErrNotFound)
	}
	return &all[0], nil
}

func finishSuggestion(r rules.StarRules, sg *Suggestion, peers, mass map[pingyi.Star][]int) {
	sg.Peer, sg.Mass, sg.Suggested = map[pingyi.Star]*big.Rat{}, map[pingyi.Star]*big.Rat{}, Values{}
	sg.Complete = true
	for _, st := range r.StarsFor(sg.Category) {
		var self *big.Rat
		if v, ok := sg.Self[st]; ok {
			self = big.NewRat(int64(v), 1)
		}
		if m, ok := rules.MeanStars(peers[st]); ok {
			sg.Peer[st] = m
		}
		if m, ok := rules.MeanStars(mass[st]); ok {
			sg.Mass[st] = m
		}
		if v, ok := rules.Suggest(self, sg.Peer[st], sg.Mass[st], r.Weights); ok {
			sg.Suggested[st] = v
		} else {
			sg.Complete = false
		}
	}
	sg.Total = sg.Suggested.Total()
}

// ---------------------------------------------------------------------------
// 后进党员帮扶记录: follow-ups of lagging members.

// FollowUp is one record of help given to a lagging (poor) member.
type FollowUp struct {
	ID         int64
	Year       int
	MemberCode string
	MemberName string
	OrgCode    string
	OrgPath    string
	HelperCode string // "" in AddFollowUp: the helper paired by star finalize
	HelperName string
	Day        string
	Note       string
	CreatedAt  string
}

// AddFollowUp records help given to f.MemberCode in f.Year. Without a
// helper it takes the helper finalization paired with the member that year.
// It refuses (columns): a helper that does not exist, is the member, or is
// missing with none paired; a bad day; an empty note.
func (s *Store) AddFollowUp(ctx context.Context, f *FollowUp, a store.Actor) error {
	if err := checkYear(f.Year); err != nil {
		return err
	}
	f.HelperCode, f.Day, f.Note = strings.TrimSpace(f.HelperCode), strings.TrimSpace(f.Day), strings.TrimSpace(f.Note)
	return s.Tx(ctx, func(q store.Q) error {
		m, err := starMemberQ(ctx, q, f.MemberCode)
		if err != nil {
			return err
		}
		bad := &pingyi.InputError{}
		var helper *starMember
		if f.HelperCode == "" {
			var id sql.NullInt64
			err := q.QueryRow(ctx, `SELECT helper_member_id FROM star_results WHERE year = ? AND member_id = ?`, f.Year, m.id).Scan(&id)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if id.Valid {
				var code string
				if err := q.QueryRow(ctx, `SELECT code FROM members WHERE id = ?`, id.Int64).Scan(&code); err != nil {
					return err
				}
				if helper, err = starMemberQ(ctx, q, code); err != nil {
					return err
				}
			} else {
				bad.Add(0, "helper_code", "required: %s has no helper paired in %d", m.code, f.Year)
			}
		} else if f.HelperCode == m.code {
			bad.Add(0, "helper_code", "a member does not help themselves")
		} else if helper, err = starMemberQ(ctx, q, f.HelperCode); errors.Is(err, pingyi.ErrNotFound) {
			bad.Add(0, "helper_code", "member %q does not exist", f.HelperCode)
		} else if err != nil {
			return err
		}
		checkDay(bad, "day", f.Day, true)
		checkText(bad, "note", f.Note, true, 4000)
		if err := bad.Err(); err != nil {
			return err
		}
		f.ID, f.MemberCode, f.MemberName, f.OrgCode, f.OrgPath = store.NewID(), m.code, m.name, m.orgCode, m.orgPath
		f.HelperCode, f.HelperName, f.CreatedAt = helper.code, helper.name, store.Now()
		if _, err := q.Exec(ctx, `INSERT INTO star_followups (id, year, member_id, helper_member_id, day, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			f.ID, f.Year, m.id, helper.id, f.Day, f.Note, f.CreatedAt); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "create", "star_followup", strconv.FormatInt(f.ID, 10), nil,
			map[string]any{"Year": f.Year, "Member": f.MemberCode, "Helper": f.HelperCode, "Day": f.Day, "Note": f.Note})
	})
}

// FollowUps lists follow-ups of a year in scope (of one member if
// memberCode is not ""), newest day first.
func (s *Store) FollowUps(ctx context.Context, scope pingyi.Scope, year int, memberCode string) ([]FollowUp, error) {
	where, args := s.memberScope(scope, `f.year = ?`, []any{year})
	if memberCode != "" {
		where += ` AND m.code = ?`
		args = append(args, memberCode)
	}
	return queryList(ctx, s.R(), func(sc interface{ Scan(...any) error }) (*FollowUp, error) {
		var f FollowUp
		return &f, sc.Scan(&f.ID, &f.Year, &f.MemberCode, &f.MemberName, &f.OrgCode, &f.OrgPath, &f.HelperCode, &f.HelperName, &f.Day, &f.Note, &f.CreatedAt)
	}, `SELECT f.id, f.year, m.code, m.name, o.code, o.path, COALESCE(h.code, ''), COALESCE(h.name, ''), f.day, f.note, f.created_at
		FROM star_followups f JOIN members m ON m.id = f.member_id JOIN orgs o ON o.id = m.org_id
		LEFT JOIN members h ON h.id = f.helper_member_id
		WHERE `+where+` ORDER BY f.day DESC, f.id DESC`, args...)
}

// ---------------------------------------------------------------------------
// Door-plate comments of the public.

// Comment statuses.
const (
	CommentPending  = "pending"
	CommentApproved = "approved"
	CommentRejected = "rejected"
)

// MaxCommentRunes is the longest comment accepted.
const MaxCommentRunes = 500

// PublicActor is the audit actor of changes made by the public.
var PublicActor = store.Actor{Username: "public"}

// Comment is a comment of the public on a member's door-plate page.
// It is kept with its day only and no trace of who wrote it.
type Comment struct {
	ID         int64
	MemberCode string
	MemberName string
	OrgCode    string
	OrgPath    string
	Text       string
	Status     string
	CreatedDay string
	ReviewedAt string
}

// AddComment stores a comment from the public on a member's page,
// pending review. It refuses an empty text or one over MaxCommentRunes
// (column text).
func (s *Store) AddComment(ctx context.Context, memberCode, text string) (*Comment, error) {
	text = strings.TrimSpace(text)
	bad := &pingyi.InputError{}
	checkText(bad, "text", text, true, MaxCommentRunes)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var c *Comment
	err := s.Tx(ctx, func(q store.Q) error {
		m, err := starMemberQ(ctx, q, memberCode)
		if err != nil {
			return err
		}
		c = &Comment{ID: store.RandomID(), MemberCode: m.code, MemberName: m.name, OrgCode: m.orgCode, OrgPath: m.orgPath,
			Text: text, Status: CommentPending, CreatedDay: store.Today()}
		if _, err := q.Exec(ctx, `INSERT INTO star_comments (id, member_id, text, status, created_day) VALUES (?, ?, ?, ?, ?)`,
			c.ID, m.id, c.Text, c.Status, c.CreatedDay); err != nil {
			return err
		}
		return store.Audit(ctx, q, PublicActor, "create", "star_comment", strconv.FormatInt(c.ID, 10), nil, map[string]any{"Member": m.code, "Status": c.Status})
	})
	return c, err
}

// ReviewComment approves or rejects a comment (or puts it back to
// pending).
func (s *Store) ReviewComment(ctx context.Context, id int64, status string, a store.Actor) error {
	if status != CommentPending && status != CommentApproved && status != CommentRejected {
		bad := &pingyi.InputError{}
		bad.Add(0, "status", "unknown status %q (pending, approved, rejected)", status)
		return bad
	}
	return s.Tx(ctx, func(q store.Q) error {
		old, err := starCommentQ(ctx, q, id)
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE star_comments SET status = ?, reviewed_at = ? WHERE id = ?`, status, store.Now(), id); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "review", "star_comment", strconv.FormatInt(id, 10), map[string]any{"Status": old.Status}, map[string]any{"Status": status})
	})
}

const starCommentSelect = `SELECT c.id, m.code, m.name, o.code, o.path, c.text, c.status, c.created_day, c.reviewed_at
	FROM star_comments c JOIN members m ON m.id = c.member_id JOIN orgs o ON o.id = m.org_id`

func starComments(ctx context.Context, q store.Q, where string, args []any) ([]Comment, error) {
	return queryList(ctx, q, func(sc interface{ Scan(...any) error }) (*Comment, error) {
		var c Comment
		return &c, sc.Scan(&c.ID, &c.MemberCode, &c.MemberName, &c.OrgCode, &c.OrgPath, &c.Text, &c.Status, &c.CreatedDay, &c.ReviewedAt)
	}, starCommentSelect+` WHERE `+where+` ORDER BY c.created_day DESC, c.id`, args...)
}

func starCommentQ(ctx context.Context, q store.Q, id int64) (*Comment, error) {
	list, err := starComments(ctx, q, `c.id = ?`, []any{id})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("comment %d: %w", id, pingyi.ErrNotFound)
	}
	return &list[0], nil
}

// Comment returns one comment.
func (s *Store) Comment(ctx context.Context, id int64) (*Comment, error) {
	return starCommentQ(ctx, s.R(), id)
}

// Comments lists the comments on members in scope with a status (""
// for any), newest first: the review queue.
func (s *Store) Comments(ctx context.Context, scope pingyi.Scope, status string) ([]Comment, error) {
	where, args := s.memberScope(scope, `1 = 1`, nil)
	if status != "" {
		where += ` AND c.status = ?`
		args = append(args, status)
	}
	return starComments(ctx, s.R(), where, args)
}

// ApprovedComments lists the approved comments on a member's page,
// newest first (what the public sees).
func (s *Store) ApprovedComments(ctx context.Context, memberCode string) ([]Comment, error) {
	return starComments(ctx, s.R(), `m.code = ? AND c.status = ?`, []any{memberCode, CommentApproved})
}
