package demo

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"taxhall/internal/forms"
)

// The blank general VAT return carries its annex on a sheet of its own,
// rows and columns by their official numbers, the greyed cells dashed.
func TestBlankFormHasTheAnnex(t *testing.T) {
	b, err := formWorkbook(forms.VATGeneral)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); len(got) != 2 || got[1] != "附列资料（一）" {
		t.Fatalf("sheets = %v", got)
	}
	rows, err := x.GetRows("附列资料（一）")
	if err != nil {
		t.Fatal(err)
	}
	// Head: title, basis, column heads; then the first section and row 1.
	if len(rows) < 5 || rows[2][0] != "行次" || rows[2][2] != "1 开具增值税专用发票 销售额" || rows[4][0] != "1" ||
		rows[4][3] != "（自动计算）" || rows[4][13] != "—" {
		t.Errorf("rows = %q", rows[:min(len(rows), 5)])
	}
}
