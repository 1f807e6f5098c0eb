package uploads_test

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/uploads"
)

var now = time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)

var (
	pdf = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	jpg = []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}
)

func xlsx(t *testing.T, withBook bool) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := []string{"[Content_Types].xml"}
	if withBook {
		names = append(names, "xl/workbook.xml")
	} else {
		names = append(names, "word/document.xml")
	}
	for _, n := range names {
		w, _ := zw.Create(n)
		_, _ = w.Write([]byte("<x/>"))
	}
	_ = zw.Close()
	return b.Bytes()
}

func TestSniff(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want string // "" for refused
	}{
		{"a.pdf", pdf, "application/pdf"},
		{"A.PDF", pdf, "application/pdf"},
		{"a.jpg", jpg, "image/jpeg"},
		{"a.jpeg", jpg, "image/jpeg"},
		{"a.png", png, "image/png"},
		{"a.xlsx", xlsx(t, true), uploads.Types[3].ContentType},
		{"a.pdf", png, ""},                   // lying extension
		{"a.png", pdf, ""},                   // lying extension
		{"a", pdf, ""},                       // no extension
		{"a.docx", xlsx(t, false), ""},       // a zip that is no workbook
		{"a.xlsx", xlsx(t, false), ""},       // a zip that is no workbook
		{"a.html", []byte("<html>"), ""},     // not accepted at all
		{"a.pdf", []byte("<html>%PDF-"), ""}, // PDF marker not at the start
	}
	for _, c := range cases {
		got, err := uploads.Sniff(c.data, c.name)
		if c.want == "" && err == nil {
			t.Errorf("%s %.8q: accepted as %s", c.name, c.data, got)
		}
		if c.want != "" && (err != nil || got != c.want) {
			t.Errorf("%s: %q %v, want %s", c.name, got, err, c.want)
		}
	}
	if _, err := uploads.Sniff(png, "scan.pdf"); err == nil || !strings.Contains(err.Error(), "PNG") {
		t.Errorf("lying extension message: %v", err)
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		`C:\Users\a\营业执照.pdf`:             "营业执照.pdf",
		"../../etc/passwd":                "passwd",
		"a\"b\x00c.png":                   "abc.png",
		strings.Repeat("长", 200) + ".pdf": strings.Repeat("长", uploads.MaxName-4) + ".pdf",
	} {
		if got := uploads.CleanName(in); got != want {
			t.Errorf("CleanName(%.30q) = %.30q, want %.30q", in, got, want)
		}
	}
}

type fixture struct {
	d                    *db.DB
	tpA, tpB             int64
	userA, userB         *auth.Actor
	siming, huli, xiamen *auth.Actor
}

func staffActor(t *testing.T, d *db.DB, no string) *auth.Actor {
	t.Helper()
	a := &auth.Actor{Kind: auth.Staff, StaffNo: no}
	var roles string
	if err := d.QueryRowContext(context.Background(), `SELECT s.id, s.roles, o.id, o.path FROM staff s JOIN orgs o ON o.id = s.org_id WHERE s.staff_no = $1`, no).
		Scan(&a.UserID, &roles, &a.OrgID, &a.OrgPath); err != nil {
		t.Fatal(err)
	}
	a.Roles = strings.Split(roles, ",")
	return a
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 2, Now: now, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{d: d}
	// The first two demo enterprises: 思明 and 湖里.
	for i, p := range []*int64{&f.tpA, &f.tpB} {
		if err := d.QueryRowContext(ctx, `SELECT id FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1 OFFSET $1`, i).Scan(p); err != nil {
			t.Fatal(err)
		}
	}
	f.userA = &auth.Actor{Kind: auth.Taxpayer, UserID: 1, TaxpayerID: f.tpA}
	f.userB = &auth.Actor{Kind: auth.Taxpayer, UserID: 2, TaxpayerID: f.tpB}
	f.siming, f.huli, f.xiamen = staffActor(t, d, "35020301"), staffActor(t, d, "35020601"), staffActor(t, d, "35020001")
	return f
}

