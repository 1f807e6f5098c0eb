package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/certs"
	"taxhall/internal/iitannual"
	"taxhall/internal/iitrecords"
	"taxhall/internal/rules"
)

// A natural person's 纳税记录 (every IIT line any employer in the hall
// withheld for them) and the annual reconciliation (年度汇算). The
// reconciliation itself is filed as a return (form iit_annual, period the
// year) through POST /api/v1/my/returns; GET /api/v1/my/drafts/iit_annual/{year}
// previews it. The same services as /hall/iit/records and /hall/iit/annual.

const tagIIT = "个人所得税（自然人）"

func (a *API) iitRoutes() []route {
	return []route{
		{Pattern: "GET /my/iit/records", Tag: tagIIT, Access: TaxpayerUser,
			Summary: "我的个人所得税纳税记录（一个年度）",
			Doc: "本人所有扣缴义务人在本系统申报的工资薪金所得个人所得税扣缴记录：每月每个扣缴义务人一行，收入额和已扣缴税额，以及年度合计；years 为有记录的年度。" +
				"仅自然人本人可查（单位纳税人的用户返回 403）。",
			Handler: handle(a.myIITRecords)},
		{Pattern: "POST /my/iit/records/certificates", Tag: tagIIT, Access: TaxpayerUser, Idempotent: true, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "开具个人所得税纳税记录（一个年度）",
			Doc: "登记该年度的纳税记录，与完税证明一样可凭编号和验证码核验；返回的 pdf 为下载地址。必须带 Idempotency-Key：同一幂等键重复 200 并返回同一份（replayed 为 true），" +
				"用于另一年度返回 409。该年度没有记录返回 422。",
			Handler: handle(a.issueIITRecord)},
		{Pattern: "GET /my/iit/annual", Tag: tagIIT, Access: TaxpayerUser,
			Summary: "综合所得年度汇算：预填数据及其来源、办理期间、已办理的结果和退税申请",
			Doc: "prefill 为按扣缴记录预填的全年数据，sources 为每个扣缴义务人的合计（预填数据的来源）。办理：POST /api/v1/my/returns，form 为 iit_annual，period 为年度（如 2025），" +
				"cells 只填年度汇算时补充的扣除（7 大病医疗自付金额、9 补充专项附加扣除、10 补充其他扣除），其余栏次由预填数据计算；提交前可用 GET /api/v1/my/drafts/iit_annual/{年度} 预览。" +
				"应补税额成为待缴税款；应退税额生成退税申请（refunds），由税务机关审核。",
			Handler: handle(a.myIITAnnual)},
	}
}

type yearQuery struct {
	Year int `query:"year" min:"2019" max:"2100" doc:"纳税年度，不填为上一年度"`
}

func (a *API) year(q yearQuery) int {
	if q.Year == 0 {
		return a.IITRecords.CurrentYear() - 1
	}
	return q.Year
}

type iitLineView struct {
	Month         string `json:"month" doc:"税款所属月份，如 2025-03"`
	EmployerCode  string `json:"employer_code" doc:"扣缴义务人识别号"`
	EmployerName  string `json:"employer_name" doc:"扣缴义务人名称"`
	AckNo         string `json:"ack_no" doc:"扣缴申报回执号"`
	FiledOn       string `json:"filed_on" doc:"扣缴申报日期"`
	IncomeFen     int64  `json:"income_fen" doc:"收入额（分）"`
	TaxFreeFen    int64  `json:"tax_free_fen" doc:"免税收入（分）"`
	SpecialFen    int64  `json:"special_fen" doc:"专项扣除（分）"`
	AdditionalFen int64  `json:"additional_fen" doc:"专项附加扣除（分）"`
	OtherFen      int64  `json:"other_fen" doc:"其他扣除（分）"`
	TaxFen        int64  `json:"tax_fen" doc:"已扣缴税额（分）"`
}

