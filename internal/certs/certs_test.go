package certs_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/certs"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/pdfdoc"
	"taxhall/internal/pdfdoc/pdftest"
)

var now = time.Date(2026, 12, 6, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// fakePaid stands in for payment.PaidLines: a fixed set of paid lines of
// one taxpayer, selected by item id.
type fakePaid struct {
	taxpayerID int64
	items      map[int64]certs.Line
}

func (f *fakePaid) PaidLines(ctx context.Context, sel certs.Selection) ([]certs.Line, error) {
	a := auth.ActorFrom(ctx)
	var out []certs.Line
	for _, id := range sel.ItemIDs {
		if l, ok := f.items[id]; ok && a.TaxpayerID == f.taxpayerID {
			out = append(out, l)
		}
	}
	return out, nil
}

type hall struct {
	d    *db.DB
	svc  *certs.Service
	a, b *auth.Actor
}

func newHall(t *testing.T, d *db.DB) *hall {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 2, Now: now, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	actors, err := db.Query(ctx, d, func(sc db.Scanner) (*auth.Actor, error) {
		a := &auth.Actor{Kind: auth.Taxpayer, Role: auth.TPLegalRep}
		return a, sc.Scan(&a.UserID, &a.TaxpayerID)
	}, `SELECT u.id, u.taxpayer_id FROM taxpayer_users u JOIN taxpayers t ON t.id = u.taxpayer_id
		WHERE t.kind = 'enterprise' AND u.username = 'admin' ORDER BY t.id LIMIT 2`)
	if err != nil || len(actors) != 2 {
		t.Fatalf("actors: %v %v", actors, err)
	}
	h := &hall{d: d, a: actors[0], b: actors[1],
		svc: &certs.Service{DB: d, Now: func() time.Time { return now }, BaseURL: "https://etax.example.cn/"}}
	h.svc.Paid = &fakePaid{taxpayerID: h.a.TaxpayerID, items: map[int64]certs.Line{
		1: {VoucherNo: "335026126000000101", TaxCode: "vat", TaxName: "增值税", Item: "现代服务", PeriodStart: "2026-07-01", PeriodEnd: "2026-09-30", PaidOn: "2026-10-15", AmountFen: 12_000_00},
		2: {VoucherNo: "335026126000000102", TaxCode: "cit", TaxName: "企业所得税", Item: "应纳税所得额", PeriodStart: "2026-07-01", PeriodEnd: "2026-09-30", PaidOn: "2026-10-15", AmountFen: 345_67},
	}}
	return h
}

func as(a *auth.Actor) context.Context { return auth.WithActor(context.Background(), a) }

func TestIssueNumberKeyAndScope(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		c, err := h.svc.IssuePaid(as(h.a), certs.Selection{ItemIDs: []int64{1, 2}}, "k1")
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^\d{6}2026\d{8}$`).MatchString(c.No) || !strings.HasSuffix(c.No, "00000001") {
			t.Errorf("number %q", c.No)
		}
		if len(c.Code) != certs.CodeLength || c.Total != 12_345_67 || len(c.Lines) != 2 || c.BureauName == "" || c.TaxpayerName == "" {
			t.Errorf("certificate %+v", c)
		}
		again, err := h.svc.IssuePaid(as(h.a), certs.Selection{ItemIDs: []int64{1, 2}}, "k1")
		if err != nil || again.ID != c.ID || again.No != c.No || again.Code != c.Code {
			t.Errorf("same key: %+v %v, want certificate %d", again, err, c.ID)
		}
		second, err := h.svc.IssuePaid(as(h.a), certs.Selection{ItemIDs: []int64{2}}, "k2")
		if err != nil || second.No == c.No || second.Code == c.Code || !strings.HasSuffix(second.No, "00000002") {
			t.Errorf("second: %+v %v", second, err)
		}
		// Nothing paid in the selection: refused, nothing written.
		if _, err := h.svc.IssuePaid(as(h.b), certs.Selection{ItemIDs: []int64{1}}, "k3"); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("B issuing A's items: %v", err)
		}
		// Another taxpayer cannot see or download it.
		if _, err := h.svc.Get(as(h.b), c.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("B reads A's certificate: %v", err)
		}
		if _, _, err := h.svc.PDF(as(h.b), c.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("B downloads A's certificate: %v", err)
		}
		list, next, err := h.svc.List(as(h.a), "", 0)
		if err != nil || len(list) != 2 || next != 0 || list[0].ID != second.ID {
			t.Errorf("list: %v next %d %v", list, next, err)
		}
		if list, _, _ := h.svc.List(as(h.b), "", 0); len(list) != 0 {
			t.Errorf("B's list: %v", list)
		}
	})
}

// Concurrent issues from two connection pools get distinct consecutive
// numbers; concurrent retries of one key make one certificate.
func TestIssueConcurrently(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		d2, err := db.Open(context.Background(), d.DSN())
		if err != nil {
			t.Fatal(err)
		}
		defer d2.Close()
		svc2 := *h.svc
		svc2.DB = d2
		const n = 8
		var wg sync.WaitGroup
		start := make(chan struct{})
		got := make([]*certs.Certificate, 2*n)
		errs := make([]error, 2*n)
		for i := range 2 * n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				svc := h.svc
				if i%2 == 1 {
					svc = &svc2
				}
				key := fmt.Sprintf("k%d", i)
				if i >= n {
					key = "same"
				}
				<-start
				got[i], errs[i] = svc.IssuePaid(as(h.a), certs.Selection{ItemIDs: []int64{1}}, key)
			}()
		}
		close(start)
		wg.Wait()
		nums := map[string]bool{}
		for i := range 2 * n {
			if errs[i] != nil {
				t.Fatalf("issue %d: %v", i, errs[i])
			}
			nums[got[i].No] = true
			if i > n && got[i].ID != got[n].ID {
				t.Errorf("same key gave certificates %d and %d", got[n].ID, got[i].ID)
			}
		}
		if len(nums) != n+1 {
			t.Errorf("%d distinct numbers, want %d", len(nums), n+1)
		}
		var rows, maxN int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM certificates`).Scan(&rows); err != nil || rows != n+1 {
			t.Errorf("%d rows (%v), want %d", rows, err, n+1)
		}
		if err := d.QueryRowContext(context.Background(), `SELECT MAX(n) FROM certificate_counters`).Scan(&maxN); err != nil || maxN != n+1 {
			t.Errorf("counter at %d (%v): numbers were skipped or reused", maxN, err)
		}
	})
}

