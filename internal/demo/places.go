package demo

import "strings"

// realDistrict is a county-level district: code letters, short name, suffix
// (市 county-level city, 区 district, 县 county) and 行政区划代码.
type realDistrict struct{ code, short, suffix, area string }

type realCity struct {
	code, short, area string
	districts         []realDistrict
}

// zhejiang lists Zhejiang's cities and their county-level districts. Ningbo
// lists Cixi first so that a City scale with few districts still has it.
var zhejiang = []realCity{
	{"HZ", "杭州", "3301", []realDistrict{
		{"SC", "上城", "区", "330102"}, {"GS", "拱墅", "区", "330105"}, {"XH", "西湖", "区", "330106"},
		{"BJ", "滨江", "区", "330108"}, {"XS", "萧山", "区", "330109"}, {"YH", "余杭", "区", "330110"},
		{"FY", "富阳", "区", "330111"}, {"LA", "临安", "区", "330112"}, {"LP", "临平", "区", "330113"},
		{"QT", "钱塘", "区", "330114"}, {"TL", "桐庐", "县", "330122"}, {"CA", "淳安", "县", "330127"},
		{"JD", "建德", "市", "330182"},
	}},
	{"NB", "宁波", "3302", []realDistrict{
		{"CX", "慈溪", "市", "330282"}, {"HS", "海曙", "区", "330203"}, {"JB", "江北", "区", "330205"},
		{"BL", "北仑", "区", "330206"}, {"ZH", "镇海", "区", "330211"}, {"YZ", "鄞州", "区", "330212"},
		{"FH", "奉化", "区", "330213"}, {"XS", "象山", "县", "330225"}, {"NH", "宁海", "县", "330226"},
		{"YY", "余姚", "市", "330281"},
	}},
	{"WZ", "温州", "3303", []realDistrict{
		{"LC", "鹿城", "区", "330302"}, {"LW", "龙湾", "区", "330303"}, {"OH", "瓯海", "区", "330304"},
		{"DT", "洞头", "区", "330305"}, {"YJ", "永嘉", "县", "330324"}, {"PY", "平阳", "县", "330326"},
		{"CN", "苍南", "县", "330327"}, {"WC", "文成", "县", "330328"}, {"TS", "泰顺", "县", "330329"},
		{"RA", "瑞安", "市", "330381"}, {"YQ", "乐清", "市", "330382"}, {"LG", "龙港", "市", "330383"},
	}},
	{"JX", "嘉兴", "3304", []realDistrict{
		{"NH", "南湖", "区", "330402"}, {"XZ", "秀洲", "区", "330411"}, {"JS", "嘉善", "县", "330421"},
		{"HY", "海盐", "县", "330424"}, {"HN", "海宁", "市", "330481"}, {"PH", "平湖", "市", "330482"},
		{"TX", "桐乡", "市", "330483"},
	}},
	{"HU", "湖州", "3305", []realDistrict{
		{"WX", "吴兴", "区", "330502"}, {"NX", "南浔", "区", "330503"}, {"DQ", "德清", "县", "330521"},
		{"CX", "长兴", "县", "330522"}, {"AJ", "安吉", "县", "330523"},
	}},
	{"SX", "绍兴", "3306", []realDistrict{
		{"YC", "越城", "区", "330602"}, {"KQ", "柯桥", "区", "330603"}, {"SY", "上虞", "区", "330604"},
		{"XC", "新昌", "县", "330624"}, {"ZJ", "诸暨", "市", "330681"}, {"SZ", "嵊州", "市", "330683"},
	}},
	{"JH", "金华", "3307", []realDistrict{
		{"WC", "婺城", "区", "330702"}, {"JD", "金东", "区", "330703"}, {"WY", "武义", "县", "330723"},
		{"PJ", "浦江", "县", "330726"}, {"PA", "磐安", "县", "330727"}, {"LX", "兰溪", "市", "330781"},
		{"YW", "义乌", "市", "330782"}, {"DY", "东阳", "市", "330783"}, {"YK", "永康", "市", "330784"},
	}},
	{"QZ", "衢州", "3308", []realDistrict{
		{"KC", "柯城", "区", "330802"}, {"QJ", "衢江", "区", "330803"}, {"CS", "常山", "县", "330822"},
		{"KH", "开化", "县", "330824"}, {"LY", "龙游", "县", "330825"}, {"JS", "江山", "市", "330881"},
	}},
	{"ZS", "舟山", "3309", []realDistrict{
		{"DH", "定海", "区", "330902"}, {"PT", "普陀", "区", "330903"}, {"DS", "岱山", "县", "330921"},
		{"SS", "嵊泗", "县", "330922"},
	}},
	{"TZ", "台州", "3310", []realDistrict{
		{"JJ", "椒江", "区", "331002"}, {"HY", "黄岩", "区", "331003"}, {"LQ", "路桥", "区", "331004"},
		{"SM", "三门", "县", "331022"}, {"TT", "天台", "县", "331023"}, {"XJ", "仙居", "县", "331024"},
		{"WL", "温岭", "市", "331081"}, {"LH", "临海", "市", "331082"}, {"YH", "玉环", "市", "331083"},
	}},
	{"LS", "丽水", "3311", []realDistrict{
		{"LD", "莲都", "区", "331102"}, {"QT", "青田", "县", "331121"}, {"JY", "缙云", "县", "331122"},
		{"SC", "遂昌", "县", "331123"}, {"SY", "松阳", "县", "331124"}, {"YH", "云和", "县", "331125"},
		{"QY", "庆元", "县", "331126"}, {"JN", "景宁", "县", "331127"}, {"LQ", "龙泉", "市", "331181"},
	}},
}

