package pingyi

// Kind is the kind of an appraisal campaign (评议活动).
type Kind string

const (
	KindMass       Kind = "mass"       // 群众评议
	KindRegular    Kind = "regular"    // 平时民意调查
	KindYearEnd    Kind = "year_end"   // 年终调查
	KindCommitment Kind = "commitment" // 承诺评议
	KindTypical    Kind = "typical"    // 先进典型测评
	KindInstant    Kind = "instant"    // 窗口即时评议
)

// Kinds lists the campaign kinds in display order.
var Kinds = []Kind{KindMass, KindRegular, KindYearEnd, KindCommitment, KindTypical, KindInstant}

// ValidKind reports whether k is one of Kinds.
func ValidKind(k string) bool {
	for _, v := range Kinds {
		if string(v) == k {
			return true
		}
	}
	return false
}

// TargetType is what a campaign appraises.
type TargetType string

const (
	TargetOrg       TargetType = "org"
	TargetSecretary TargetType = "secretary"
	TargetMember    TargetType = "member"
)

// TargetTypes lists target types in their sort order (results are sorted by
// target_type then target_code, as strings).
var TargetTypes = []TargetType{TargetMember, TargetOrg, TargetSecretary}

// ValidTargetType reports whether t is a target type.
func ValidTargetType(t string) bool {
	return t == string(TargetOrg) || t == string(TargetSecretary) || t == string(TargetMember)
}

// Rating is one evaluator's verdict on one target.
type Rating string

const (
	Satisfied          Rating = "satisfied"           // 满意 100
	FairlySatisfied    Rating = "fairly_satisfied"    // 比较满意 80 (4-level scale only)
	BasicallySatisfied Rating = "basically_satisfied" // 基本满意 60
	Dissatisfied       Rating = "dissatisfied"        // 不满意 0
	Abstain            Rating = "abstain"             // 弃权: counted, never valid
)

// RatingZH maps the Chinese words accepted in files to ratings.
var RatingZH = map[string]Rating{
	"满意":   Satisfied,
	"比较满意": FairlySatisfied,
	"基本满意": BasicallySatisfied,
	"不满意":  Dissatisfied,
	"弃权":   Abstain,
}

// ParseRating accepts a rating in English or Chinese.
func ParseRating(s string) (Rating, bool) {
	switch Rating(s) {
	case Satisfied, FairlySatisfied, BasicallySatisfied, Dissatisfied, Abstain:
		return Rating(s), true
	}
	r, ok := RatingZH[s]
	return r, ok
}

// Scale is a rating scale: 3-level (default) or 4-level.
type Scale int

// Levels lists the ratings a scale accepts, best first (abstain excluded; it
// is accepted on every scale but never valid).
func (s Scale) Levels() []Rating {
	if s == 4 {
		return []Rating{Satisfied, FairlySatisfied, BasicallySatisfied, Dissatisfied}
	}
	return []Rating{Satisfied, BasicallySatisfied, Dissatisfied}
}

// Allows reports whether the scale accepts r (abstain always).
func (s Scale) Allows(r Rating) bool {
	if r == Abstain {
		return true
	}
	for _, l := range s.Levels() {
		if l == r {
			return true
		}
	}
	return false
}

// Weight is the score weight of a rating (abstain has none).
func Weight(r Rating) int {
	switch r {
	case Satisfied:
		return 100
	case FairlySatisfied:
		return 80
	case BasicallySatisfied:
		return 60
	}
	return 0
}

// EvaluatorCategory is who an evaluator is.
type EvaluatorCategory string

const (
	EvalPartyMember       EvaluatorCategory = "party_member"       // 党员
	EvalMassRep           EvaluatorCategory = "mass_rep"           // 群众代表
	EvalTwoReps           EvaluatorCategory = "two_reps"           // 两代表一委员
	EvalNonPartyCadre     EvaluatorCategory = "non_party_cadre"    // 非党干部职工
	EvalNonPartyInvestor  EvaluatorCategory = "non_party_investor" // 非党出资人/负责人
	EvalServiceObject     EvaluatorCategory = "service_object"     // 服务对象
	EvalSubordinateLeader EvaluatorCategory = "subordinate_leader" // 下属单位负责人
	EvalSuperior          EvaluatorCategory = "superior"           // 上级党组织派员
)

// EvaluatorCategories lists evaluator categories in display order.
var EvaluatorCategories = []EvaluatorCategory{EvalPartyMember, EvalMassRep, EvalTwoReps, EvalNonPartyCadre, EvalNonPartyInvestor, EvalServiceObject, EvalSubordinateLeader, EvalSuperior}

// ValidEvaluatorCategory reports whether c is an evaluator category.
func ValidEvaluatorCategory(c string) bool {
	for _, v := range EvaluatorCategories {
		if string(v) == c {
			return true
		}
	}
	return false
}

// IsMasses reports whether c counts as the masses (群众) for the minimum
// mass share (seed 000).
func (c EvaluatorCategory) IsMasses() bool {
	switch c {
	case EvalMassRep, EvalNonPartyCadre, EvalNonPartyInvestor, EvalServiceObject:
		return true
	}
	return false
}

// Campaign is an appraisal campaign (评议活动).
type Campaign struct {
	ID            int64
	Code          string
	Name          string
	Year          int
	Kind          Kind
	ScopeOrgID    int64
	ScopeCode     string
	ScopeName     string
	ScopePath     string
	TargetTypes   []TargetType
	Scale         Scale
	MinMassShare  string // exact decimal as text, e.g. "0.8"; "0" turns R4 off
	Opens         string // RFC 3339, "" = at once
	Closes        string // RFC 3339, "" = no end
	Anonymity     int    // pages hide a target's results below this many ballots (default 3)
	PublicityDays int    // working days of publicity (default 5)
	TestMode      bool   // a rehearsal, to be wiped before the formal round
	Phase         int    // 1..5 (SPEC §2 phases)
	Program       string // 方案
	CreatedAt     string
}

// Target is one thing a campaign appraises: an org, an org's secretary, or
// a member. Unit is the evaluation unit (the org whose meeting rates it).
type Target struct {
	ID       int64
	Type     TargetType
	Code     string // org code for org and secretary, member code for member
	Name     string
	UnitID   int64
	UnitCode string
	Domain   Domain
}
