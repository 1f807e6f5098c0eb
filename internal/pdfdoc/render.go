package pdfdoc

import (
	"fmt"
	"image"
	"image/draw"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/signintech/gopdf"
	qrcode "github.com/skip2/go-qrcode"
)

// Field is a label and its value.
type Field struct{ Label, Value string }

// Column is a table column: its heading, its share of the table's width
// (the shares need not add up to 1; they are normalised) and whether its
// cells are right-aligned (amounts). A NoWrap column (numbers, dates,
// amounts) is as wide as its widest cell, so that a number is never
// broken; the other columns share the rest and wrap. A cell's "\n"
// starts a new line.
type Column struct {
	Name   string
	Share  float64
	Right  bool
	NoWrap bool
}

// Document is a printable sheet, rendered top to bottom on A4 pages.
type Document struct {
	Title   string  // 中华人民共和国税收完税证明
	Number  string  // the line under the title: "№ 350203202600000001"
	Fields  []Field // two to a row
	Columns []Column
	Rows    [][]string
	// Foot is a last row of the table in the heading's style (合计), or nil.
	Foot []string
	// Totals are ruled rows under the table (label, value), kept on the
	// page of the table's last row.
	Totals []Field
	Notes  []string
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
	// cont is the heading of a continuation page ("" on the first).
	cont string
}

func (w *writer) newPage() {
	w.pdf.AddPage()
	w.y = margin
	if w.cont != "" {
		w.font(9)
		w.text(margin, w.y-20, contentW, 12, w.cont, gopdf.Left)
	}
}

// pageNumbers writes "第 i 页 共 n 页" and the number at the foot of every
// page, so that a page cannot pass for another certificate's.
func (w *writer) pageNumbers(number string) {
	n := w.pdf.GetNumberOfPages()
	for i := 1; i <= n && w.err == nil; i++ {
		if w.err = w.pdf.SetPage(i); w.err != nil {
			return
		}
		w.font(8)
		w.text(margin, pageH-40, contentW, 12, fmt.Sprintf("%s　第 %d 页 共 %d 页", number, i, n), gopdf.Center)
	}
}

