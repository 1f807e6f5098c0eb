package money

import "testing"

// The cases of 中国人民银行《支付结算办法》附件一《正确填写票据和结算凭证的
// 基本规定》 第四条, then edge cases of the same rules.
func TestCapital(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		want string
		why  string
	}{
		// 第四条(一): a zero between digits is written.
		{1_409_50, "壹仟肆佰零玖元伍角", "基本规定 第四条(一) ¥1,409.50; no 整 after 角 (第二条)"},
		// 第四条(二): a run of zeros is one 零.
		{6_007_14, "陆仟零柒元壹角肆分", "第四条(二) ¥6,007.14"},
		// 第四条(三): 元位 zero before a non-zero 角位: 零 may be written; we write it.
		{1_680_32, "壹仟陆佰捌拾元零叁角贰分", "第四条(三) ¥1,680.32, first form"},
		// 第四条(三): 万位 and 元位 zero: we write both 零.
		{107_000_53, "壹拾万零柒仟元零伍角叁分", "第四条(三) ¥107,000.53 with the optional 零 written"},
		// 第四条(四): 角 zero before a non-zero 分: 零 after 元.
		{16_409_02, "壹万陆仟肆佰零玖元零贰分", "第四条(四) ¥16,409.02"},
		{325_04, "叁佰贰拾伍元零肆分", "第四条(四) ¥325.04"},
		// 第二条: 整 after 元.
		{12_345_00, "壹万贰仟叁佰肆拾伍元整", "整 after 元"},
		{12_345_67, "壹万贰仟叁佰肆拾伍元陆角柒分", "the usual example"},
		{1_00, "壹元整", ""},
		{10_00, "壹拾元整", "壹 before 拾"},
		{15_00, "壹拾伍元整", ""},
		{100_00, "壹佰元整", "trailing zeros write nothing"},
		{1_000_000_00, "壹佰万元整", ""},
		{100_005_00, "壹拾万零伍元整", "a run of zeros across 万 is one 零"},
		{100_700_00, "壹拾万零柒佰元整", ""},
		{1_005_000_00, "壹佰万零伍仟元整", ""},
		{100_050_000_00, "壹亿零伍万元整", "empty 千万–拾万 then 万"},
		{100_000_005_00, "壹亿零伍元整", "an empty 万 section writes no 万"},
		{1_234_567_890_12, "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元零壹角贰分", ""},
		{1_000_000_000_000_00, "壹万亿元整", "MaxFen"},
		{1_2345_0000_0000_00, "壹万贰仟叁佰肆拾伍亿元整", ""},
		{50, "伍角", "under one yuan: no 零元"},
		{5, "伍分", ""},
		{55, "伍角伍分", ""},
		{10_05, "壹拾元零伍分", ""},
		{10_50, "壹拾元零伍角", "元位 zero before 角"},
		{0, "零元整", ""},
		{-325_04, "负叁佰贰拾伍元零肆分", ""},
	} {
		if got := Capital(c.fen); got != c.want {
			t.Errorf("Capital(%d) = %s, want %s (%s)", c.fen, got, c.want, c.why)
		}
	}
}
