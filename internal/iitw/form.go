package iitw

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/forms"
	"taxhall/internal/money"
)

// FormCode is the code of the withholding return in forms and returns.
const FormCode = "iit"

// DetailMax bounds a return's entered lines as JSON: 10,000 employees
// (MaxRows) of about 300 bytes each.
const DetailMax = 4 << 20

// The summary lines of the return. The official 个人所得税扣缴申报表
// (国家税务总局公告2019年第7号) is a detail table whose 合计 row sums its
// columns; it numbers columns, not summary lines, so these lines are
// numbered 1–8 here, each the sum of the detail column it names.
const (
	LineIncome     = "1" // 本期收入合计
	LineTaxFree    = "2" // 本期免税收入合计
	LineSpecial    = "3" // 本期专项扣除合计
	LineAdditional = "4" // 本期专项附加扣除合计
	LineOther      = "5" // 本期其他扣除合计
	LineCumTax     = "6" // 累计应纳税额合计
	LineWithheld   = "7" // 累计已预扣预缴税额合计
	LineTax        = "8" // 本期应补（退）税额合计
)

// Form is 个人所得税扣缴申报表 for wages (工资、薪金所得), filed monthly by an
// employer identified for iit_withholding with every employee's line
// (全员全额). The entered part is the detail: the lines of Parse as JSON
// under forms.DetailKey. Every summary line is computed from them, and the
// canonical document keeps each employee's Result under "detail".
var Form = forms.Register(&forms.Form{
	Code:      FormCode,
	Name:      "个人所得税扣缴申报表（工资、薪金所得）",
	Short:     "个人所得税扣缴（工资薪金）",
	Basis:     "国家税务总局公告2019年第7号",
	TaxType:   "iit_withholding",
	Periods:   []string{"month"},
	Columns:   []forms.Column{{Code: "", Name: "金额"}},
	DetailMax: DetailMax,
	Lines: []forms.Line{
		{No: LineIncome, Name: "本期收入合计", Kinds: "C", Section: "本期情况（全体员工合计）"},
		{No: LineTaxFree, Name: "本期免税收入合计", Kinds: "C"},
		{No: LineSpecial, Name: "本期专项扣除合计", Kinds: "C", Hint: "基本养老保险费、基本医疗保险费、失业保险费、住房公积金"},
		{No: LineAdditional, Name: "本期专项附加扣除合计", Kinds: "C"},
		{No: LineOther, Name: "本期其他扣除合计", Kinds: "C"},
		{No: LineCumTax, Name: "累计应纳税额合计", Kinds: "C", Section: "税款计算（累计预扣法）"},
		{No: LineWithheld, Name: "累计已预扣预缴税额合计", Kinds: "C", Hint: "本年此前各月已申报的税额"},
		{No: LineTax, Name: "本期应补（退）税额合计", Kinds: "C",
			Hint: "逐人计算累计应纳税额减累计已预扣预缴税额；个人余额为负的暂不退税，按0计"},
	},
	Compute: computeForm,
})

// computeForm reads the detail, runs Compute over the employees' Prior
// (the loader's Extra) and sums the results into the summary lines.
func computeForm(_ *forms.Form, in forms.Input) (forms.Output, error) {
	out := forms.Output{Values: forms.Values{},
		Basis: []string{"国家税务总局公告2018年第61号（累计预扣法）", "国家税务总局公告2019年第7号（个人所得税扣缴申报表）"}}
	if len(bytes.TrimSpace(in.Detail)) == 0 {
		out.Fields = apperr.Fields{forms.DetailKey: "请先导入本月全体员工的扣缴明细（CSV 或 Excel 文件）"}
		return out, nil
	}
	lines, err := DecodeLines(in.Detail)
	if err != nil {
		return forms.Output{}, apperr.InvalidField(forms.DetailKey, "扣缴明细数据格式不正确，请重新导入文件")
	}
	prior, _ := in.Extra.(map[string]Prior)
	month := calendar.YearMonth{Y: in.Period.Start.Y, M: in.Period.Start.M}
	res, t, err := Compute(month, lines, prior)
	if err != nil {
		return forms.Output{}, err
	}
	var cumTax, withheld int64
	zeroed := 0
	for i := range res {
		cumTax += res[i].CumTax
		withheld += res[i].CumWithheld
		if res[i].CumTax < res[i].CumWithheld {
			zeroed++
		}
	}
	out.Values = forms.Values{LineIncome: t.Income, LineTaxFree: t.TaxFree, LineSpecial: t.Special, LineAdditional: t.Additional,
		LineOther: t.Other, LineCumTax: cumTax, LineWithheld: withheld, LineTax: t.Tax}
	out.TaxDue = t.Tax
	out.Detail = res
	out.Notes = append(out.Notes, fmt.Sprintf("申报人数 %d 人，本期应扣缴税额合计 %s 元。", t.People, money.FormatYuan(t.Tax)))
	if zeroed > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("其中 %d 人累计已预扣预缴税额大于累计应纳税额，本期按0计，暂不退税（年度汇算时办理）。", zeroed))
	}
	if lim, err := limitsFor(month); err == nil {
		out.Basis = append(out.Basis, lim.source)
	}
	return out, nil
}

// DecodeLines reads a detail's lines: a JSON array of Line, no unknown
// fields, nothing after it.
func DecodeLines(b []byte) ([]Line, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var lines []Line
	if err := dec.Decode(&lines); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("iitw: data after the lines")
	}
	return lines, nil
}

// EncodeLines is the detail of lines, as a draft and a submission carry it
// under forms.DetailKey.
func EncodeLines(lines []Line) string {
	if lines == nil {
		lines = []Line{}
	}
	b, err := json.Marshal(lines)
	if err != nil {
		panic(err) // a slice of plain structs always marshals
	}
	return string(b)
}

// DetailOf reads the per-employee results that an accepted return's
// canonical document keeps under "detail".
func DetailOf(detail json.RawMessage) ([]Result, error) {
	if len(detail) == 0 {
		return nil, nil
	}
	var res []Result
	if err := json.Unmarshal(detail, &res); err != nil {
		return nil, fmt.Errorf("iitw: detail: %w", err)
	}
	return res, nil
}
