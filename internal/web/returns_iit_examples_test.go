package web

import (
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/forms"
	"taxhall/internal/iitw"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// An example of the withholding return's page, for
// TestEveryTemplateRendersItsPageType: two employees computed, a refused
// file's problems, and a second page of lines.
func exampleIITSheet() *returnIITPage {
	p := rules.Month(2026, time.October)
	who := validRosterIDs(2)
	lines := []iitw.Line{{Row: 2, ResidentID: who[0], Name: "王芳", Income: 3_000_000, Pension: 240_000, Child: 200_000},
		{Row: 3, ResidentID: who[1], Name: "欧阳明轩", Income: 1_000_000, Rent: 110_000}}
	cells := map[string]string{forms.DetailKey: iitw.EncodeLines(lines)}
	out, err := iitw.Form.Run(forms.Input{Period: p, Extra: map[string]iitw.Prior{who[0]: {Months: 9, Income: 27_000_000, Withheld: 1_000_000}}}, cells)
	if err != nil {
		panic(err)
	}
	sh := exampleSheet()
	sh.Form, sh.Period, sh.PeriodKind, sh.Cells, sh.Output, sh.Errors = iitw.Form, p, taxpayer.Monthly, cells, out, nil
	sh.Deadline = calendar.Deadline{Date: calendar.MustDate("2026-11-16")}
	page := iitPage(sh, "/hall/returns/file?form=iit&period=2026-10", "/hall/returns/import?form=iit&period=2026-10",
		"/hall/returns/file?form=iit&period=2026-10", 1, map[string]string{"file": "文件中有 1 行共 2 处错误，请修改后重新导入；全部数据均未导入"})
	page.Problems = []iitw.Problem{{Row: 4, Column: "证件号码", Key: "resident_id", Message: "身份证号码校验位不正确，请核对"},
		{Row: 4, Column: "住房租金", Key: "rent", Message: "住房租金每月按城市扣除1,500元、1,100元或800元，请填写其中之一或留空"}}
	return page
}

func init() {
	examples["return_iit.html"] = example{func() page { return exampleIITSheet() }, taxpayerSide}
}
