package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"taxhall/internal/demo"
)

// A natural person opens 纳税记录, downloads the year's PDF, files the
// annual reconciliation with a serious-illness deduction (a refund), and
// anyone verifies the record on the public page — and a forged code fails.
func TestIITRecordsAndReconciliation(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	year := time.Now().Year() - 1
	var person string
	if err := s.DB.QueryRowContext(ctx, `SELECT resident_id FROM iit_person_lines WHERE year = $1 AND person_taxpayer_id IS NOT NULL
		ORDER BY resident_id LIMIT 1`, year).Scan(&person); err != nil {
		t.Fatalf("the demo withholds no wages of %d for a registered person: %v", year, err)
	}
	p := newPage(t, s, "person")
	j := newJourney(t, p)

	j.step("the person logs in and opens 纳税记录", func(t *testing.T) {
		p.Open("login-form", "/login")
		p.Do(typeInto("#f-code", person), typeInto("#f-password", demo.Password))
		if st := p.Click("login", `form[action="/login"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		if st := p.Click("records", `nav.menu a[href="/hall/iit/records"]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main h1", "个人所得税纳税记录")
		p.ExpectText("main", fmt.Sprintf("%d年度", year), "已扣缴税额合计")
		expectNoSideways(p)
	})

	j.step("the PDF downloads", func(t *testing.T) {
		got := evalJSON[[]string](p, `(() => {
			const f = document.querySelector('form[action="/hall/iit/records/certificate"]');
			const x = new XMLHttpRequest();
			x.open('POST', f.action, false);
			x.overrideMimeType('text/plain; charset=x-user-defined');
			x.send(new URLSearchParams(new FormData(f)));
			return [String(x.status), x.getResponseHeader('Content-Type') || '', x.responseText.slice(0, 5), String(x.responseText.length)];
		})()`)
		if got[0] != "200" || got[1] != "application/pdf" || got[2] != "%PDF-" {
			p.fatalf("download: %v", got)
		}
	})

	j.step("the person files the reconciliation with a refund", func(t *testing.T) {
		p.Open("annual", fmt.Sprintf("/hall/iit/annual?year=%d", year))
		p.ExpectText("main h1", "年度汇算")
		p.ExpectText("main", "预填数据的来源")
		if st := p.Click("start", `main a.btn[href^="/hall/returns/file"]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.Do(typeInto(`input[name="7"]`, "60000"))
		if st := p.Click("submit", `button[name=action][value=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main", "申报回执")
		p.Open("annual-after", fmt.Sprintf("/hall/iit/annual?year=%d", year))
		p.ExpectText("main", "应退税", "计算过程", "应纳税所得额", "退税申请", "已申请，待审核")
	})

	j.step("the record verifies on the public page; a forged code does not", func(t *testing.T) {
		var no, code string
		if err := s.DB.QueryRowContext(ctx, `SELECT cert_no, verify_code FROM certificates WHERE taxpayer_code = $1 AND kind = 'iit_record'`, person).
			Scan(&no, &code); err != nil {
			t.Fatal(err)
		}
		v := newPage(t, s, "verifier")
		v.Open("verify", "/verify")
		v.Do(typeInto("#f-no", no), typeInto("#f-code", code))
		if st := v.Click("check", `main form button[type=submit]`); st != http.StatusOK {
			v.fatalf("status %d", st)
		}
		v.ExpectText("main", "真实有效", "个人所得税纳税记录")
		if strings.Contains(v.Text("main"), person) {
			v.fatalf("the page shows the full resident ID")
		}
		forged := []byte(code)
		forged[0] = map[bool]byte{true: '2', false: '3'}[forged[0] != '2']
		v.Open("forged", "/verify?no="+no+"&code="+string(forged))
		v.ExpectText("main", "未通过核验")
	})
}