func (f *fixture) store(t *testing.T, owner uploads.Owner, name string, data []byte) *uploads.Upload {
	t.Helper()
	var u *uploads.Upload
	err := f.d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		u, err = uploads.Store(context.Background(), tx, now, uploads.UploaderOf(f.userA), owner, "file", name, data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestStoreDeduplicatesAndScopes(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		owner := uploads.Owner{Kind: "application", ID: 1, Slot: "licence", TaxpayerID: f.tpA}
		var before int // the demo's own files (courseware)
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM upload_blobs`).Scan(&before); err != nil {
			t.Fatal(err)
		}
		u1 := f.store(t, owner, "执照.pdf", pdf)
		u2 := f.store(t, uploads.Owner{Kind: "application", ID: 2, TaxpayerID: f.tpA}, "执照副本.pdf", pdf)
		if u1.SHA256 != u2.SHA256 || u1.ID == u2.ID {
			t.Fatalf("two uploads of one content: %+v %+v", u1, u2)
		}
		var blobs int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM upload_blobs`).Scan(&blobs); err != nil || blobs != before+1 {
			t.Fatalf("blobs %d %v, want %d", blobs, err, before+1)
		}
		list, err := uploads.ByOwner(ctx, d, "application", 1)
		if err != nil || len(list) != 1 || list[0].Owner.Slot != "licence" || list[0].Filename != "执照.pdf" {
			t.Fatalf("ByOwner: %+v %v", list, err)
		}
		svc := &uploads.Service{DB: d}
		for _, c := range []struct {
			who  string
			a    *auth.Actor
			want bool
		}{
			{"own user", f.userA, true}, {"other taxpayer", f.userB, false}, {"own district clerk", f.siming, true},
			{"city staff", f.xiamen, true}, {"other district clerk", f.huli, false}, {"nobody", nil, false},
		} {
			ctx := auth.WithActor(ctx, c.a)
			u, data, err := svc.Open(ctx, u1.ID)
			switch {
			case c.want && (err != nil || !bytes.Equal(data, pdf) || u.ContentType != "application/pdf"):
				t.Errorf("%s: %v", c.who, err)
			case !c.want && apperr.CodeOf(err) != apperr.NotFound:
				t.Errorf("%s: %v, want not found", c.who, err)
			}
		}
		// A lying file is refused with a field error and writes nothing.
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := uploads.Store(ctx, tx, now, uploads.UploaderOf(f.userA), owner, "m_licence", "scan.pdf", png)
			return err
		})
		if e := apperr.As(err); e.Code != apperr.Invalid || e.Fields["m_licence"] == "" {
			t.Errorf("lying upload: %v", err)
		}
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := uploads.Store(ctx, tx, now, uploads.UploaderOf(f.userA), owner, "f", "big.pdf", append(pdf, make([]byte, uploads.MaxSize)...))
			return err
		})
		if apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("oversized upload: %v", err)
		}
		// Removed files are gone for everyone.
		if err := d.Tx(ctx, func(tx *sql.Tx) error {
			ok, err := uploads.Remove(ctx, tx, now, "application", 1, u1.ID)
			if !ok && err == nil {
				t.Error("remove reported nothing removed")
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Open(auth.WithActor(ctx, f.userA), u1.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("removed file: %v", err)
		}
	})
}

func TestWriteHeaders(t *testing.T) {
	rec := httptest.NewRecorder()
	uploads.Write(rec, &uploads.Upload{Filename: "营业执照.pdf", ContentType: "application/pdf"}, pdf)
	h := rec.Result().Header
	if h.Get("Content-Type") != "application/pdf" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", h)
	}
	if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline;") || !strings.Contains(cd, "filename*=utf-8''%E8%90%A5") {
		t.Errorf("Content-Disposition %q", cd)
	}
	rec = httptest.NewRecorder()
	uploads.Write(rec, &uploads.Upload{Filename: "a.xlsx", ContentType: uploads.Types[3].ContentType}, []byte("PK"))
	if cd := rec.Result().Header.Get("Content-Disposition"); cd != `attachment; filename=a.xlsx` {
		t.Errorf("xlsx disposition %q", cd)
	}
}
