package store

import (
	"context"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/tabular"
)

// MemberColumns are the member file's required columns (SPEC §6);
// MemberOptional the further columns it may have.
var (
	MemberColumns  = []string{"code", "name", "org_code", "category", "is_secretary"}
	MemberOptional = []string{"phone", "gender", "birth_year", "home_unit", "community_code", "id_number"}
)

// MemberRow is one line of a member file, as read. Has lists the optional
// columns the file has (a column the file lacks keeps its stored value on
// re-import).
type MemberRow struct {
	Line                                       int
	Code, Name, OrgCode, Category, IsSecretary string
	Phone, Gender, BirthYear, HomeUnit         string
	CommunityCode, IDNumber                    string
	Has                                        map[string]bool
}

// MemberRows turns a member table (read by tabular, header checked) into
// rows for ImportMembers.
func MemberRows(t *tabular.Table) []MemberRow {
	has := map[string]bool{}
	for _, h := range t.Header {
		has[h] = true
	}
	rows := make([]MemberRow, 0, len(t.Rows))
	for _, r := range t.Rows {
		rows = append(rows, memberRow(r, has))
	}
	return rows
}

type memberState struct {
	pingyi.Member
	orgCode string
	isNew   bool
	line    int
}

// MemberSource yields the rows of a member file in file order, calling fn
// for each, every time it is called: an import reads its file twice (first
// to check every row, then to write), in one transaction, and must be given
// the same rows both times (it refuses otherwise, changing nothing). An
// error from fn must be returned as is.
type MemberSource func(fn func(MemberRow) error) error

