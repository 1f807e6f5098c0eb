package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/certs"
	"taxhall/internal/httpx"
)

// Certificates (完税证明 and 个人所得税纳税记录): the public verification,
// and a taxpayer's own certificates with their PDFs. The same
// certs.Service as /verify and /hall/certificates: the verification shares
// the page's throttle (per client address and per certificate number).

const tagCerts = "完税证明"

func (a *API) certificateRoutes() []route {
	return []route{
		{Pattern: "GET /certificates/verify", Tag: tagCerts, Access: Public,
			Errors:  []apperr.Code{apperr.Invalid, apperr.TooMany},
			Summary: "核验完税证明、纳税记录的真伪（无需登录）",
			Doc: "输入证明编号和验证码（可带空格、“-”，不区分大小写；也可取自证明上二维码的地址）。真实的证明返回 genuine 为 true 以及证明票面上的" +
				"纳税人名称、识别号（自然人部分遮挡）、合计金额、开具日期和税务机关；不符时只返回 genuine 为 false，不说明是编号还是验证码不对。" +
				"与网页 /verify 共用限制：同一地址 10 分钟内最多 30 次、同一证明编号 10 分钟内最多 20 次，超过返回 429。",
			Handler: handle(a.verifyCertificate)},
		{Pattern: "GET /my/certificates", Tag: tagCerts, Access: TaxpayerUser,
			Summary: "我的证明（最新的在前）",
			Doc:     "本纳税人开具过的税收完税证明和个人所得税纳税记录。按 id 倒序分页：下一页以上一页返回的 next 作为 before 参数；next 为 0 表示没有更多。",
			Handler: handle(a.myCertificates)},
		{Pattern: "POST /my/certificates", Tag: tagCerts, Access: TaxpayerUser, Idempotent: true, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "开具税收完税证明",
			Doc: "按已成功的缴款（item_ids，缴款 id）或缴款日期范围（from 至 to）开具，每项税款一行、滞纳金另列一行。必须带 Idempotency-Key：首次 201，同一幂等键重复 200 并返回同一份证明（replayed 为 true）；" +
				"同一幂等键用于另一范围返回 409。没有已缴纳的记录返回 422。PDF 见 GET /api/v1/my/certificates/{id}/pdf。",
			Handler: handle(a.issueCertificate)},
		{Pattern: "GET /my/certificates/{id}", Tag: tagCerts, Access: TaxpayerUser, Object: "certificate",
			Summary: "查看一份证明及其明细", Doc: "含验证码和核验地址（verify_url，即二维码的内容）。其他纳税人的证明返回 404。",
			Handler: handle(a.myCertificate)},
		{Pattern: "GET /my/certificates/{id}/pdf", Tag: tagCerts, Access: TaxpayerUser, Object: "certificate",
			Errors:  []apperr.Code{apperr.Unavailable},
			Summary: "下载证明 PDF",
			Doc:     "每次按开具时登记的内容重新生成，内容相同。服务器缺少中文字体时返回 503。其他纳税人的证明返回 404。",
			Handler: download("application/pdf", a.myCertificatePDF)},
	}
}

type verifyQuery struct {
	No   string `query:"no" doc:"证明编号"`
	Code string `query:"code" doc:"验证码"`
}

// verificationView is what the public may learn: the certificate's face,
// never its lines.
type verificationView struct {
	Genuine      bool   `json:"genuine" doc:"true：编号与验证码相符，是本系统开具的证明"`
	No           string `json:"no" doc:"证明编号（规范化后）"`
	Kind         string `json:"kind,omitempty" enum:"certificate_kinds"`
	Title        string `json:"title,omitempty" doc:"证明名称"`
	Scope        string `json:"scope,omitempty" doc:"证明上载明的范围（所属期间或开具范围）"`
	TaxpayerName string `json:"taxpayer_name,omitempty"`
	TaxpayerCode string `json:"taxpayer_code,omitempty" doc:"纳税人识别号；自然人的身份证件号码部分遮挡"`
	CodeMasked   string `json:"code_masked,omitempty" doc:"验证码（中间部分遮挡）"`
	TotalFen     int64  `json:"total_fen,omitempty" doc:"合计金额（分）：完税证明为实缴金额合计，纳税记录为已扣缴税额合计"`
	IssuedOn     string `json:"issued_on,omitempty" doc:"开具日期"`
	BureauName   string `json:"bureau_name,omitempty" doc:"开具税务机关"`
}