// width measures s in the current font.
func (w *writer) width(s string) float64 {
	if w.err != nil {
		return 0
	}
	x, err := w.pdf.MeasureTextWidth(s)
	if err != nil {
		w.err = err
	}
	return x
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

// split wraps s to width (gopdf breaks CJK text between characters); a
// "\n" in s breaks the line.
func (w *writer) split(s string, width float64) []string {
	if w.err != nil || s == "" {
		return []string{s}
	}
	var out []string
	for _, part := range strings.Split(s, "\n") {
		if part == "" {
			out = append(out, "")
			continue
		}
		lines, err := w.pdf.SplitText(part, width)
		if err != nil {
			w.err = err
			return []string{s}
		}
		out = append(out, lines...)
	}
	return out
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
	// Fields, two to a row, or a whole row for a value too long for half
	// of it; a long value wraps under itself, not under its label.
	w.font(10.5)
	half := contentW / 2
	fits := func(f Field) bool { return w.width(f.Label+"："+f.Value) <= half-8 }
	for i := 0; i < len(d.Fields); {
		row := d.Fields[i : i+1]
		if i+1 < len(d.Fields) && fits(d.Fields[i]) && fits(d.Fields[i+1]) {
			row = d.Fields[i : i+2]
		}
		i += len(row)
		colW := contentW
		if len(row) == 2 {
			colW = half
		}
		h := 16.0
		type cell struct {
			x, labelW float64
			lines     []string
		}
		var cells []cell
		for j, f := range row {
			lw := w.width(f.Label + "：")
			c := cell{x: margin + float64(j)*half, labelW: lw, lines: w.split(f.Value, colW-8-lw)}
			cells = append(cells, c)
			h = max(h, 15*float64(len(c.lines)))
		}
		w.room(h)
		for k, c := range cells {
			w.text(c.x, w.y, c.labelW, 15, row[k].Label+"：", gopdf.Left)
			for n, l := range c.lines {
				w.text(c.x+c.labelW, w.y+15*float64(n), colW-8-c.labelW, 15, l, gopdf.Left)
			}
		}
		w.y += h + 2
	}
	w.y += 6
	w.cont = d.Title + "（续）　" + d.Number
	w.table(d.Columns, d.Rows, d.Foot, d.Totals)
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
	w.pageNumbers(d.Number)
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
// foot is a last row styled as the heading; totals are ruled label–value
// rows under it, kept on the page of the last row.
func (w *writer) table(cols []Column, rows [][]string, foot []string, totals []Field) {
	if len(cols) == 0 {
		return
	}
	const lh, pad = 13.0, 3.0
	w.font(9.5)
	widths := w.widths(cols, rows, foot, pad)
	heading := make([]string, len(cols))
	for i, c := range cols {
		heading[i] = c.Name
	}
	wrap := func(cells []string) ([][]string, float64) {
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
		return wrapped, float64(n)*lh + 2*pad
	}
	// The totals' height, to keep them with the last row.
	labelW := 0.0
	for _, f := range totals {
		labelW = max(labelW, w.width(f.Label)+4*pad)
	}
	tail := 0.0
	for _, f := range totals {
		tail += float64(len(w.split(f.Value, contentW-labelW-2*pad)))*16 + 2*pad
	}
	headWrapped, headH := wrap(heading)
	drawRow := func(cells []string, head bool, keep float64) {
		wrapped, h := wrap(cells)
		if w.y+h+keep > bottom {
			w.newPage()
			w.font(9.5)
			w.drawCells(widths, headWrapped, headH, lh, pad, true, cols)
		}
		w.drawCells(widths, wrapped, h, lh, pad, head, cols)
	}
	w.drawCells(widths, headWrapped, headH, lh, pad, true, cols)
	for i, r := range rows {
		keep := 0.0
		if i == len(rows)-1 && foot == nil {
			keep = tail
		}
		drawRow(r, false, keep)
	}
	if foot != nil {
		drawRow(foot, true, tail)
	}
	w.font(10.5)
	for _, f := range totals {
		lines := w.split(f.Value, contentW-labelW-2*pad)
		h := float64(len(lines))*16 + 2*pad
		if w.y+h > bottom {
			w.newPage()
			w.font(10.5)
		}
		w.pdf.SetLineWidth(0.6)
		w.pdf.RectFromUpperLeft(margin, w.y, labelW, h)
		w.pdf.RectFromUpperLeft(margin+labelW, w.y, contentW-labelW, h)
		w.text(margin, w.y+pad, labelW, 16, f.Label, gopdf.Center)
		for k, l := range lines {
			w.text(margin+labelW+2*pad, w.y+pad+float64(k)*16, contentW-labelW-4*pad, 16, l, gopdf.Left)
		}
		w.y += h
	}
}

// widths gives NoWrap columns the width of their widest cell and shares
// the rest among the others. The numbers take at most three quarters of
// the page (narrowed in proportion beyond that, and then they wrap).
func (w *writer) widths(cols []Column, rows [][]string, foot []string, pad float64) []float64 {
	widths := make([]float64, len(cols))
	fixed, shares := 0.0, 0.0
	for i, c := range cols {
		if !c.NoWrap {
			shares += c.Share
			continue
		}
		for _, r := range append(rows, foot) {
			if i < len(r) {
				for _, part := range strings.Split(r[i], "\n") {
					widths[i] = max(widths[i], w.width(part)+2*pad+1)
				}
			}
		}
		widths[i] = max(widths[i], 3*pad+w.width("合计"))
		fixed += widths[i]
	}
	room := contentW
	if shares > 0 {
		room = contentW * 3 / 4
	}
	// Widen a column to its heading while there is room; a heading that
	// does not fit wraps.
	for i, c := range cols {
		if grow := 2*pad + 1 + w.width(c.Name) - widths[i]; c.NoWrap && grow > 0 && fixed+grow <= room {
			widths[i] += grow
			fixed += grow
		}
	}
	if fixed > room || shares == 0 && fixed > 0 {
		for i, c := range cols {
			if c.NoWrap {
				widths[i] *= room / fixed
			}
		}
		fixed = room
	}
	for i, c := range cols {
		if !c.NoWrap {
			widths[i] = (contentW - fixed) * c.Share / shares
		}
	}
	return widths
}

func (w *writer) drawCells(widths []float64, wrapped [][]string, h, lh, pad float64, head bool, cols []Column) {
	x := margin
	w.pdf.SetLineWidth(0.6)
	if head {
		w.pdf.SetFillColor(238, 238, 238)
		w.pdf.RectFromUpperLeftWithStyle(margin, w.y, contentW, h, "F")
		w.pdf.SetFillColor(0, 0, 0)
	}
	for i := range widths {
		w.pdf.RectFromUpperLeft(x, w.y, widths[i], h)
		align := gopdf.Left
		if head {
			align = gopdf.Center
		}
		if cols[i].Right && !(head && i < len(wrapped) && len(wrapped[i]) > 0 && wrapped[i][0] == cols[i].Name) {
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
