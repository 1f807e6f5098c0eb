package certs

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/ids"
)

// Verification is what the public verification page may say about a
// certificate: what its own face shows, and nothing more (no lines, no
// full identification number). A number and code that do not match a
// certificate give Genuine false and nothing else.
type Verification struct {
	Genuine      bool
	No           string
	Kind         string
	Title        string
	Scope        string // what it covers, as on its face ("2025年度…")
	TaxpayerName string
	TaxpayerCode string // masked for a natural person (resident ID)
	CodeMasked   string // the verification code with its middle hidden
	Total        int64
	Statement    string // a statement certificate (无欠税证明, 税收居民身份证明): what it certifies, as printed
	IssuedOn     string
	BureauName   string
}

// TotalLabel names the total as the certificate's face does.
func (v *Verification) TotalLabel() string {
	if v.Kind == KindIITRecord {
		return "已扣缴税额合计"
	}
	return "金额合计"
}

// Throttle of the public verification: per client address, and per
// certificate number from all addresses (against guessing one
// certificate's code from many addresses). A code has about 59 bits, so
// these bound enumeration far below any chance of a hit; they also keep
// the page cheap to serve.
const (
	VerifyWindow       = 10 * time.Minute
	VerifyAddressLimit = 30
	VerifyNumberLimit  = 20
)

var errTooMany = apperr.New(apperr.TooMany, "核验次数过多，请 10 分钟后再试")

// dummyCode is compared when the number is unknown, so that an unknown
// number and a wrong code take the same path.
const dummyCode = "222222222222"

// Verify checks a certificate number and verification code. It reserves
// one attempt against the client's address and one against the number
// before looking anything up; over either limit it answers TooMany.
func (s *Service) Verify(ctx context.Context, no, code string) (_ *Verification, err error) {
	defer db.Wrap(&err, "certs.Verify")
	no, code = NormalizeNo(no), NormalizeCode(code)
	if no == "" || code == "" {
		f := apperr.Fields{}
		if no == "" {
			f["no"] = "请填写证明编号"
		}
		if code == "" {
			f["code"] = "请填写验证码"
		}
		return nil, f.Err()
	}
	now := s.Now()
	n, err := auth.CountAttempt(ctx, s.DB, "verify@"+auth.IPFrom(ctx), now, VerifyWindow)
	if err != nil {
		return nil, err
	}
	if n > VerifyAddressLimit {
		return nil, errTooMany
	}
	if n, err = auth.CountAttempt(ctx, s.DB, "verify#"+no, now, VerifyWindow); err != nil {
		return nil, err
	}
	if n > VerifyNumberLimit {
		return nil, errTooMany
	}
	c, err := scanCert(s.DB.QueryRowContext(ctx, `SELECT `+certCols+` FROM certificates WHERE cert_no = $1`, no))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	stored := dummyCode
	if c != nil {
		stored = c.Code
	}
	if subtle.ConstantTimeCompare([]byte(stored), []byte(code)) != 1 || c == nil {
		return &Verification{No: no}, nil
	}
	v := &Verification{Genuine: true, No: c.No, Kind: c.Kind, Title: c.Title(), Scope: c.Scope, TaxpayerName: c.TaxpayerName,
		TaxpayerCode: ids.MaskTaxpayerCode(c.TaxpayerCode, c.TaxpayerKind), CodeMasked: maskCode(c.Code),
		Total: c.Total, IssuedOn: c.IssuedOn(), BureauName: c.BureauName}
	if Statement(c.Kind) {
		v.Statement, v.Scope = c.Scope, ""
	}
	return v, nil
}

// maskCode shows the first and last four characters: "7KQM-****-P9RA".
func maskCode(c string) string {
	if len(c) != CodeLength {
		return "****"
	}
	return c[:4] + "-****-" + c[8:]
}
