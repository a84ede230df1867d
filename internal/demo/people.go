package demo

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// weighted picks strings with integer weights.
type weighted struct {
	items []string
	cum   []int
}

// newWeighted parses "王70 李50 …": each item followed by its weight.
func newWeighted(spec string) *weighted {
	w := &weighted{}
	total := 0
	for _, f := range strings.Fields(spec) {
		i := strings.IndexAny(f, "0123456789")
		n, err := strconv.Atoi(f[i:])
		if i <= 0 || err != nil || n <= 0 {
			panic("demo: bad weighted item " + f)
		}
		total += n
		w.items = append(w.items, f[:i])
		w.cum = append(w.cum, total)
	}
	return w
}

func (w *weighted) pick(r *rand.Rand) string {
	x := r.IntN(w.cum[len(w.cum)-1])
	return w.items[sort.SearchInts(w.cum, x+1)]
}

// surnames: the national top surnames, reweighted for Zhejiang, plus those
// common in Cixi (胡, 岑, 孙, 陈, 叶, 戚, 沈, 施, 俞 …). Weights are roughly
// per mille.
var surnames = newWeighted(`
陈90 王70 李40 张45 刘25 杨20 黄25 赵15 吴35 周35 徐40 孙35 马15 朱22 胡45 郭8 何15 高10
林20 罗12 郑15 梁6 谢8 宋6 唐6 许10 韩5 冯8 邓4 曹8 彭4 曾3 肖3 田3 董10 袁6 潘14 于3
蒋10 蔡8 余14 杜4 叶25 程5 苏4 魏5 吕7 丁7 任4 沈28 姚14 卢6 姜4 崔2 钟4 谭2 陆10 汪8
范6 金12 石3 廖2 贾2 夏5 韦2 付3 方9 邹3 熊2 孔3 岑18 戚14 施14 应9 俞12 褚6 楼4 邵7
钱9 毛5 裘3 舒3 华3 童4 虞5 严5 柴2 顾5 翁4 傅7 陶4 诸2 劳2 干2`)

// Given-name characters by gender and generation.
var (
	maleOld     = chars("根发财福宝金水生炳昌荣祥德林松茂才富贵兴海龙庆国明阿土")
	maleMid     = chars("伟强军明国建华平东海波勇峰涛斌刚俊辉鹏磊超文龙林民荣忠新卫红春立志永庆德良成")
	maleYoung   = chars("浩宇轩杰睿晨博涛鑫辰昊然航凯泽俊翔彬磊帅哲逸豪")
	femaleOld   = chars("凤珍英娣妹秀素菊月娥兰梅花芬琴宝彩云香仙杏")
	femaleMid   = chars("芳娟敏静丽艳娜霞燕萍红玲琴英梅兰凤珍秀素月雪慧华美亚飞波")
	femaleYoung = chars("婷琳雪佳欣怡倩颖璐萱雯洁丹妍晓莉莹蓉媛琪瑶诗")
)

// personName makes a plausible name for someone of that gender and birth year.
func personName(r *rand.Rand, male bool, birth int) string {
	var era []string
	switch {
	case male && birth < 1958:
		era = maleOld
	case male && birth < 1982:
		era = maleMid
	case male:
		era = maleYoung
	case birth < 1958:
		era = femaleOld
	case birth < 1982:
		era = femaleMid
	default:
		era = femaleYoung
	}
	mid := maleMid
	if !male {
		mid = femaleMid
	}
	sur := surnames.pick(r)
	if r.IntN(100) < 22 {
		return sur + era[r.IntN(len(era))]
	}
	a := era[r.IntN(len(era))]
	if !male && birth >= 1982 && r.IntN(100) < 8 {
		return sur + a + a // 叠字: 婷婷
	}
	pool := era
	if r.IntN(2) == 0 {
		pool = mid
	}
	b := pool[r.IntN(len(pool))]
	for b == a {
		b = pool[r.IntN(len(pool))]
	}
	return sur + a + b
}

// mobilePrefixes are mainland mobile number segments.
var mobilePrefixes = []string{"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"147", "150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "172", "173",
	"175", "176", "177", "178", "180", "181", "182", "183", "184", "185", "186", "187", "188",
	"189", "191", "193", "195", "198", "199"}

// phone makes a mainland mobile number: 1[3-9] and nine more digits.
func phone(r *rand.Rand) string {
	var b [11]byte
	copy(b[:], mobilePrefixes[r.IntN(len(mobilePrefixes))])
	n := r.Uint64N(100_000_000)
	for i := 10; i >= 3; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

// idWeights are the GB 11643-1999 weights of the first 17 digits
// (2^(17-i) mod 11).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheck returns the check character of the first 17 digits of a
// 居民身份证号码 (ISO 7064 MOD 11-2).
func idCheck(first17 []byte) byte {
	sum := 0
	for i, c := range first17[:17] {
		sum += int(c-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11]
}

// idNumber builds a 18-character 居民身份证号码 from the area code (6
// digits), the birth date, and the order code (3 digits: odd for men).
func idNumber(area string, year, month, day, order int) string {
	var b [18]byte
	copy(b[:6], area)
	putDigits(b[6:10], year)
	putDigits(b[10:12], month)
	putDigits(b[12:14], day)
	putDigits(b[14:17], order)
	b[17] = idCheck(b[:17])
	return string(b[:])
}

// putDigits writes n into b, zero-padded to len(b).
func putDigits(b []byte, n int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}

// padded is prefix followed by n zero-padded to width digits.
func padded(prefix string, n, width int) string {
	d := digits(n)
	if d < width {
		return prefix + strings.Repeat("0", width-d) + itoa(n)
	}
	return prefix + itoa(n)
}

func itoa(n int) string { return strconv.Itoa(n) }

// digits is the number of decimal digits of n ≥ 0.
func digits(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}
