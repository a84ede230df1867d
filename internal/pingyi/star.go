package pingyi

// Star is one of the five stars of seed 003 (党员星级管理).
type Star string

const (
	StarIdeology     Star = "ideology"      // 思想政治星
	StarCompliance   Star = "compliance"    // 遵规守纪星 (dues paid on time included)
	StarCivilization Star = "civilization"  // 文明创建星
	StarJointService Star = "joint_service" // 联户服务星 ("1+2")
	StarPostDuty     Star = "post_duty"     // 岗位奉献星
)

// Stars lists the five stars in file order.
var Stars = []Star{StarIdeology, StarCompliance, StarCivilization, StarJointService, StarPostDuty}

// StarLevel is a member's level for a year.
type StarLevel string

const (
	LevelExcellent StarLevel = "excellent"
	LevelGood      StarLevel = "good"
	LevelPoor      StarLevel = "poor"
)
