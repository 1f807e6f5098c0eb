package certs

import (
	"context"
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
	if c.Kind == KindIITRecord {
		return "个人所得税纳税记录-" + c.No + ".pdf"
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
	case KindIITRecord:
		d.Fields = []pdfdoc.Field{{Label: "纳税人姓名", Value: c.TaxpayerName}, {Label: "纳税人识别号", Value: c.TaxpayerCode},
			{Label: "所属期间", Value: c.Scope}, {Label: "开具税务机关", Value: c.BureauName}, {Label: "验证码", Value: c.CodeDisplay()},
			{Label: "开具日期", Value: c.IssuedOn()}}
		d.Columns = []pdfdoc.Column{{Name: "税款所属期", Share: 2.6}, {Name: "扣缴义务人", Share: 4}, {Name: "征收项目（品目）", Share: 2.8},
			{Name: "申报日期", Share: 2.2}, {Name: "扣缴申报凭证号", Share: 3}, {Name: "已扣缴税额", Share: 2.2, Right: true}}
		for _, l := range c.Lines {
			d.Rows = append(d.Rows, []string{period(l), l.Agent + "（" + l.AgentCode + "）", l.TaxName + "（" + l.Item + "）",
				l.PaidOn, l.VoucherNo, money.FormatYuan(l.AmountFen)})
		}
		d.Totals = total
		d.Notes = []string{"本记录列示在本系统中由扣缴义务人为您申报扣缴的个人所得税（依据扣缴义务人已受理的个人所得税扣缴申报表），申报日期为扣缴申报受理日期。",
			"本记录不作为纳税人记账、抵扣凭证。" + verify}
	default:
		d.Fields = []pdfdoc.Field{{Label: "税务机关", Value: c.BureauName}, {Label: "填发日期", Value: c.IssuedOn()},
			{Label: "纳税人识别号", Value: c.TaxpayerCode}, {Label: "纳税人名称", Value: c.TaxpayerName}, {Label: "验证码", Value: c.CodeDisplay()}}
		if c.Scope != "" {
			d.Fields = append(d.Fields, pdfdoc.Field{Label: "开具范围", Value: c.Scope})
		}
		d.Columns = []pdfdoc.Column{{Name: "原凭证号", Share: 3.2}, {Name: "税种", Share: 2}, {Name: "品目名称", Share: 3},
			{Name: "税款所属时期", Share: 3.4}, {Name: "入（退）库日期", Share: 2.4}, {Name: "实缴（退）金额", Share: 2.4, Right: true}}
		for _, l := range c.Lines {
			d.Rows = append(d.Rows, []string{l.VoucherNo, l.TaxName, l.Item, period(l), l.PaidOn, money.FormatYuan(l.AmountFen)})
		}
		d.Totals = total
		d.Notes = []string{"本证明不作为纳税人记账、抵扣凭证。" + verify}
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
