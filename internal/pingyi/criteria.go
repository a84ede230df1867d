package pingyi

// DefaultCriteria are seed 002's appraisal items per target type; a
// campaign copies them and may edit them, per domain too (分类指导).
var DefaultCriteria = map[TargetType][]string{
	TargetOrg: {
		"开展活动兑现承诺",   // 深入开展创先争优活动，切实兑现公开承诺的情况
		"推动中心工作",     // 推动本单位中心工作和重点任务完成的情况
		"为民办实事好事解难事", // 履行工作职责，为民办实事、做好事、解难事情况
		"管党治党战斗堡垒",   // 履行管党职责，发挥党组织战斗堡垒作用的情况
	},
	TargetSecretary: {
		"组织开展活动",    // 组织开展创先争优活动情况
		"履行第一责任人职责", // 履行抓基层党建"第一责任人"职责情况
		"组织和队伍建设",   // 基层组织建设和党员队伍建设情况
	},
	TargetMember: {
		"参加活动",     // 参加创先争优活动情况
		"立足岗位承诺践诺", // 立足岗位履行职责、承诺践诺情况
		"联系服务群众",   // 联系和服务群众情况
	},
}

// Criterion is one appraisal item of a campaign.
type Criterion struct {
	ID         int64
	TargetType TargetType
	Domain     Domain // "" for every domain
	Position   int
	Text       string
}
