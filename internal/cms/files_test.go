package cms_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// pngImage is a real 4×3 PNG.
func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var pdfFile = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// TestArticleFiles: an editor of the site uploads an image and an
// attachment to a draft; wrong kinds are refused on the right field; before
// publication only the site's content staff read the files, after it
// everybody; a later version without the image still has it on record.
func TestArticleFiles(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		id, err := f.svc.Create(ctx, f.editor, text(f.column))
		if err != nil {
			t.Fatal(err)
		}
		img, err := f.svc.AddFile(ctx, f.editor, id, cms.SlotImage, "办税流程.png", pngImage(t))
		if err != nil || img.ContentType != "image/png" {
			t.Fatalf("image: %+v %v", img, err)
		}
		att, err := f.svc.AddFile(ctx, f.editor, id, cms.SlotAttachment, `C:\docs\申请表.pdf`, pdfFile)
		if err != nil || att.Filename != "申请表.pdf" {
			t.Fatalf("attachment: %+v %v", att, err)
		}
		for _, c := range []struct {
			slot, name string
			data       []byte
			field      string
		}{
			{cms.SlotImage, "a.pdf", pdfFile, "file"},              // a PDF is no image
			{cms.SlotAttachment, "a.png", pngImage(t), "file"},     // an image goes into the body
			{cms.SlotImage, "a.png", pdfFile, "file"},              // the name lies about the content
			{cms.SlotImage, "a.gif", []byte("GIF89a...."), "file"}, // not accepted at all
			{cms.SlotImage, "a.png", nil, "file"},
			{"video", "a.png", pngImage(t), "kind"},
		} {
			_, err := f.svc.AddFile(ctx, f.editor, id, c.slot, c.name, c.data)
			if e := apperr.As(err); e == nil || e.Fields[c.field] == "" {
				t.Errorf("%s %s: %v", c.slot, c.name, err)
			}
		}
		if _, err := f.svc.AddFile(ctx, f.otherEditor, id, cms.SlotImage, "a.png", pngImage(t)); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another city's editor uploads: %v", err)
		}
		if _, err := f.svc.AddFile(ctx, f.reviewer, id, cms.SlotImage, "a.png", pngImage(t)); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("a reviewer uploads: %v", err)
		}
		imgs, err := f.svc.Files(ctx, f.reviewer, id, cms.SlotImage)
		if err != nil || len(imgs) != 1 || imgs[0].ID != img.ID {
			t.Fatalf("images: %+v %v", imgs, err)
		}

		// Before publication: the site's content staff only.
		if _, data, public, err := f.svc.OpenFile(ctx, f.reviewer, img.ID); err != nil || public || !bytes.Equal(data, pngImage(t)) {
			t.Errorf("reviewer opens the draft's image: public %v, %v", public, err)
		}
		for name, a := range map[string]*auth.Actor{"anonymous": nil, "another city": f.otherEditor, "a taxpayer": {Kind: auth.Taxpayer, UserID: 1, TaxpayerID: 1}} {
			if _, _, _, err := f.svc.OpenFile(ctx, a, img.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s opens the draft's image: %v", name, err)
			}
		}
		if atts, err := f.svc.PublicAttachments(ctx, id); apperr.CodeOf(err) != apperr.NotFound || atts != nil {
			t.Errorf("public attachments of a draft: %v %v", atts, err)
		}

		// The body shows the image; a second version drops it.
		tx := text(f.column)
		tx.Body = `<p>流程如下：</p>` + cms.ImageTag(img) + `<img src="https://evil.example/pixel.gif">`
		if err := f.svc.Update(ctx, f.editor, id, tx); err != nil {
			t.Fatal(err)
		}
		art, _ := f.svc.Get(ctx, f.editor, id)
		if !strings.Contains(art.BodyHTML, `src="/info/files/`) || strings.Contains(art.BodyHTML, "evil") {
			t.Errorf("body %s", art.BodyHTML)
		}
		tx.Body = `<p>流程见附件。</p>`
		if err := f.svc.Update(ctx, f.editor, id, tx); err != nil {
			t.Fatal(err)
		}
		_ = f.svc.Submit(ctx, f.editor, id)
		if _, err := f.svc.AddFile(ctx, f.editor, id, cms.SlotImage, "a.png", pngImage(t)); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("upload while under review: %v", err)
		}
		*f.now = f.now.Add(time.Hour)
		if err := f.svc.Approve(ctx, f.reviewer, id, time.Time{}, ""); err != nil {
			t.Fatal(err)
		}
		// Published: everybody, the image of the earlier version too.
		for _, fid := range []int64{img.ID, att.ID} {
			if _, _, public, err := f.svc.OpenFile(ctx, nil, fid); err != nil || !public {
				t.Errorf("anonymous opens file %d of the published article: %v %v", fid, public, err)
			}
		}
		if atts, err := f.svc.PublicAttachments(ctx, id); err != nil || len(atts) != 1 || atts[0].Filename != "申请表.pdf" {
			t.Errorf("public attachments: %+v %v", atts, err)
		}
		_, vs, err := f.svc.History(ctx, f.editor, id)
		var bodies strings.Builder
		for _, v := range vs {
			bodies.WriteString(v.Body)
		}
		if err != nil || len(vs) != 3 || !strings.Contains(bodies.String(), cms.FileURL(img.ID)) {
			t.Errorf("the versions lost the image: %d versions, %v", len(vs), err)
		}
		// Archived: not public any more.
		if err := f.svc.Archive(ctx, f.editor, id); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := f.svc.OpenFile(ctx, nil, img.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("anonymous opens an archived article's image: %v", err)
		}
	})
}