func TestPDFShowsTheRecord(t *testing.T) {
	if err := (&pdfdoc.Renderer{}).Available(); err != nil {
		t.Skip("no CJK font")
	}
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		c, err := h.svc.IssuePaid(as(h.a), certs.Selection{ItemIDs: []int64{1, 2}}, "k1")
		if err != nil {
			t.Fatal(err)
		}
		pdf, got, err := h.svc.PDF(as(h.a), c.ID)
		if err != nil || got.No != c.No {
			t.Fatal(err)
		}
		text, err := pdftest.Text(pdf)
		if err != nil {
			t.Fatal(err)
		}
		flat := strings.ReplaceAll(text, "\n", "")
		for _, want := range []string{"中华人民共和国税收完税证明", "№ " + c.No, c.CodeDisplay(), c.TaxpayerName, c.TaxpayerCode, c.BureauName,
			"335026126000000101", "增值税", "企业所得税", "2026-07-01 至 2026-09-30", "2026-10-15", "12,000.00", "345.67",
			"¥12,345.67", "人民币壹万贰仟叁佰肆拾伍元陆角柒分"} {
			if !strings.Contains(flat, want) {
				t.Errorf("PDF text lacks %q:\n%s", want, text)
			}
		}
		imgs, err := pdftest.GrayImages(pdf)
		if err != nil || len(imgs) != 1 {
			t.Fatalf("images %d %v", len(imgs), err)
		}
		bmp, _ := gozxing.NewBinaryBitmapFromImage(imgs[0])
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := "https://etax.example.cn/verify?code=" + c.Code + "&no=" + c.No
		if res.GetText() != want {
			t.Errorf("QR %q, want %q", res.GetText(), want)
		}
		again, _, err := h.svc.PDF(as(h.a), c.ID)
		if err != nil || string(again) != string(pdf) {
			t.Errorf("a second download differs (%v)", err)
		}
	})
}