// MemberSlice is the MemberSource of rows held in memory.
func MemberSlice(rows []MemberRow) MemberSource {
	return func(fn func(MemberRow) error) error {
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// MemberFile is the MemberSource of a member file read afresh by each for
// every reading, e.g. func(h, fn) error { return tabular.EachFile(path, h,
// fn) }. The header is checked (MemberColumns required, MemberOptional and
// others allowed). A file that cannot be read as a table (tabular's
// refusals) or has a bad header refuses the import with those errors
// alone, as reading the whole file and then checking its header does.
func MemberFile(each func(head func(header []string, line int) error, fn func(tabular.Row) error) error) MemberSource {
	return func(fn func(MemberRow) error) error {
		var headErr error
		var has map[string]bool
		err := each(func(header []string, line int) error {
			headErr = tabular.CheckHeader(header, line, MemberColumns, MemberOptional, true)
			has = map[string]bool{}
			for _, h := range header {
				has[h] = true
			}
			return nil
		}, func(r tabular.Row) error {
			if headErr != nil {
				return nil
			}
			return fn(memberRow(r, has))
		})
		if err != nil {
			return err
		}
		return headErr
	}
}

func memberRow(r tabular.Row, has map[string]bool) MemberRow {
	return MemberRow{Line: r.Line, Code: r.Get("code"), Name: r.Get("name"), OrgCode: r.Get("org_code"),
		Category: r.Get("category"), IsSecretary: r.Get("is_secretary"), Phone: r.Get("phone"), Gender: r.Get("gender"),
		BirthYear: r.Get("birth_year"), HomeUnit: r.Get("home_unit"), CommunityCode: r.Get("community_code"),
		IDNumber: r.Get("id_number"), Has: has}
}

// ImportMembers creates or updates members by code, all or nothing. It
// refuses, naming every bad line and column: an empty code or name, an org
// that does not exist, an unknown category, a bad is_secretary, gender,
// birth year, phone or ID number (GB 11643 check digit), a duplicate code
// in the file, and two secretaries for one org (counting the members
// already stored that the file leaves alone).
func (s *Store) ImportMembers(ctx context.Context, rows []MemberRow, a Actor) (ImportStats, error) {
	return s.ImportMembersFrom(ctx, "", MemberSlice(rows), a)
}

// memberFacts is what checking a member row gives besides its errors.
type memberFacts struct {
	orgID                   int64
	secretary               bool
	phone, idNumber, gender string
	birthYear               int
}

// checkMember checks the cells of r but its code, adding each problem to bad.
func checkMember(bad *pingyi.InputError, r *MemberRow, orgIDs map[string]int64) memberFacts {
	var f memberFacts
	if r.Name == "" {
		bad.Add(r.Line, "name", "empty name")
	}
	CheckCellText(bad, r.Line, "code", r.Code)
	CheckCellText(bad, r.Line, "name", r.Name)
	CheckCellText(bad, r.Line, "home_unit", r.HomeUnit)
	CheckCellText(bad, r.Line, "community_code", r.CommunityCode)
	checkMemberLimits(bad, r)
	orgID, orgOK := orgIDs[r.OrgCode]
	if r.OrgCode == "" {
		bad.Add(r.Line, "org_code", "empty org code")
	} else if !orgOK {
		bad.Add(r.Line, "org_code", "org %q does not exist", r.OrgCode)
	}
	f.orgID = orgID
	if !pingyi.ValidCategory(r.Category) {
		bad.Add(r.Line, "category", "unknown category %q (cadre, farming, elderly, migrant, in_service)", r.Category)
	}
	sec, err := tabular.ParseBool(r.IsSecretary)
	if err != nil {
		bad.Add(r.Line, "is_secretary", "not true or false: %q", r.IsSecretary)
	}
	f.secretary = sec
	if r.Has["phone"] {
		if r.Phone != "" && !tabular.ValidPhone(r.Phone) {
			bad.Add(r.Line, "phone", "not a valid phone number: %q", r.Phone)
		}
		f.phone = tabular.NormalizePhone(r.Phone)
	}
	if r.Has["id_number"] {
		id := strings.ToUpper(r.IDNumber)
		if id != "" && !tabular.ValidIDNumber(id) {
			bad.Add(r.Line, "id_number", "not a valid ID number (GB 11643 check digit or birth date): %q", r.IDNumber)
		}
		f.idNumber = id
	}
	if r.Has["gender"] {
		g, gok := parseGender(r.Gender)
		if !gok {
			bad.Add(r.Line, "gender", "unknown gender %q (male, female, 男, 女)", r.Gender)
		}
		f.gender = g
	}
	if r.Has["birth_year"] && r.BirthYear != "" {
		y, err := strconv.Atoi(r.BirthYear)
		if err != nil || y < 1900 || y > 2100 {
			bad.Add(r.Line, "birth_year", "not a year: %q", r.BirthYear)
		}
		f.birthYear = y
	}
	return f
}

// applyMember lays row r (checked: f) over the stored member old (nil: a
// new member); a column the file lacks keeps the stored value.
func applyMember(old *memberState, r *MemberRow, f memberFacts) memberState {
	var m memberState
	if old != nil {
		m = *old
	} else {
		m.isNew = true
		m.ID = NewID()
		m.Code = r.Code
	}
	m.line = r.Line
	m.Name, m.OrgID, m.orgCode, m.Category, m.IsSecretary = r.Name, f.orgID, r.OrgCode, pingyi.Category(r.Category), f.secretary
	if r.Has["phone"] {
		m.Phone = f.phone
	}
	if r.Has["id_number"] {
		m.IDNumber = f.idNumber
	}
	if r.Has["gender"] {
		m.Gender = f.gender
	}
	if r.Has["birth_year"] {
		m.BirthYear = f.birthYear
	}
	if r.Has["home_unit"] {
		m.HomeUnit = r.HomeUnit
	}
	if r.Has["community_code"] {
		m.CommunityCode = r.CommunityCode
	}
	return m
}

func fingerprintMember(fp *fileFingerprint, r *MemberRow) {
	fp.add(r.Line, r.Code, r.Name, r.OrgCode, r.Category, r.IsSecretary, r.Phone, r.Gender, r.BirthYear,
		r.HomeUnit, r.CommunityCode, r.IDNumber)
}

// importCacheMB is the SQLite page cache of an import's connection.
const importCacheMB = 32

// importAuditCodes is how many codes of created and of updated rows the
// audit entry of an import lists.
const importAuditCodes = 100

// importSummary is the audit entry of an import: what it did, and the
// first importAuditCodes codes created and updated.
type importSummary struct {
	File         string   `json:"file,omitempty"`
	Rows         int      `json:"rows"`
	CreatedN     int      `json:"created"`
	UpdatedN     int      `json:"updated"`
	UnchangedN   int      `json:"unchanged"`
	Moved        int      `json:"descendants_moved,omitempty"`
	CreatedCodes []string `json:"created_codes,omitempty"`
	UpdatedCodes []string `json:"updated_codes,omitempty"`
}

func (s *importSummary) created(code string) {
	s.CreatedN++
	if len(s.CreatedCodes) < importAuditCodes {
		s.CreatedCodes = append(s.CreatedCodes, code)
	}
}

func (s *importSummary) updated(code string) {
	s.UpdatedN++
	if len(s.UpdatedCodes) < importAuditCodes {
		s.UpdatedCodes = append(s.UpdatedCodes, code)
	}
}

// importMemberCols are the columns an import writes, in the order of memberValues.
var importMemberCols = []string{"name", "org_id", "category", "is_secretary", "phone", "id_number", "gender", "birth_year", "home_unit", "community_code", "updated_at"}
var importMemberTypes = []string{"TEXT", "BIGINT", "TEXT", "INTEGER", "TEXT", "TEXT", "TEXT", "INTEGER", "TEXT", "TEXT", "TEXT"}

func memberValues(m *memberState, now string) []any {
	return []any{m.Name, m.OrgID, string(m.Category), BoolInt(m.IsSecretary), m.Phone, m.IDNumber, m.Gender, m.BirthYear, m.HomeUnit, m.CommunityCode, now}
}

// ImportMembersFrom is ImportMembers reading the rows from src, in two
// passes within one transaction, in memory that does not grow with the
// members stored and grows with the file only by its codes: the first
// checks every row (keeping each code and its line, and the secretaries),
// the second writes importChunk rows at a time (reading the stored members
// of the chunk, inserting the new ones with multi-row statements, updating
// the changed ones). The audit log gets one entry for the whole import
// (entity "member", action "import", the file name): the counts and the
// first codes created and updated; none when nothing changed. file names
// the file for it.
func (s *Store) ImportMembersFrom(ctx context.Context, file string, src MemberSource, a Actor) (ImportStats, error) {
	defer s.invalidateOrgs()
	var stats ImportStats
	err := s.Tx(ctx, func(q Q) error {
		stats = ImportStats{}
		defer sqliteImportPragmas(ctx, q, importCacheMB)()
		stmts := newImportStmts(q)
		defer stmts.close()
		orgIDs := map[string]int64{}
		rs, err := q.Query(ctx, `SELECT id, code FROM orgs`)
		if err != nil {
			return err
		}
		for rs.Next() {
			var id int64
			var code string
			if err := rs.Scan(&id, &code); err != nil {
				rs.Close()
				return err
			}
			orgIDs[code] = id
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}

		// The first pass: every row checked, codes and secretaries kept.
		bad := &pingyi.InputError{}
		codes := newCodeSet()
		type fileSecretary struct {
			code  int32 // in codes
			org   int64
			line  int32
			orgAt int32 // index of the org code in orgCodes
		}
		var secs []fileSecretary
		var secOrgCodes []string
		fp1 := newFingerprint(codes.seed)
		n := 0
		err = src(func(r MemberRow) error {
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			fingerprintMember(fp1, &r)
			ok := true
			idx := int32(-1)
			if r.Code == "" {
				bad.Add(r.Line, "code", "empty code")
				ok = false
			} else if first, dup := codes.find(r.Code); dup {
				bad.Add(r.Line, "code", "duplicate code %q (first on line %d)", r.Code, codes.line(first))
				ok = false
			} else {
				idx = codes.add(r.Code, r.Line)
			}
			f := checkMember(bad, &r, orgIDs)
			if ok && f.secretary && f.orgID != 0 {
				secs = append(secs, fileSecretary{code: idx, org: f.orgID, line: int32(r.Line), orgAt: int32(len(secOrgCodes))})
				secOrgCodes = append(secOrgCodes, r.OrgCode)
			}
			return nil
		})
		if err != nil {
			return err
		}

		// Two secretaries for one org: the file's over the stored ones
		// that the file leaves alone.
		type secretary struct {
			code string
			line int // 0: already stored
		}
		byOrg := map[int64][]secretary{}
		for _, sc := range secs {
			byOrg[sc.org] = append(byOrg[sc.org], secretary{codes.code(sc.code), int(sc.line)})
		}
		if len(secs) > 0 {
			rs, err := q.Query(ctx, `SELECT code, org_id FROM members WHERE is_secretary <> 0`)
			if err != nil {
				return err
			}
			for rs.Next() {
				var code string
				var org int64
				if err := rs.Scan(&code, &org); err != nil {
					rs.Close()
					return err
				}
				if _, inFile := codes.find(code); !inFile && byOrg[org] != nil {
					byOrg[org] = append(byOrg[org], secretary{code, 0})
				}
			}
			rs.Close()
			if err := rs.Err(); err != nil {
				return err
			}
		}
		for _, sc := range secs {
			code := codes.code(sc.code)
			for _, o := range byOrg[sc.org] {
				if o.code == code {
					continue
				}
				if o.line != 0 {
					bad.Add(int(sc.line), "is_secretary", "org %q would have two secretaries: %s and %s (line %d)", secOrgCodes[sc.orgAt], code, o.code, o.line)
				} else {
					bad.Add(int(sc.line), "is_secretary", "org %q would have two secretaries: %s and %s (already stored)", secOrgCodes[sc.orgAt], code, o.code)
				}
				break
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		byOrg, secs, secOrgCodes = nil, nil, nil

		// The second pass: write chunk by chunk.
		var stored int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM members LIMIT 1) x`).Scan(&stored); err != nil {
			return err
		}
		sum := importSummary{File: file, Rows: codes.len()}
		w := memberWriter{ctx: ctx, q: q, stmts: stmts, now: Now(), orgIDs: orgIDs, lookup: stored > 0, sum: &sum}
		fp2 := newFingerprint(codes.seed)
		codes = nil
		n = 0
		err = src(func(r MemberRow) error {
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			fingerprintMember(fp2, &r)
			w.rows = append(w.rows, r)
			if len(w.rows) == importChunk {
				return w.flush()
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := w.flush(); err != nil {
			return err
		}
		if !fp1.same(fp2) {
			return errFileChanged
		}
		stats = ImportStats{Created: sum.CreatedN, Updated: sum.UpdatedN, Unchanged: sum.UnchangedN}
		if sum.CreatedN+sum.UpdatedN == 0 {
			return nil // an import that changes nothing leaves no trace
		}
		return Audit(ctx, q, a, "import", "member", file, nil, sum)
	})
	return stats, err
}

// memberWriter writes the checked rows of a member file, a chunk at a time.
type memberWriter struct {
	ctx    context.Context
	q      Q
	stmts  *importStmts
	now    string
	orgIDs map[string]int64
	lookup bool // whether members may already be stored
	sum    *importSummary
	rows   []MemberRow
}

var importMemberInsertCols = append([]string{"id", "code"}, importMemberCols...)

func (w *memberWriter) flush() error {
	if len(w.rows) == 0 {
		return nil
	}
	ctx, q := w.ctx, w.q
	existing := map[string]*memberState{}
	if w.lookup {
		args := make([]any, len(w.rows))
		for i := range w.rows {
			args[i] = w.rows[i].Code
		}
		rs, err := w.stmts.query(ctx, `SELECT id, code, name, org_id, category, is_secretary, phone, id_number, gender, birth_year, home_unit, community_code
			FROM members WHERE code IN (`+Placeholders(len(args))+`)`, args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			m := &memberState{}
			var sec int
			if err := rs.Scan(&m.ID, &m.Code, &m.Name, &m.OrgID, &m.Category, &sec, &m.Phone, &m.IDNumber, &m.Gender, &m.BirthYear, &m.HomeUnit, &m.CommunityCode); err != nil {
				rs.Close()
				return err
			}
			m.IsSecretary = sec != 0
			existing[m.Code] = m
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
	}
	var inserts, updates [][]any
	bad := &pingyi.InputError{}
	for i := range w.rows {
		r := &w.rows[i]
		f := checkMember(bad, r, w.orgIDs)
		if r.Code == "" || bad.Err() != nil {
			return errFileChanged
		}
		old := existing[r.Code]
		m := applyMember(old, r, f)
		switch {
		case old == nil:
			inserts = append(inserts, append([]any{m.ID, m.Code}, memberValues(&m, w.now)...))
			w.sum.created(m.Code)
		case sameMember(old, &m):
			w.sum.UnchangedN++
		default:
			updates = append(updates, append(memberValues(&m, w.now), m.ID))
			w.sum.updated(m.Code)
		}
	}
	w.rows = w.rows[:0]
	if err := w.stmts.insert(ctx, "members", importMemberInsertCols, inserts); err != nil {
		return err
	}
	return updateRows(ctx, q, "members", importMemberCols, importMemberTypes, updates)
}

// memberAudit is what the audit log keeps of a member; personal data is
// recorded masked.
type memberRecord struct {
	Code, Name, Org, Category string
	Secretary                 bool
	Phone, IDNumber, Gender   string
	BirthYear                 int
	HomeUnit, Community       string
}

func memberAudit(m *memberState) memberRecord {
	return memberRecord{m.Code, m.Name, m.orgCode, string(m.Category), m.IsSecretary,
		tabular.MaskPhone(m.Phone), tabular.MaskIDNumber(m.IDNumber), m.Gender, m.BirthYear, m.HomeUnit, m.CommunityCode}
}

func sameMember(a, b *memberState) bool {
	return a.Name == b.Name && a.OrgID == b.OrgID && a.Category == b.Category && a.IsSecretary == b.IsSecretary &&
		a.Phone == b.Phone && a.IDNumber == b.IDNumber && a.Gender == b.Gender && a.BirthYear == b.BirthYear &&
		a.HomeUnit == b.HomeUnit && a.CommunityCode == b.CommunityCode
}

func parseGender(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "":
		return "", true
	case "male", "m", "男":
		return "male", true
	case "female", "f", "女":
		return "female", true
	}
	return "", false
}
