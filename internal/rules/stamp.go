package rules

import (
	"errors"
	"fmt"
)

// StampItem is one item (税目) of the stamp duty table: what is taxed, on
// what base, at what rate. Rates are in parts per million, because the
// table goes down to 万分之零点五 (50 ppm), below a basis point.
type StampItem struct {
	Code       string
	Name       string
	Base       string // 计税依据
	PerMillion int64
	RateText   string // as the law writes it
	Securities bool   // 证券交易: excluded from the "六税两费" relief
}

// stampTable is 印花税税目税率表 of the Stamp Duty Law.
var stampTable = []StampItem{
	{"loan", "借款合同", "借款金额", 50, "万分之零点五", false},
	{"finance_lease", "融资租赁合同", "租金", 50, "万分之零点五", false},
	{"sale", "买卖合同", "价款", 300, "万分之三", false},
	{"work", "承揽合同", "报酬", 300, "万分之三", false},
	{"construction", "建设工程合同", "价款", 300, "万分之三", false},
	{"transport", "运输合同", "运输费用", 300, "万分之三", false},
	{"technology", "技术合同", "价款、报酬或者使用费", 300, "万分之三", false},
	{"lease", "租赁合同", "租金", 1000, "千分之一", false},
	{"custody", "保管合同", "保管费", 1000, "千分之一", false},
	{"warehouse", "仓储合同", "仓储费", 1000, "千分之一", false},
	{"insurance", "财产保险合同", "保险费", 1000, "千分之一", false},
	{"land_grant", "土地使用权出让书据", "价款", 500, "万分之五", false},
	{"property_transfer", "土地使用权、房屋等建筑物和构筑物所有权转让书据", "价款", 500, "万分之五", false},
	{"equity", "股权转让书据（不包括应缴纳证券交易印花税的）", "价款", 500, "万分之五", false},
	{"ip", "商标专用权、著作权、专利权、专有技术使用权转让书据", "价款", 300, "万分之三", false},
	{"ledger", "营业账簿", "实收资本（股本）、资本公积合计金额", 250, "万分之二点五", false},
	{"securities", "证券交易", "成交金额", 1000, "千分之一", true},
}

// StampItems is the history of the stamp duty table. The Stamp Duty Law
// took effect on 2022-07-01; the interim regulations before it are not
// supported (ErrNoParam).
var StampItems = Schedule[[]StampItem]{
	Name: "印花税税目税率表",
	Entries: []Param[[]StampItem]{
		{From: d("2022-07-01"), To: Forever, V: stampTable, Source: "印花税法 第四条、第五条、第八条及所附《印花税税目税率表》"},
	},
}

// SecuritiesStampRate is the rate actually levied on securities
// transactions, in parts per million; it halved on 2023-08-28.
var SecuritiesStampRate = Schedule[int64]{
	Name: "证券交易印花税税率",
	Entries: []Param[int64]{
		{From: d("2022-07-01"), To: d("2023-08-27"), V: 1000, Source: "印花税法 印花税税目税率表（证券交易 千分之一）"},
		{From: d("2023-08-28"), To: Forever, V: 500, Source: "财政部 税务总局关于减半征收证券交易印花税的公告（2023年第39号）"},
	},
}

// StampLine is one taxable item's base for the period, in fen.
type StampLine struct {
	Item string // a StampItem Code
	Base int64
}

// StampInput is the stamp duty of a period (a quarter, a year, or one
// occurrence: Start = End), in fen.
type StampInput struct {
	Period Period
	Lines  []StampLine
	Status TaxpayerStatus
}

// StampLineResult is one line's computation.
type StampLineResult struct {
	Item       StampItem
	Base       int64
	PerMillion int64 // the rate applied (securities: after halving)
	Tax        int64 // Base × rate, rounded half up to the fen
	Reduction  int64 // "六税两费": not on securities
	Payable    int64
	Source     string
}

// StampResult is the stamp duty computation.
type StampResult struct {
	Lines        []StampLineResult
	Source       string
	ReliefRate   Rate
	ReliefSource string
	Tax          int64
	Reduction    int64
	Payable      int64
}

// StampItemsAt returns the stamp duty table in force on a date, for forms
// and pickers.
func StampItemsAt(day Date) ([]StampItem, error) {
	e, err := StampItems.At(day)
	return e.V, err
}

// StampDuty computes the stamp duty (印花税) of a period: each item's base
// times its rate (印花税法 第八条), rounded half up to the fen, less the
// "六税两费" half reduction on every item but securities for an eligible
// taxpayer (财政部 税务总局公告2022年第10号 第一条: 不含证券交易印花税).
func StampDuty(in StampInput) (StampResult, error) {
	if !in.Period.Start.Valid() || !in.Period.End.Valid() || in.Period.End.Before(in.Period.Start) {
		return StampResult{}, fmt.Errorf("rules: bad period %v", in.Period)
	}
	e, err := StampItems.ForPeriod(in.Period)
	if err != nil {
		return StampResult{}, err
	}
	relief, reliefSource, err := SixTaxesRelief(in.Period, in.Status)
	if err != nil {
		return StampResult{}, err
	}
	r := StampResult{Source: e.Source, ReliefRate: relief, ReliefSource: reliefSource}
	for _, l := range in.Lines {
		if l.Base < 0 {
			return StampResult{}, errors.New("rules: a stamp duty base cannot be negative")
		}
		var item *StampItem
		for i := range e.V {
			if e.V[i].Code == l.Item {
				item = &e.V[i]
			}
		}
		if item == nil {
			return StampResult{}, fmt.Errorf("%w: no stamp duty item %q", ErrUnknownCode, l.Item)
		}
		lr := StampLineResult{Item: *item, Base: l.Base, PerMillion: item.PerMillion, Source: e.Source}
		if item.Securities {
			s, err := SecuritiesStampRate.ForPeriod(in.Period)
			if err != nil {
				return StampResult{}, err
			}
			lr.PerMillion, lr.Source = s.V, s.Source
		}
		lr.Tax = mulDiv(l.Base, lr.PerMillion, 1_000_000)
		if !item.Securities {
			lr.Reduction = mulRate(lr.Tax, relief)
		}
		lr.Payable = lr.Tax - lr.Reduction
		r.Lines = append(r.Lines, lr)
		r.Tax += lr.Tax
		r.Reduction += lr.Reduction
		r.Payable += lr.Payable
	}
	return r, nil
}
