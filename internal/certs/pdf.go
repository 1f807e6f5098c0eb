package certs

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"taxhall/internal/money"
	"taxhall/internal/pdfdoc"
)

// VerifyURL is the public verification address of a certificate, which
// its QR code carries.
func (s *Service) VerifyURL(c *Certificate) string {
	return strings.TrimRight(s.BaseURL, "/") + "/verify?" + url.Values{"no": {c.No}, "code": {c.Code}}.Encode()
}

// PDF renders the certificate id of the taxpayer in ctx.
func (s *Service) PDF(ctx context.Context, id int64) ([]byte, *Certificate, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.Render(c)
	return b, c, err
}

// Render renders a certificate from its record: the same record gives the
// same bytes.
func (s *Service) Render(c *Certificate) ([]byte, error) {
	return s.renderer().Render(s.Document(c))
}

var defaultRenderer = &pdfdoc.Renderer{}

func (s *Service) renderer() *pdfdoc.Renderer {
	if s.Renderer == nil {
		return defaultRenderer
	}
	return s.Renderer
}

// FileName is the download's file name.
func (c *Certificate) FileName() string {
	switch c.Kind {
	case KindIITRecord:
		return "个人所得税纳税记录-" + c.No + ".pdf"
	case KindNoArrears, KindResidency:
		return c.Title() + "-" + c.No + ".pdf"
	}
	return "税收完税证明-" + c.No + ".pdf"
}

// Document lays the certificate out as a sheet.
func (s *Service) Document(c *Certificate) *pdfdoc.Document {
	d := &pdfdoc.Document{Title: c.Title(), Number: "№ " + c.No, QR: s.VerifyURL(c), QRCaption: "扫码核验真伪", Created: c.IssuedAt}
	total := []pdfdoc.Field{{Label: "金额合计（小写）", Value: "¥" + money.FormatYuan(c.Total)},
		{Label: "金额合计（大写）", Value: "人民币" + money.Capital(c.Total)}}
	verify := "本证明可扫描右上角二维码，或访问 " + strings.TrimRight(s.BaseURL, "/") + "/verify 输入证明编号和验证码，核验真伪。"
	switch c.Kind {
	case KindNoArrears, KindResidency:
		// A statement: who, what, issued by whom; the facts are the scope
		// the approving clerk's application recorded.
		d.Fields = []pdfdoc.Field{{Label: "纳税人名称", Value: c.TaxpayerName}, {Label: "纳税人识别号", Value: c.TaxpayerCode},
			{Label: "开具税务机关", Value: c.BureauName}, {Label: "开具日期", Value: c.IssuedOn()}, {Label: "验证码", Value: c.CodeDisplay()},
			// A statement has no table, so its text is a field (the
			// renderer prints Totals only under a table of lines).
			{Label: "兹证明", Value: c.Scope}}
		d.Notes = []string{"本证明依据税收征管信息系统中截至开具日期的记录出具。" + verify}
	case KindIITRecord:
		// 纳税记录: each employer's month with its income and the tax it
		// withheld, and the year's totals.
		d.Fields = []pdfdoc.Field{{Label: "纳税人姓名", Value: c.TaxpayerName}, {Label: "纳税人识别号", Value: c.TaxpayerCode},
			{Label: "所属期间", Value: c.Scope}, {Label: "所得项目", Value: "工资、薪金所得"},
			{Label: "开具税务机关", Value: c.BureauName}, {Label: "开具日期", Value: c.IssuedOn()}, {Label: "验证码", Value: c.CodeDisplay()}}
		d.Columns = []pdfdoc.Column{{Name: "税款所属期", NoWrap: true}, {Name: "扣缴义务人名称（识别号）", Share: 1},
			{Name: "收入额", Right: true, NoWrap: true}, {Name: "已扣缴税额", Right: true, NoWrap: true},
			{Name: "申报日期", NoWrap: true}, {Name: "扣缴申报凭证号", NoWrap: true}}
		var income int64
		for _, l := range c.Lines {
			income += l.IncomeFen
			d.Rows = append(d.Rows, []string{l.PeriodStart[:min(7, len(l.PeriodStart))], l.Agent + "\n（" + l.AgentCode + "）",
				money.FormatYuan(l.IncomeFen), money.FormatYuan(l.AmountFen), l.PaidOn, l.VoucherNo})
		}
		d.Foot = []string{"合计", fmt.Sprintf("%d 条", len(c.Lines)), money.FormatYuan(income), money.FormatYuan(c.Total), "", ""}
		d.Totals = []pdfdoc.Field{{Label: "收入合计", Value: "¥" + money.FormatYuan(income)},
			{Label: "已扣缴税额合计（小写）", Value: "¥" + money.FormatYuan(c.Total)},
			{Label: "已扣缴税额合计（大写）", Value: "人民币" + money.Capital(c.Total)}}
		d.Notes = []string{"本记录列示在本系统中由扣缴义务人为您申报扣缴的个人所得税（依据扣缴义务人已受理的个人所得税扣缴申报表），申报日期为扣缴申报受理日期；金额单位：元。",
			"本记录不作为纳税人记账、抵扣凭证。" + verify}
	default:
		d.Fields = []pdfdoc.Field{{Label: "税务机关", Value: c.BureauName}, {Label: "填发日期", Value: c.IssuedOn()},
			{Label: "纳税人识别号", Value: c.TaxpayerCode}, {Label: "纳税人名称", Value: c.TaxpayerName}, {Label: "验证码", Value: c.CodeDisplay()}}
		if c.Scope != "" {
			d.Fields = append(d.Fields, pdfdoc.Field{Label: "开具范围", Value: c.Scope})
		}
		d.Columns = []pdfdoc.Column{{Name: "原凭证号", NoWrap: true}, {Name: "税种", Share: 1}, {Name: "品目名称", Share: 1.3},
			{Name: "税款所属时期", NoWrap: true}, {Name: "入（退）库日期", NoWrap: true}, {Name: "实缴（退）金额", Right: true, NoWrap: true}}
		for _, l := range c.Lines {
			d.Rows = append(d.Rows, []string{l.VoucherNo, l.TaxName, l.Item, period(l), l.PaidOn, money.FormatYuan(l.AmountFen)})
		}
		d.Totals = total
		d.Notes = []string{"本证明不作为纳税人记账、抵扣凭证；金额单位：元。" + verify}
	}
	d.Footer = []pdfdoc.Field{{Label: "填发税务机关", Value: c.BureauName}, {Label: "填发日期", Value: c.IssuedOn()}}
	return d
}

func period(l Line) string {
	if l.PeriodStart == l.PeriodEnd {
		return l.PeriodStart
	}
	return l.PeriodStart + " 至 " + l.PeriodEnd
}
