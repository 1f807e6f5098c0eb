package forms

import (
	"strings"
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/rules"
)

// The statements' own arithmetic (小企业会计准则 附录 会小企01表、会小企02表):
// 资产总计 = 负债和所有者权益总计; 营业利润, 利润总额, 净利润 by their formulas.
func TestBalanceSheetBalances(t *testing.T) {
	in := Input{Period: rules.Quarter(2026, 3)}
	raw := map[string]string{"1.end": "200000", "9.end": "100000", "12.end": "60000", "18.end": "500000", "19.end": "100000",
		"33.end": "150000", "48.end": "500000", "51.end": "50000"}
	out, err := BalanceSheet.Run(in, raw)
	if err != nil {
		t.Fatal(err)
	}
	if out.Values["30.end"] != 70_000_000 || out.Values["53.end"] != 70_000_000 || out.Values["20.end"] != 40_000_000 {
		t.Errorf("totals 30=%d 53=%d 20=%d", out.Values["30.end"], out.Values["53.end"], out.Values["20.end"])
	}
	raw["51.end"] = "40000"
	_, err = BalanceSheet.Run(in, raw)
	e := apperr.As(err)
	if msg := e.Fields["51.end"]; !strings.Contains(msg, "700,000.00") || !strings.Contains(msg, "690,000.00") || !strings.Contains(msg, "相差 10,000.00") {
		t.Errorf("unbalanced message = %q", msg)
	}
}

func TestIncomeStatementAgreesWithEIT(t *testing.T) {
	raw := map[string]string{"1.ytd": "900000", "2.ytd": "600000", "3.ytd": "5000", "14.ytd": "100000", "22.ytd": "5000", "24.ytd": "1000",
		"31.ytd": "9000", "1.period": "300000"}
	out, err := IncomeStatement.Run(Input{Period: rules.Quarter(2026, 3)}, raw)
	if err != nil {
		t.Fatal(err)
	}
	if out.Values["21.ytd"] != 19_500_000 || out.Values["30.ytd"] != 19_900_000 || out.Values["32.ytd"] != 19_000_000 {
		t.Errorf("21=%d 30=%d 32=%d", out.Values["21.ytd"], out.Values["30.ytd"], out.Values["32.ytd"])
	}
	if len(out.Notes) == 0 {
		t.Error("no note that the EIT return is missing")
	}
	_, err = IncomeStatement.Run(Input{Period: rules.Quarter(2026, 3), Extra: &EITFigures{AckNo: "1", Revenue: 85_000_000, Profit: 19_900_000}}, raw)
	e := apperr.As(err)
	if msg := e.Fields["1.ytd"]; !strings.Contains(msg, "900,000.00") || !strings.Contains(msg, "850,000.00") {
		t.Errorf("cross-form message = %q", msg)
	}
	if _, ok := e.Fields["31.ytd"]; ok {
		t.Errorf("profit agreed but flagged: %v", e.Fields)
	}
}
