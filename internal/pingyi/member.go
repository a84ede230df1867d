package pingyi

// Category is a member's category (seed 003's four, plus in-service).
type Category string

const (
	CategoryCadre     Category = "cadre"      // 村两委成员及其他村干部
	CategoryFarming   Category = "farming"    // 在村务农及无职党员
	CategoryElderly   Category = "elderly"    // 年老体弱无劳动能力党员
	CategoryMigrant   Category = "migrant"    // 外出务工流动党员
	CategoryInService Category = "in_service" // 在职党员
)

// Categories lists the valid member categories in display order.
var Categories = []Category{CategoryCadre, CategoryFarming, CategoryElderly, CategoryMigrant, CategoryInService}

// ValidCategory reports whether c is one of Categories.
func ValidCategory(c string) bool {
	for _, v := range Categories {
		if string(v) == c {
			return true
		}
	}
	return false
}

// Member is a Party member, belonging to one org (their branch).
type Member struct {
	ID            int64
	Code          string
	Name          string
	OrgID         int64
	OrgCode       string
	OrgName       string
	Category      Category
	IsSecretary   bool
	Phone         string // personal data: masked unless the viewer manages the member
	IDNumber      string // personal data (居民身份证号码)
	Gender        string // "male", "female" or ""
	BirthYear     int    // 0 when unknown
	HomeUnit      string // in-service members: their work unit
	CommunityCode string // in-service members: the community they report to (双报到)
}