type iitTotalsView struct {
	Employers     int   `json:"employers" doc:"扣缴义务人个数"`
	Months        int   `json:"months" doc:"有扣缴记录的月份数"`
	IncomeFen     int64 `json:"income_fen" doc:"收入合计（分）"`
	TaxFreeFen    int64 `json:"tax_free_fen"`
	SpecialFen    int64 `json:"special_fen"`
	AdditionalFen int64 `json:"additional_fen"`
	OtherFen      int64 `json:"other_fen"`
	TaxFen        int64 `json:"tax_fen" doc:"已扣缴税额合计（分）"`
}

type iitRecordsView struct {
	Year   int           `json:"year"`
	Years  []int         `json:"years" doc:"有记录的年度，最近的在前"`
	Items  []iitLineView `json:"items"`
	Totals iitTotalsView `json:"totals"`
}

func viewTotals(t iitrecords.Totals) iitTotalsView {
	return iitTotalsView{Employers: t.Employers, Months: t.Months, IncomeFen: t.Income, TaxFreeFen: t.TaxFree, SpecialFen: t.Special,
		AdditionalFen: t.Additional, OtherFen: t.Other, TaxFen: t.Tax}
}

func (a *API) myIITRecords(ctx context.Context, _ *http.Request, q yearQuery) (iitRecordsView, error) {
	year := a.year(q)
	lines, tot, err := a.IITRecords.Year(ctx, year)
	if err != nil {
		return iitRecordsView{}, err
	}
	years, err := a.IITRecords.Years(ctx)
	if err != nil {
		return iitRecordsView{}, err
	}
	v := iitRecordsView{Year: year, Years: years, Items: []iitLineView{}, Totals: viewTotals(tot)}
	if v.Years == nil {
		v.Years = []int{}
	}
	for _, l := range lines {
		v.Items = append(v.Items, iitLineView{Month: l.Month(), EmployerCode: l.EmployerCode, EmployerName: l.EmployerName, AckNo: l.AckNo,
			FiledOn: l.FiledOn, IncomeFen: l.Income, TaxFreeFen: l.TaxFree, SpecialFen: l.Special, AdditionalFen: l.Additional,
			OtherFen: l.Other, TaxFen: l.Tax})
	}
	return v, nil
}

type iitRecordRequest struct {
	Year int `json:"year" doc:"纳税年度"`
}

func (a *API) issueIITRecord(ctx context.Context, r *http.Request, in iitRecordRequest) (certificateView, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return certificateView{}, err
	}
	if in.Year < 2019 || in.Year > a.IITRecords.CurrentYear() {
		return certificateView{}, apperr.InvalidField("year", fmt.Sprintf("年度应为 2019 至 %d", a.IITRecords.CurrentYear()))
	}
	c, err := a.IITRecords.Issue(ctx, in.Year, key)
	if err != nil {
		return certificateView{}, err
	}
	if c.Replayed && (c.Kind != certs.KindIITRecord || c.Scope != iitrecords.Scope(in.Year)) {
		return certificateView{}, keyReused(c)
	}
	return a.viewCertificate(c), nil
}

type employerSumView struct {
	EmployerCode  string `json:"employer_code"`
	EmployerName  string `json:"employer_name"`
	Months        int    `json:"months" doc:"扣缴月份数"`
	First         string `json:"first_month" doc:"第一个月"`
	Last          string `json:"last_month" doc:"最后一个月"`
	IncomeFen     int64  `json:"income_fen"`
	TaxFreeFen    int64  `json:"tax_free_fen"`
	SpecialFen    int64  `json:"special_fen"`
	AdditionalFen int64  `json:"additional_fen"`
	OtherFen      int64  `json:"other_fen"`
	TaxFen        int64  `json:"tax_fen" doc:"该扣缴义务人已预扣预缴的税额（分）"`
}

type annualFiledView struct {
	ReturnID  int64      `json:"return_id" doc:"年度汇算申报的 id，见 GET /api/v1/my/returns/{id}"`
	AckNo     string     `json:"ack_no" doc:"回执号"`
	TaxDueFen int64      `json:"tax_due_fen" doc:"应补（退）税额（分）：正数应补，负数应退"`
	Result    string     `json:"result" enum:"annual_results" doc:"pay 应补税，refund 应退税，none 无需补退"`
	Late      bool       `json:"late" doc:"逾期办理"`
	Steps     []stepView `json:"steps" doc:"计算过程，最后一步为结果"`
}

