package pingyi

// Role is what an account may do; every role but the system admin is
// scoped to an org subtree.
type Role string

const (
	RoleAdmin     Role = "admin"     // system admin: everything
	RoleOrgAdmin  Role = "org_admin" // an org and its whole subtree
	RoleSecretary Role = "secretary" // branch secretary: their branch
	RoleMember    Role = "member"    // self-service
	RoleInspector Role = "inspector" // 督查员: read-only over a subtree
)

// Roles lists the roles in display order.
var Roles = []Role{RoleAdmin, RoleOrgAdmin, RoleSecretary, RoleMember, RoleInspector}

// ValidRole reports whether r is one of Roles.
func ValidRole(r string) bool {
	for _, v := range Roles {
		if string(v) == r {
			return true
		}
	}
	return false
}

// User is an account.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	PasswordHash string
	Role         Role
	OrgID        int64 // scope root; 0 for the system admin
	OrgPath      string
	OrgName      string
	MemberID     int64 // for members and secretaries: the member they are
	Locale       string
	Disabled     bool
	CreatedAt    string
}

// Scope is the org subtree an account may see. An empty Path means
// everything (the system admin).
type Scope struct {
	Path     string
	ReadOnly bool
	MemberID int64 // set for RoleMember: self-service only
}

// All reports whether the scope is the whole tree.
func (s Scope) All() bool { return s.Path == "" }

// Contains reports whether an org with the given materialized path lies in
// the scope.
func (s Scope) Contains(orgPath string) bool {
	if s.Path == "" {
		return true
	}
	return len(orgPath) >= len(s.Path) && orgPath[:len(s.Path)] == s.Path
}

// Manages reports whether the scope may see personal data and change
// records of an org with the given path (read-only scopes never manage).
func (s Scope) Manages(orgPath string) bool {
	return !s.ReadOnly && s.MemberID == 0 && s.Contains(orgPath)
}

// AuditEntry is one line of the audit log: who changed what, when, and the
// record before and after (JSON).
type AuditEntry struct {
	ID       int64
	At       string
	UserID   int64
	Username string
	Action   string
	Entity   string
	EntityID string
	Before   string
	After    string
}
