package web

import (
	"encoding/json"
	"net/url"
	"strconv"

	"taxhall/internal/ids"
	"taxhall/internal/iitw"
	"taxhall/internal/money"
	"taxhall/internal/returns"
	"taxhall/internal/sif"
)

// An accepted detail return (IIT withholding, social insurance) is mostly
// its lines: the page of the return shows them from the stored canonical
// document, a page of detailPageSize at a time, so that the taxpayer and
// the clerk can see who was declared with what, not only the totals.

const detailPageSize = 50

// detailTable is one page of a return's lines, ready to render.
type detailTable struct {
	Caption         string
	Heads           []detailHead
	Rows            [][]detailCell
	Total, From, To int
	PrevURL         string
	NextURL         string
}

type detailHead struct {
	Label string
	Num   bool
}

type detailCell struct {
	Text       string
	Num, Code  bool
	RowHeading bool
}

// detailOf builds the page of lines starting at from (0-based); nil when
// the return has no lines.
func detailOf(ret *returns.Return, from int, self string) *detailTable {
	if len(ret.Doc.Detail) == 0 {
		return nil
	}
	var t *detailTable
	switch ret.Form {
	case iitw.FormCode:
		var res []iitw.Result
		if json.Unmarshal(ret.Doc.Detail, &res) != nil {
			return nil
		}
		t = &detailTable{Caption: "员工扣缴明细（金额单位：元）", Heads: []detailHead{{"姓名", false}, {"证件号码", false}, {"本期收入", true},
			{"本期扣除", true}, {"累计应纳税所得额", true}, {"预扣率", true}, {"本期应扣缴税额", true}}, Total: len(res)}
		from = clampFrom(from, len(res))
		for _, r := range res[from:min(from+detailPageSize, len(res))] {
			t.Rows = append(t.Rows, []detailCell{{Text: r.Name, RowHeading: true}, {Text: ids.MaskResidentID(r.ResidentID), Code: true},
				{Text: money.FormatYuan(r.Income), Num: true}, {Text: money.FormatYuan(r.Special() + r.Additional() + r.Other), Num: true},
				{Text: money.FormatYuan(r.CumTaxable), Num: true}, {Text: r.Rate.String(), Num: true}, {Text: money.FormatYuan(r.Tax), Num: true}})
		}
	case sif.FormCode:
		var res []sif.Result
		if json.Unmarshal(ret.Doc.Detail, &res) != nil {
			return nil
		}
		t = &detailTable{Caption: "职工缴费明细（金额单位：元）", Heads: []detailHead{{"姓名", false}, {"证件号码", false}, {"缴费工资", true},
			{"单位缴费", true}, {"个人缴费", true}}, Total: len(res)}
		from = clampFrom(from, len(res))
		for _, r := range res[from:min(from+detailPageSize, len(res))] {
			t.Rows = append(t.Rows, []detailCell{{Text: r.Name, RowHeading: true}, {Text: ids.MaskResidentID(r.ResidentID), Code: true},
				{Text: money.FormatYuan(r.Wage), Num: true}, {Text: money.FormatYuan(r.Employer), Num: true}, {Text: money.FormatYuan(r.Employee), Num: true}})
		}
	default:
		return nil
	}
	t.From, t.To = from, from+len(t.Rows)
	at := func(n int) string {
		u, _ := url.Parse(self)
		q := u.Query()
		q.Del("from")
		if n > 0 {
			q.Set("from", strconv.Itoa(n))
		}
		u.RawQuery = q.Encode()
		u.Fragment = "detail"
		return u.String()
	}
	if from > 0 {
		t.PrevURL = at(max(0, from-detailPageSize))
	}
	if t.To < t.Total {
		t.NextURL = at(t.To)
	}
	return t
}

func clampFrom(from, n int) int {
	if from < 0 || from >= n {
		return 0
	}
	return from
}
