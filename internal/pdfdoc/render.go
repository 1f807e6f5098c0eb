package pdfdoc

import (
	"fmt"
	"image"
	"image/draw"
	"os"
	"sync"
	"time"

	"github.com/signintech/gopdf"
	qrcode "github.com/skip2/go-qrcode"
)

// Field is a label and its value.
type Field struct{ Label, Value string }

// Column is a table column: its heading, its share of the table's width
// (the shares need not add up to 1; they are normalised) and whether its
// cells are right-aligned (amounts).
type Column struct {
	Name  string
	Share float64
	Right bool
}

// Document is a printable sheet, rendered top to bottom on A4 pages.
type Document struct {
	Title   string  // 中华人民共和国税收完税证明
	Number  string  // the line under the title: "№ 350203202600000001"
	Fields  []Field // two to a row
	Columns []Column
	Rows    [][]string
	Totals  []Field // one to a row, under the table
	Notes   []string
	// QR is the content of the QR code printed beside the number (a URL);
	// "" prints none. QRCaption is printed under it.
	QR, QRCaption string
	Footer        []Field // bottom: issuer, date
	// Created is the document's creation date in its metadata: the date
	// the record was issued, so that rendering a stored record again gives
	// the same bytes.
	Created time.Time
}

// Renderer renders documents with one font, read and parsed once.
type Renderer struct {
	// FontPath is the TTF file (see FindFont); "" finds it on first use.
	FontPath string

	once sync.Once
	fc   *gopdf.FontContainer
	err  error
	// mu serialises rendering: the parsed font is shared by every
	// document, and gopdf does not promise that sharing it concurrently is
	// safe. A certificate renders in milliseconds.
	mu sync.Mutex
}

const family = "wenkai"

func (r *Renderer) load() error {
	r.once.Do(func() {
		path := r.FontPath
		if path == "" {
			if path, r.err = FindFont(""); r.err != nil {
				return
			}
		}
		data, err := os.ReadFile(path) // #nosec G304 -- the operator's configured font file
		if err != nil {
			r.err = ErrNoFont
			return
		}
		r.fc = &gopdf.FontContainer{}
		if err := r.fc.AddTTFFontData(family, data); err != nil {
			r.err = fmt.Errorf("pdfdoc: font %s: %w", path, err)
		}
	})
	return r.err
}

// Available reports whether the font is there (nil) or why not.
func (r *Renderer) Available() error { return r.load() }

// Page geometry in points (A4: 595 × 842).
const (
	pageW, pageH = 595.0, 842.0
	margin       = 48.0
	contentW     = pageW - 2*margin
	bottom       = pageH - 56.0
	qrSize       = 84.0
)

// Render renders d. The same Document gives the same bytes.
func (r *Renderer) Render(d *Document) ([]byte, error) {
	if err := r.load(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{Title: d.Title, Creator: "taxhall", Producer: "taxhall", CreationDate: d.Created})
	if err := pdf.AddTTFFontFromFontContainer(family, r.fc); err != nil {
		return nil, err
	}
	w := &writer{pdf: pdf}
	w.newPage()
	if err := w.doc(d); err != nil {
		return nil, err
	}
	return pdf.GetBytesPdfReturnErr()
}

type writer struct {
	pdf *gopdf.GoPdf
	y   float64
	err error
}

func (w *writer) newPage() {
	w.pdf.AddPage()
	w.y = margin
}

func (w *writer) font(size float64) {
	if w.err == nil {
		w.err = w.pdf.SetFont(family, "", size)
	}
}

// text writes s in the box (x, y, width) with the given alignment.
func (w *writer) text(x, y, width, height float64, s string, align int) {
	if w.err != nil {
		return
	}
	w.pdf.SetXY(x, y)
	w.err = w.pdf.CellWithOption(&gopdf.Rect{W: width, H: height}, s, gopdf.CellOption{Align: align | gopdf.Middle})
}

// split wraps s to width (gopdf breaks CJK text between characters).
func (w *writer) split(s string, width float64) []string {
	if w.err != nil || s == "" {
		return []string{s}
	}
	lines, err := w.pdf.SplitText(s, width)
	if err != nil {
		w.err = err
		return []string{s}
	}
	return lines
}

// room starts a new page unless h points fit.
func (w *writer) room(h float64) {
	if w.y+h > bottom {
		w.newPage()
	}
}

