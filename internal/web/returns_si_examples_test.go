package web

import (
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/forms"
	"taxhall/internal/rules"
	"taxhall/internal/sif"
	"taxhall/internal/taxpayer"
)

// An example of the social insurance return's page, for
// TestEveryTemplateRendersItsPageType: three employees, one computed below
// the floor, one wage typed wrong, one left blank.
func exampleSISheet() *returnSIPage {
	p := rules.Month(2026, time.June)
	who := validRosterIDs(3)
	extra := &sif.Extra{Employees: []sif.Employee{{ID: 1, ResidentID: who[0], Name: "王芳"}, {ID: 2, ResidentID: who[1], Name: "欧阳明轩"},
		{ID: 3, ResidentID: who[2], Name: "陈一"}}, More: true}
	d := &sif.Detail{InjuryRate: "0.2", Lines: []sif.Line{{EmployeeID: 1, ResidentID: who[0], Name: "王芳", Wage: "3000"},
		{EmployeeID: 2, ResidentID: who[1], Name: "欧阳明轩", Wage: "三万"}, {EmployeeID: 3, ResidentID: who[2], Name: "陈一"}}}
	cells := map[string]string{forms.DetailKey: sif.EncodeDetail(d)}
	out, _ := sif.Form.Run(forms.Input{Period: p, Extra: extra}, cells)
	sh := exampleSheet()
	sh.Form, sh.Period, sh.PeriodKind, sh.Cells, sh.Output, sh.Extra = sif.Form, p, taxpayer.Monthly, cells, out, extra
	sh.Deadline = calendar.Deadline{Date: calendar.MustDate("2026-07-15")}
	return siPage(sh, nil, map[string]string{"wage.2": "欧阳明轩的缴费工资：金额格式不正确，请填写数字，最多两位小数"})
}

func init() {
	examples["return_si.html"] = example{func() page { return exampleSISheet() }, taxpayerSide}
}