const ningbo = 1 // index of Ningbo in zhejiang

// cixiTowns are Cixi's five streets and fifteen towns; the first street is
// the seat of the city government.
var cixiTowns = []struct {
	name   string
	street bool
}{
	{"浒山", true}, {"白沙路", true}, {"古塘", true}, {"坎墩", true}, {"宗汉", true},
	{"观海卫", false}, {"周巷", false}, {"逍林", false}, {"胜山", false}, {"新浦", false},
	{"附海", false}, {"桥头", false}, {"匡堰", false}, {"横河", false}, {"掌起", false},
	{"长河", false}, {"龙山", false}, {"崇寿", false}, {"庵东", false}, {"天元", false},
}

// cixiVillages are real village names used first in their Cixi town.
var cixiVillages = map[string][]string{
	"附海": {"海晏庙"}, // seed 004: 附海镇海晏庙村
}

// agencyUnit is a district-level agency (机关事业单位): its name after the
// district ("财政局"), whether it is a bureau (its branch is a 机关党支部),
// and whether it serves the public at a window (窗口单位). {seat} stands for
// the seat town.
type agencyUnit struct {
	unit   string
	bureau bool
	window bool
}

var districtAgencies = []agencyUnit{
	{"财政局", true, false},
	{"行政服务中心", false, true},
	{"委组织部", true, false},
	{"发展和改革局", true, false},
	{"教育局", true, false},
	{"人民医院", false, true},
	{"公安局{seat}派出所", false, true},
	{"民政局", true, false},
	{"人力资源和社会保障局", true, false},
	{"农业农村局", true, false},
	{"卫生健康局", true, false},
	{"不动产登记中心", false, true},
	{"市场监督管理局", true, false},
	{"自然资源和规划局", true, false},
	{"住房和城乡建设局", true, false},
	{"交通运输局", true, false},
	{"中医医院", false, true},
	{"司法局", true, false},
	{"审计局", true, false},
	{"统计局", true, false},
	{"水利局", true, false},
	{"商务局", true, false},
	{"经济和信息化局", true, false},
	{"科学技术局", true, false},
	{"文化和广电旅游体育局", true, false},
	{"应急管理局", true, false},
	{"医疗保障局", true, false},
	{"社会保险服务中心", false, true},
	{"住房公积金管理中心", false, true},
	{"综合行政执法局", true, false},
	{"信访局", true, false},
	{"委宣传部", true, false},
	{"纪委监委", true, false},
	{"委办公室", true, false},
	{"政府办公室", true, false},
	{"第二人民医院", false, true},
	{"妇幼保健院", false, true},
	{"实验小学", false, false},
	{"第一中学", false, false},
	{"图书馆", false, true},
	{"档案馆", false, false},
	{"退役军人事务局", true, false},
	{"气象局", true, false},
	{"公安局交通警察大队车辆管理所", false, true},
	{"税务局办税服务厅", false, true},
}

