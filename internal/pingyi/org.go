package pingyi

// OrgType is the kind of a Party organization.
type OrgType string

const (
	OrgCommittee     OrgType = "committee"      // 党委/党工委
	OrgGeneralBranch OrgType = "general_branch" // 党总支
	OrgBranch        OrgType = "branch"         // 党支部
)

// OrgTypes lists the valid org types in display order.
var OrgTypes = []OrgType{OrgCommittee, OrgGeneralBranch, OrgBranch}

// Domain is the field an org works in (分类指导).
type Domain string

const (
	DomainRural       Domain = "rural"        // 农村
	DomainEnterprise  Domain = "enterprise"   // 国有集体企业
	DomainAgency      Domain = "agency"       // 机关事业单位
	DomainCommunity   Domain = "community"    // 街道社区
	DomainNewEconomic Domain = "new_economic" // 新经济组织
	DomainNewSocial   Domain = "new_social"   // 新社会组织
)

// Domains lists the valid domains in display order.
var Domains = []Domain{DomainRural, DomainEnterprise, DomainAgency, DomainCommunity, DomainNewEconomic, DomainNewSocial}

// Org is a Party organization in the tree.
type Org struct {
	ID         int64
	Code       string
	Name       string
	Type       OrgType
	Domain     Domain
	ParentID   int64  // 0 for a root
	ParentCode string // filled by queries that join the parent
	WindowUnit bool   // 窗口单位/服务行业 (seed 002)
	Path       string // materialized path of IDs: "/1/7/42/"
	Depth      int

	// Filled by some queries.
	MemberCount   int
	ChildCount    int
	SecretaryName string
	SecretaryCode string
}

// ValidOrgType reports whether t is one of OrgTypes.
func ValidOrgType(t string) bool {
	for _, v := range OrgTypes {
		if string(v) == t {
			return true
		}
	}
	return false
}

// ValidDomain reports whether d is one of Domains.
func ValidDomain(d string) bool {
	for _, v := range Domains {
		if string(v) == d {
			return true
		}
	}
	return false
}