func (a *API) verifyCertificate(ctx context.Context, _ *http.Request, q verifyQuery) (verificationView, error) {
	v, err := a.Certs.Verify(ctx, q.No, q.Code)
	if err != nil {
		return verificationView{}, err
	}
	return verificationView{Genuine: v.Genuine, No: v.No, Kind: v.Kind, Title: v.Title, Scope: v.Scope, TaxpayerName: v.TaxpayerName, TaxpayerCode: v.TaxpayerCode,
		CodeMasked: v.CodeMasked, TotalFen: v.Total, IssuedOn: v.IssuedOn, BureauName: v.BureauName}, nil
}

type certificatesQuery struct {
	Kind   string `query:"kind" enum:"certificate_kinds" doc:"tax_paid 税收完税证明，iit_record 个人所得税纳税记录；不填为全部"`
	Before int64  `query:"before" min:"1" doc:"上一页返回的 next，不填为第一页"`
}

// certificateItem is a certificate in a list, without its lines.
type certificateItem struct {
	ID           int64     `json:"id"`
	No           string    `json:"no" doc:"证明编号"`
	Kind         string    `json:"kind" enum:"certificate_kinds"`
	Title        string    `json:"title" doc:"证明名称"`
	Scope        string    `json:"scope,omitempty" doc:"开具范围，如 2025年度"`
	Lines        int       `json:"lines" doc:"明细条数"`
	TotalFen     int64     `json:"total_fen" doc:"合计金额（分）"`
	IssuedAt     time.Time `json:"issued_at"`
	PDF          string    `json:"pdf" doc:"PDF 下载地址"`
	IssuedOn     string    `json:"issued_on" doc:"开具日期"`
	BureauName   string    `json:"bureau_name" doc:"开具税务机关"`
	TaxpayerName string    `json:"taxpayer_name"`
}

type certificatesPage struct {
	Items []certificateItem `json:"items"`
	Next  int64             `json:"next" doc:"下一页的 before 参数；0 表示没有更多"`
}

// certificateLine is one line a certificate certifies.
type certificateLine struct {
	VoucherNo   string `json:"voucher_no" doc:"原凭证号（纳税记录为扣缴申报的回执号）"`
	TaxName     string `json:"tax_name" doc:"税种"`
	Item        string `json:"item" doc:"品目"`
	PeriodStart string `json:"period_start" doc:"税款所属期起"`
	PeriodEnd   string `json:"period_end" doc:"税款所属期止"`
	PaidOn      string `json:"paid_on" doc:"入（退）库日期；纳税记录为扣缴申报日期"`
	AmountFen   int64  `json:"amount_fen" doc:"实缴（退）金额或已扣缴税额（分）"`
	IncomeFen   int64  `json:"income_fen,omitempty" doc:"收入额（分），仅纳税记录"`
	Agent       string `json:"agent,omitempty" doc:"扣缴义务人名称，仅纳税记录"`
	AgentCode   string `json:"agent_code,omitempty" doc:"扣缴义务人识别号，仅纳税记录"`
}

// certificateView is one certificate in full.
type certificateView struct {
	ID           int64             `json:"id"`
	No           string            `json:"no" doc:"证明编号"`
	Kind         string            `json:"kind" enum:"certificate_kinds"`
	Title        string            `json:"title" doc:"证明名称"`
	Scope        string            `json:"scope,omitempty" doc:"开具范围，如 2025年度"`
	TotalFen     int64             `json:"total_fen" doc:"合计金额（分）"`
	IssuedAt     time.Time         `json:"issued_at"`
	PDF          string            `json:"pdf" doc:"PDF 下载地址"`
	IssuedOn     string            `json:"issued_on" doc:"开具日期"`
	BureauName   string            `json:"bureau_name" doc:"开具税务机关"`
	TaxpayerName string            `json:"taxpayer_name"`
	TaxpayerCode string            `json:"taxpayer_code"`
	VerifyCode   string            `json:"verify_code" doc:"验证码（票面上的写法，每四位一组）"`
	VerifyURL    string            `json:"verify_url" doc:"核验地址，即二维码的内容"`
	Items        []certificateLine `json:"items" doc:"明细"`
	Replayed     bool              `json:"replayed" doc:"true：同一幂等键此前已开具成功（HTTP 200），返回的是那份证明"`
}

func (v certificateView) replayed() bool { return v.Replayed }

