package kb_test

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
	"taxhall/internal/kb"
)

func sheet(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImportExport: a file with bad rows imports nothing and names each
// row; a good file adds drafts and updates by 编号; the export reads back.
func TestImportExport(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		svc := newService(d)
		agent := ixtest.As(w.Staff(t, w.Xiamen, "A01", auth.Role12366Agent))
		e, err := svc.Create(agent, vatEntry)
		if err != nil {
			t.Fatal(err)
		}
		bad := sheet(t, [][]string{kb.Header,
			{"", "印花税按季申报期限？", "季度终了之日起15日内。", "印花税", "《中华人民共和国印花税法》", "2022-07-01", ""},
			{"", "", "没有问题", "增值税", "", "2026-01-01", ""},
			{"", "税种不对", "答复", "关税", "", "2026-13-01", ""},
			{"abc", "编号不对", "答复", "增值税", "", "2026-01-01", ""},
		})
		_, _, err = svc.Import(agent, bad)
		var ie *kb.ImportError
		if !errors.As(err, &ie) || len(ie.Problems) != 4 || ie.Problems[0].Row != 3 || ie.Problems[1].Row != 4 || ie.Problems[3].Row != 5 {
			t.Fatalf("bad file: %v %+v", err, ie)
		}
		if p, _ := svc.List(agent, kb.Draft, 0); len(p.Items) != 1 {
			t.Fatalf("a bad file imported rows: %d drafts", len(p.Items))
		}
		good := sheet(t, [][]string{kb.Header,
			{"", "印花税按季申报期限？", "季度终了之日起15日内。", "印花税", "《中华人民共和国印花税法》", "2022-07-01", ""},
			{strconv.FormatInt(e.ID, 10), e.Question, "更新后的答复", "vat", "", "2026-01-01", "2026-12-31"},
		})
		c, u, err := svc.Import(agent, good)
		if err != nil || c != 1 || u != 1 {
			t.Fatalf("good file: %d %d %v", c, u, err)
		}
		var out bytes.Buffer
		if err := svc.Export(agent, &out); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&out)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("Sheet1")
		if len(rows) != 3 || rows[1][2] != "更新后的答复" || rows[1][6] != "2026-12-31" || rows[2][3] != "印花税" {
			t.Fatalf("export: %q", rows)
		}
		// What was exported imports again: both entries updated.
		var again bytes.Buffer
		if err := svc.Export(agent, &again); err != nil {
			t.Fatal(err)
		}
		if c, u, err := svc.Import(agent, again.Bytes()); err != nil || c != 0 || u != 2 {
			t.Fatalf("re-import: %d %d %v", c, u, err)
		}
	})
}