func TestVerify(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		c, err := h.svc.IssuePaid(as(h.a), certs.Selection{ItemIDs: []int64{1, 2}}, "k1")
		if err != nil {
			t.Fatal(err)
		}
		pub := auth.WithIP(context.Background(), "203.0.113.7")
		v, err := h.svc.Verify(pub, c.No, strings.ToLower(c.CodeDisplay()))
		if err != nil || !v.Genuine || v.TaxpayerName != c.TaxpayerName || v.Total != c.Total || v.BureauName != c.BureauName ||
			v.IssuedOn != "2026-12-06" || v.CodeMasked != c.Code[:4]+"-****-"+c.Code[8:] {
			t.Errorf("genuine: %+v %v", v, err)
		}
		forged := []byte(c.Code)
		forged[5] = map[bool]byte{true: 'A', false: 'B'}[forged[5] != 'A']
		for _, f := range [][2]string{{c.No, string(forged)}, {c.No[:len(c.No)-1] + "9", c.Code}, {"350203202600000077", c.Code}} {
			v, err := h.svc.Verify(pub, f[0], f[1])
			if err != nil || v.Genuine || v.TaxpayerName != "" || v.Total != 0 {
				t.Errorf("forged %v: %+v %v", f, v, err)
			}
		}
		if _, err := h.svc.Verify(pub, "", ""); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("empty: %v", err)
		}
	})
}

// The address limit holds under parallel guessing: of 50 concurrent
// attempts from one address, exactly VerifyAddressLimit are answered;
// another address still gets through. The number limit holds across
// addresses.
func TestVerifyThrottle(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		c, err := h.svc.IssuePaid(as(h.a), certs.Selection{ItemIDs: []int64{1}}, "k1")
		if err != nil {
			t.Fatal(err)
		}
		const tries = 50
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, tries)
		for i := range tries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = h.svc.Verify(auth.WithIP(context.Background(), "198.51.100.1"), fmt.Sprintf("3502032026%08d", 100+i), "ABCDABCDABCD")
			}()
		}
		close(start)
		wg.Wait()
		answered := 0
		for _, err := range errs {
			switch {
			case err == nil:
				answered++
			case apperr.CodeOf(err) == apperr.TooMany:
			default:
				t.Fatal(err)
			}
		}
		if answered != certs.VerifyAddressLimit {
			t.Errorf("%d of %d answered, want %d", answered, tries, certs.VerifyAddressLimit)
		}
		if v, err := h.svc.Verify(auth.WithIP(context.Background(), "198.51.100.2"), c.No, c.Code); err != nil || !v.Genuine {
			t.Errorf("another address: %+v %v", v, err)
		}
		// One number from many addresses.
		limited := 0
		for i := range certs.VerifyNumberLimit + 5 {
			_, err := h.svc.Verify(auth.WithIP(context.Background(), fmt.Sprintf("192.0.2.%d", i)), c.No, "ZZZZZZZZZZZZ")
			if apperr.CodeOf(err) == apperr.TooMany {
				limited++
			}
		}
		// The genuine check above used one attempt of the number.
		if limited != 6 {
			t.Errorf("%d attempts on one number refused, want 6", limited)
		}
		// After the window it answers again.
		h.svc.Now = func() time.Time { return now.Add(certs.VerifyWindow + time.Second) }
		if v, err := h.svc.Verify(auth.WithIP(context.Background(), "198.51.100.1"), c.No, c.Code); err != nil || !v.Genuine {
			t.Errorf("after the window: %+v %v", v, err)
		}
	})
}