// stateEnterprises are district state-owned and collective enterprises
// (国有集体企业), after the district's full name.
var stateEnterprises = []agencyUnit{
	{"国有资产投资控股有限公司", false, false},
	{"自来水有限公司", false, true},
	{"城市建设投资集团有限公司", false, false},
	{"公共交通有限公司", false, true},
	{"农村商业银行营业部", false, true},
	{"交通集团有限公司", false, false},
	{"燃气有限公司", false, true},
	{"水务集团有限公司", false, false},
	{"粮食收储有限公司", false, false},
	{"供销合作社联合社", false, true},
	{"人才发展集团有限公司", false, false},
	{"文化旅游集团有限公司", false, false},
	{"市政工程有限公司", false, false},
	{"农业发展集团有限公司", false, false},
	{"国际会展中心有限公司", false, false},
}

// townEnterprises are a town's own enterprises; {d} stands for the district's
// full name, {t} for the town's short name, {T} for its full name.
var townEnterprises = []agencyUnit{
	{"国网{d}供电公司{t}供电所", false, true},
	{"{d}农村商业银行{t}支行", false, true},
	{"{T}资产经营有限公司", false, false},
	{"中国邮政集团{d}分公司{t}邮政支局", false, true},
	{"{T}自来水有限公司", false, true},
	{"{T}农业发展有限公司", false, false},
	{"{T}城镇建设开发有限公司", false, false},
	{"中国农业银行{d}{t}支行", false, true},
}

// townAgencies are a town's agencies; the first is always its 机关, and the
// police station is skipped in the seat town (the district list has it).
var townAgencies = []agencyUnit{
	{"{T}机关", true, false},
	{"{T}便民服务中心", false, true},
	{"{T}卫生院", false, true},
	{"{T}中心小学", false, false},
	{"{P}公安局{t}派出所", false, true},
	{"{T}初级中学", false, false},
	{"{T}中心幼儿园", false, false},
	{"{T}农业综合服务中心", false, false},
	{"{T}文化站", false, true},
	{"{T}综合行政执法中队", false, false},
}

// Syllables for made-up place names.
var (
	placeA   = chars("东西南北新上下中前后大长高龙凤海江湖山田林桥塘浦沙石金云华兴福安宁和平丰乐富盛永明清双潭溪泉岭湾洋河坎墩鸣鹤荣胜利联合建团结红星光民裕晏古洪芦杨柳梅竹松")
	placeP   = chars("桥塘浦湾岙堰埭闸路庙头墩港河山岭弄里圩舍庄畈")
	placeN   = chars("一二三四五六七八九十")
	placeS   = chars("陈胡孙叶岑戚周王徐沈施俞姚潘余马罗杨应褚邵钱虞")
	commX    = []string{"苑", "园", "府", "湾", "城", "新村", "花园"}
	brand    = chars("华美利达宏昌盛泰丰宇恒顺新通力诚鑫隆源凯博锦瑞天嘉信祥卓东方金海正光明星远创科威兴欣佳德安腾飞越亚杰骏朗晟康禾豪宝赛奥迪")
	industry = []string{"电器", "塑业", "轴承", "家电", "汽车部件", "五金", "纺织", "服饰", "化纤", "机械",
		"电子", "照明", "模具", "工具", "卫浴", "阀门", "制冷设备", "小家电", "包装", "食品", "农业科技",
		"物流", "建材", "新材料", "智能科技", "电机", "密封件", "针织", "精密制造", "光电", "日用品",
		"文具", "环保科技", "医疗器械", "网络科技"}
	ordinal = chars("一二三四五六七八九十")
)

func chars(s string) []string {
	out := make([]string, 0, len(s)/3)
	for _, r := range s {
		out = append(out, string(r))
	}
	return out
}

// expand replaces the placeholders of a unit name.
func expand(tmpl string, d *district, t *town) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	pairs := []string{"{d}", d.full(), "{P}", d.suffix, "{seat}", d.seat}
	if t != nil {
		pairs = append(pairs, "{t}", t.short, "{T}", t.full())
	}
	return strings.NewReplacer(pairs...).Replace(tmpl)
}

// nth is "" for the first copy of a unit's branch and 第二, 第三 … after.
func nth(k int) string {
	switch {
	case k == 0:
		return ""
	case k < len(ordinal):
		return "第" + ordinal[k]
	default:
		return "第" + itoa(k+1)
	}
}