func (w *writer) doc(d *Document) error {
	headW := contentW
	if d.QR != "" {
		headW = contentW - qrSize - 12
	}
	w.font(18)
	w.text(margin, w.y, headW, 28, d.Title, gopdf.Center)
	w.y += 32
	w.font(11)
	if d.Number != "" {
		w.text(margin, w.y, headW, 18, d.Number, gopdf.Center)
		w.y += 24
	}
	if d.QR != "" && w.err == nil {
		if err := w.qr(d.QR, d.QRCaption); err != nil {
			return err
		}
	}
	w.y = max(w.y, margin+qrSize+20)
	// Fields, two to a row.
	w.font(10.5)
	half := contentW / 2
	for i := 0; i < len(d.Fields); i += 2 {
		h := 16.0
		for j := i; j < min(i+2, len(d.Fields)); j++ {
			lines := w.split(d.Fields[j].Label+"："+d.Fields[j].Value, half-8)
			h = max(h, 15*float64(len(lines)))
		}
		w.room(h)
		for j := i; j < min(i+2, len(d.Fields)); j++ {
			x := margin + float64(j-i)*half
			for k, l := range w.split(d.Fields[j].Label+"："+d.Fields[j].Value, half-8) {
				w.text(x, w.y+15*float64(k), half-8, 15, l, gopdf.Left)
			}
		}
		w.y += h + 2
	}
	w.y += 6
	w.table(d.Columns, d.Rows)
	w.y += 6
	w.font(10.5)
	for _, f := range d.Totals {
		lines := w.split(f.Label+"："+f.Value, contentW)
		w.room(16 * float64(len(lines)))
		for _, l := range lines {
			w.text(margin, w.y, contentW, 16, l, gopdf.Left)
			w.y += 16
		}
	}
	w.y += 8
	w.font(9)
	for _, n := range d.Notes {
		for _, l := range w.split(n, contentW) {
			w.room(13)
			w.text(margin, w.y, contentW, 13, l, gopdf.Left)
			w.y += 13
		}
	}
	w.y += 12
	w.font(10.5)
	for _, f := range d.Footer {
		w.room(16)
		w.text(margin, w.y, contentW, 16, f.Label+"："+f.Value, gopdf.Right)
		w.y += 16
	}
	return w.err
}

func (w *writer) qr(content, caption string) error {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("pdfdoc: QR: %w", err)
	}
	q.DisableBorder = false
	// Grayscale (not the library's two-colour palette): an 8-bit gray
	// image is embedded as is, and reads back simply in tests.
	pal := q.Image(256)
	img := image.NewGray(pal.Bounds())
	draw.Draw(img, img.Bounds(), pal, pal.Bounds().Min, draw.Src)
	x := margin + contentW - qrSize
	if err := w.pdf.ImageFrom(img, x, margin-8, &gopdf.Rect{W: qrSize, H: qrSize}); err != nil {
		return err
	}
	if caption != "" {
		w.font(7.5)
		w.text(x-10, margin-8+qrSize, qrSize+20, 10, caption, gopdf.Center)
	}
	return w.err
}

// table draws a ruled table; a row whose cells wrap grows, and a table
// longer than the page continues on the next with its heading repeated.
func (w *writer) table(cols []Column, rows [][]string) {
	if len(cols) == 0 {
		return
	}
	total := 0.0
	for _, c := range cols {
		total += c.Share
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = contentW * c.Share / total
	}
	const lh, pad = 13.0, 3.0
	heading := make([]string, len(cols))
	for i, c := range cols {
		heading[i] = c.Name
	}
	drawRow := func(cells []string, head bool) {
		wrapped := make([][]string, len(cols))
		n := 1
		for i := range cols {
			s := ""
			if i < len(cells) {
				s = cells[i]
			}
			wrapped[i] = w.split(s, widths[i]-2*pad)
			n = max(n, len(wrapped[i]))
		}
		h := float64(n)*lh + 2*pad
		if w.y+h > bottom {
			w.newPage()
			if !head {
				w.font(9.5)
				w.drawCells(heading, widths, [][]string{}, lh, pad, true, cols)
				w.font(9.5)
			}
		}
		w.drawCells(cells, widths, wrapped, lh, pad, head, cols)
	}
	w.font(9.5)
	drawRow(heading, true)
	for _, r := range rows {
		drawRow(r, false)
	}
}

func (w *writer) drawCells(cells []string, widths []float64, wrapped [][]string, lh, pad float64, head bool, cols []Column) {
	if len(wrapped) == 0 {
		wrapped = make([][]string, len(cells))
		for i, c := range cells {
			wrapped[i] = []string{c}
		}
	}
	n := 1
	for _, l := range wrapped {
		n = max(n, len(l))
	}
	h := float64(n)*lh + 2*pad
	x := margin
	w.pdf.SetLineWidth(0.6)
	for i := range widths {
		w.pdf.RectFromUpperLeft(x, w.y, widths[i], h)
		align := gopdf.Left
		if head {
			align = gopdf.Center
		} else if cols[i].Right {
			align = gopdf.Right
		}
		if i < len(wrapped) {
			for k, l := range wrapped[i] {
				w.text(x+pad, w.y+pad+float64(k)*lh, widths[i]-2*pad, lh, l, align)
			}
		}
		x += widths[i]
	}
	w.y += h
}