func viewCertificateItem(c *certs.Certificate) certificateItem {
	return certificateItem{ID: c.ID, No: c.No, Kind: c.Kind, Title: c.Title(), Scope: c.Scope, Lines: len(c.Lines), TotalFen: c.Total,
		IssuedAt: c.IssuedAt, IssuedOn: c.IssuedOn(), BureauName: c.BureauName, TaxpayerName: c.TaxpayerName,
		PDF: Prefix + "/my/certificates/" + strconv.FormatInt(c.ID, 10) + "/pdf"}
}

func (a *API) viewCertificate(c *certs.Certificate) certificateView {
	i := viewCertificateItem(c)
	v := certificateView{ID: i.ID, No: i.No, Kind: i.Kind, Title: i.Title, Scope: i.Scope, TotalFen: i.TotalFen, IssuedAt: i.IssuedAt, PDF: i.PDF,
		IssuedOn: i.IssuedOn, BureauName: i.BureauName, TaxpayerName: i.TaxpayerName, TaxpayerCode: c.TaxpayerCode, VerifyCode: c.CodeDisplay(),
		VerifyURL: a.Certs.VerifyURL(c), Items: []certificateLine{}, Replayed: c.Replayed}
	for _, l := range c.Lines {
		v.Items = append(v.Items, certificateLine{VoucherNo: l.VoucherNo, TaxName: l.TaxName, Item: l.Item, PeriodStart: l.PeriodStart,
			PeriodEnd: l.PeriodEnd, PaidOn: l.PaidOn, AmountFen: l.AmountFen, IncomeFen: l.IncomeFen, Agent: l.Agent, AgentCode: l.AgentCode})
	}
	return v
}

func (a *API) myCertificates(ctx context.Context, _ *http.Request, q certificatesQuery) (certificatesPage, error) {
	list, next, err := a.Certs.List(ctx, q.Kind, q.Before)
	if err != nil {
		return certificatesPage{}, err
	}
	return certificatesPage{Items: mapList(list, viewCertificateItem).Items, Next: next}, nil
}

func (a *API) myCertificate(ctx context.Context, r *http.Request, _ noBody) (certificateView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return certificateView{}, err
	}
	c, err := a.Certs.Get(ctx, id)
	if err != nil {
		return certificateView{}, err
	}
	return a.viewCertificate(c), nil
}

func (a *API) myCertificatePDF(ctx context.Context, r *http.Request, _ noBody) (file, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return file{}, err
	}
	pdf, c, err := a.Certs.PDF(ctx, id)
	if err != nil {
		return file{}, err
	}
	return file{Body: pdf, Name: c.FileName(), ASCII: "certificate-" + c.No + ".pdf"}, nil
}

type issueRequest struct {
	ItemIDs []int64 `json:"item_ids,omitempty" doc:"已成功的缴款 id（GET /api/v1/my/payments）；填写时不看 from、to"`
	From    string  `json:"from,omitempty" doc:"缴款日期起，YYYY-MM-DD"`
	To      string  `json:"to,omitempty" doc:"缴款日期止，YYYY-MM-DD"`
}

func (a *API) issueCertificate(ctx context.Context, r *http.Request, in issueRequest) (certificateView, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return certificateView{}, err
	}
	sel := certs.Selection{ItemIDs: in.ItemIDs}
	if len(sel.ItemIDs) == 0 {
		f := apperr.Fields{}
		if sel.From, err = calendar.ParseDate(in.From); err != nil {
			f.Add("from", "请填写缴款日期起（YYYY-MM-DD），或填写 item_ids")
		}
		if sel.To, err = calendar.ParseDate(in.To); err != nil {
			f.Add("to", "请填写缴款日期止（YYYY-MM-DD）")
		} else if !sel.From.IsZero() && sel.To.Before(sel.From) {
			f.Add("to", "结束日期不能早于开始日期")
		}
		if err := f.Err(); err != nil {
			return certificateView{}, err
		}
	}
	for _, id := range sel.ItemIDs {
		if id <= 0 {
			return certificateView{}, apperr.InvalidField("item_ids", "缴款记录 id 应为正整数")
		}
	}
	c, err := a.Certs.IssuePaid(ctx, sel, key)
	if err != nil {
		return certificateView{}, err
	}
	if c.Replayed && c.Kind != certs.KindTaxPaid {
		return certificateView{}, keyReused(c)
	}
	return a.viewCertificate(c), nil
}

// keyReused refuses a key that issued another certificate.
func keyReused(c *certs.Certificate) error {
	return apperr.New(apperr.Conflict, "该幂等键已用于开具"+c.Title()+"（编号 "+c.No+"），请为这次开具生成新的幂等键")
}
