package store

import (
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/tabular"
)

// The code alphabet and the text caps of imports (tabular/limits.go).

func checkOrgLimits(bad *pingyi.InputError, r OrgRow) {
	tabular.CheckCode(bad, r.Line, "code", r.Code)
	tabular.CheckLen(bad, r.Line, "name", r.Name, tabular.MaxNameLen)
	tabular.CheckLen(bad, r.Line, "parent_code", r.ParentCode, tabular.MaxCodeLen)
}

func checkMemberLimits(bad *pingyi.InputError, r *MemberRow) {
	tabular.CheckCode(bad, r.Line, "code", r.Code)
	tabular.CheckLen(bad, r.Line, "name", r.Name, tabular.MaxNameLen)
	tabular.CheckLen(bad, r.Line, "home_unit", r.HomeUnit, tabular.MaxShortLen)
	tabular.CheckLen(bad, r.Line, "community_code", r.CommunityCode, tabular.MaxCodeLen)
	tabular.CheckLen(bad, r.Line, "org_code", r.OrgCode, tabular.MaxCodeLen)
}
