package api

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"taxhall/internal/db/dbtest"
	"taxhall/internal/iitw"
)

// The import check of the withholding return: a good file comes back as
// lines and the _detail to file; a bad row is a 422 naming the row and
// column; nothing is saved either way.
func TestImportReturnLines(t *testing.T) {
	e := newEnv(t, dbtest.NewSQLite(t))
	var code string
	e.query(`SELECT code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1`, nil, &code)
	tok := e.taxpayer(code, "admin")
	const path = "/api/v1/my/returns/import?form=iit&period=2026-10"
	good := "证件号码,姓名,本期收入,子女教育\n350206199001010005,欧阳明轩,12000.5,2000\n"
	// The ID's check digit: GB 11643 over the first 17 digits.
	good = strings.Replace(good, "350206199001010005", validCheck("35020619900101000"), 1)

	res := e.do("POST", path, tok, good, map[string]string{"Content-Type": "text/csv; charset=utf-8"})
	if res.status != http.StatusOK {
		t.Fatalf("csv: %d %s", res.status, res.body)
	}
	var v struct {
		People int
		Lines  []map[string]any
		Detail string
	}
	if err := json.Unmarshal([]byte(res.body), &v); err != nil {
		t.Fatal(err)
	}
	lines, err := iitw.DecodeLines([]byte(v.Detail))
	if err != nil || v.People != 1 || v.Lines[0]["income"] != "12000.50" || v.Lines[0]["row"] != 2.0 || len(lines) != 1 || lines[0].Child != 200_000 {
		t.Errorf("good file: %+v %v", v, err)
	}

	// The same as a multipart upload.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "十月.csv")
	fw.Write([]byte(good))
	mw.Close()
	res = e.do("POST", path, tok, body.String(), map[string]string{"Content-Type": mw.FormDataContentType()})
	if res.status != http.StatusOK || !strings.Contains(res.body, `"people":1`) {
		t.Errorf("multipart: %d %.300s", res.status, res.body)
	}

	// A bad row: 422 with the row and the column.
	bad := good + "350206199001010013,林,9000,1500\n"
	res = e.do("POST", path, tok, bad, map[string]string{"Content-Type": "text/csv"})
	var fail struct {
		Error struct {
			Code   string
			Fields map[string]string
		}
	}
	_ = json.Unmarshal([]byte(res.body), &fail)
	if res.status != http.StatusUnprocessableEntity || !strings.HasPrefix(fail.Error.Fields["row3.name"], "第3行“姓名”") ||
		!strings.Contains(fail.Error.Fields["row3.child"], "1,000元的整数倍") {
		t.Errorf("bad row: %d %s", res.status, res.body)
	}
	// JSON is not a file; nothing was saved as a draft.
	if res := e.do("POST", path, tok, "{}", nil); res.status != http.StatusUnsupportedMediaType {
		t.Errorf("json body: %d %s", res.status, res.body)
	}
	var drafts int
	e.query(`SELECT COUNT(*) FROM return_drafts WHERE form = 'iit'`, nil, &drafts)
	if drafts != 0 {
		t.Errorf("%d drafts after checking files", drafts)
	}
	// A period that has not ended cannot be filed, so not checked either.
	if res := e.do("POST", "/api/v1/my/returns/import?form=iit&period=2026-12", tok, good, map[string]string{"Content-Type": "text/csv"}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("open period: %d %s", res.status, res.body)
	}
}

func validCheck(first17 string) string {
	sum := 0
	for i, w := range []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2} {
		sum += int(first17[i]-'0') * w
	}
	return first17 + string("10X98765432"[sum%11])
}