// stepView is one step of a computation.
type stepView struct {
	Label   string `json:"label"`
	Formula string `json:"formula,omitempty"`
	Value   string `json:"value" doc:"金额（元），已格式化"`
}

type annualRefundView struct {
	ID          int64     `json:"id"`
	ReturnID    int64     `json:"return_id"`
	AmountFen   int64     `json:"amount_fen" doc:"退税金额（分）"`
	State       string    `json:"state" enum:"refund_states"`
	StateName   string    `json:"state_name"`
	RequestedAt time.Time `json:"requested_at"`
}

type annualView struct {
	Year         int                `json:"year"`
	Form         string             `json:"form" doc:"办理时使用的申报表代码（iit_annual）"`
	Period       string             `json:"period" doc:"办理时使用的所属期（年度）"`
	Opens        string             `json:"opens" doc:"办理期间起（次年3月1日）"`
	Deadline     string             `json:"deadline" doc:"办理期限（次年6月30日）"`
	Open         bool               `json:"open" doc:"已可办理"`
	PastDeadline bool               `json:"past_deadline" doc:"已过办理期限（仍可逾期办理）"`
	Prefill      iitTotalsView      `json:"prefill" doc:"预填的全年数据"`
	Sources      []employerSumView  `json:"sources" doc:"预填数据的来源：每个扣缴义务人的合计"`
	Filed        *annualFiledView   `json:"filed,omitempty" doc:"已办理的年度汇算（最新版本）"`
	Refunds      []annualRefundView `json:"refunds" doc:"该年度的退税申请，最新的在前"`
}

func (a *API) myIITAnnual(ctx context.Context, _ *http.Request, q yearQuery) (annualView, error) {
	year := a.year(q)
	lines, tot, err := a.IITRecords.Year(ctx, year)
	if err != nil {
		return annualView{}, err
	}
	open, dl := rules.AnnualWindow(year)
	today := calendar.FromTime(a.IITRecords.Now().In(time.FixedZone("CST", 8*3600)))
	v := annualView{Year: year, Form: iitannual.FormCode, Period: strconv.Itoa(year), Opens: open.String(), Deadline: dl.String(),
		Open: !today.Before(open), PastDeadline: today.After(dl), Prefill: viewTotals(tot), Sources: []employerSumView{}, Refunds: []annualRefundView{}}
	for _, e := range iitrecords.ByEmployer(lines) {
		v.Sources = append(v.Sources, employerSumView{EmployerCode: e.Code, EmployerName: e.Name, Months: e.Months, First: e.First, Last: e.Last,
			IncomeFen: e.Income, TaxFreeFen: e.TaxFree, SpecialFen: e.Special, AdditionalFen: e.Additional, OtherFen: e.Other, TaxFen: e.Tax})
	}
	f, err := a.IITAnnual.Current(ctx, year)
	if err != nil {
		return annualView{}, err
	}
	if f != nil {
		v.Filed = &annualFiledView{ReturnID: f.ReturnID, AckNo: f.AckNo, TaxDueFen: f.TaxDue, Result: iitannual.ResultOf(f.TaxDue), Late: f.Late, Steps: []stepView{}}
		ret, err := a.Returns.Get(ctx, f.ReturnID)
		if err != nil {
			return annualView{}, err
		}
		vals, err := ret.Doc.Values()
		if err != nil {
			return annualView{}, err
		}
		for _, s := range iitannual.Steps(year, vals) {
			v.Filed.Steps = append(v.Filed.Steps, stepView{Label: s.Label, Formula: s.Formula, Value: s.Value})
		}
	}
	refunds, err := a.IITAnnual.Refunds(ctx, year)
	if err != nil {
		return annualView{}, err
	}
	for _, r := range refunds {
		v.Refunds = append(v.Refunds, annualRefundView{ID: r.ID, ReturnID: r.ReturnID, AmountFen: r.Amount, State: r.State, StateName: r.StateName(), RequestedAt: r.RequestedAt})
	}
	return v, nil
}
