// Package pdftest reads back what package pdfdoc writes, for tests: the
// text (glyph ids mapped through the font's ToUnicode CMap) and the
// grayscale images. It is a small reader of gopdf's own output — streams,
// FlateDecode, PNG predictors, TJ arrays — not a general PDF parser: a test
// that passes through it has seen the characters the PDF really shows (a
// character the font lacks is dropped by gopdf and missing here too).
package pdftest

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"fmt"
	"image"
	"io"
	"regexp"
	"strconv"
	"strings"
)

type stream struct {
	dict string
	data []byte
}

var streamRe = regexp.MustCompile(`(?s)<<((?:[^<>]|<<(?:[^<>]|<<[^<>]*>>)*>>|<[0-9A-Fa-f]*>)*)>>\s*stream\r?\n`)

func streams(pdf []byte) ([]stream, error) {
	var out []stream
	for _, m := range streamRe.FindAllSubmatchIndex(pdf, -1) {
		dict := string(pdf[m[2]:m[3]])
		start := m[1]
		end := bytes.Index(pdf[start:], []byte("endstream"))
		if end < 0 {
			return nil, fmt.Errorf("pdftest: stream without end at %d", start)
		}
		data := pdf[start : start+end]
		if n, ok := dictInt(dict, "Length"); ok && n <= len(data) {
			data = data[:n]
		}
		if strings.Contains(dict, "/FlateDecode") {
			r, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("pdftest: inflate: %w", err)
			}
			if data, err = io.ReadAll(r); err != nil {
				return nil, fmt.Errorf("pdftest: inflate: %w", err)
			}
		}
		out = append(out, stream{dict: dict, data: data})
	}
	return out, nil
}

func dictInt(dict, key string) (int, bool) {
	m := regexp.MustCompile(`/` + key + `\s+(\d+)\b`).FindStringSubmatch(dict)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

var (
	bfcharRe  = regexp.MustCompile(`(?s)beginbfchar(.*?)endbfchar`)
	bfrangeRe = regexp.MustCompile(`(?s)beginbfrange(.*?)endbfrange`)
	hexRe     = regexp.MustCompile(`<([0-9A-Fa-f]+)>`)
	tjRe      = regexp.MustCompile(`(?s)\[((?:<[0-9A-Fa-f]*>|-?\d+(?:\.\d+)?|\s)*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj`)
)

func hexNum(s string) int {
	n, _ := strconv.ParseInt(s, 16, 32)
	return int(n)
}

// unicodeOf decodes a ToUnicode destination (UTF-16BE hex).
func unicodeOf(h string) string {
	b, err := hex.DecodeString(h)
	if err != nil || len(b)%2 != 0 {
		return "\uFFFD"
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	var rs []rune
	for i := 0; i < len(u); i++ {
		if u[i] >= 0xD800 && u[i] < 0xDC00 && i+1 < len(u) {
			rs = append(rs, rune((int(u[i])-0xD800)<<10+(int(u[i+1])-0xDC00)+0x10000)) // #nosec G115 -- a surrogate pair is below 0x110000
			i++
			continue
		}
		rs = append(rs, rune(u[i]))
	}
	return string(rs)
}

// Text returns the text the PDF shows: one line per text-showing operator,
// in drawing order, glyphs mapped to characters by the ToUnicode CMaps.
func Text(pdf []byte) (string, error) {
	ss, err := streams(pdf)
	if err != nil {
		return "", err
	}
	cmap := map[int]string{}
	for _, s := range ss {
		d := string(s.data)
		for _, m := range bfcharRe.FindAllStringSubmatch(d, -1) {
			hs := hexRe.FindAllStringSubmatch(m[1], -1)
			for i := 0; i+1 < len(hs); i += 2 {
				cmap[hexNum(hs[i][1])] = unicodeOf(hs[i+1][1])
			}
		}
		for _, m := range bfrangeRe.FindAllStringSubmatch(d, -1) {
			hs := hexRe.FindAllStringSubmatch(m[1], -1)
			for i := 0; i+2 < len(hs); i += 3 {
				lo, hi, dst := hexNum(hs[i][1]), hexNum(hs[i+1][1]), []rune(unicodeOf(hs[i+2][1]))
				for g := lo; g <= hi && len(dst) == 1; g++ {
					cmap[g] = string(dst[0] + rune(g-lo)) // #nosec G115 -- g−lo is at most 0xFFFF
				}
			}
		}
	}
	if len(cmap) == 0 {
		return "", fmt.Errorf("pdftest: no ToUnicode map")
	}
	var out strings.Builder
	for _, s := range ss {
		if strings.Contains(s.dict, "/Subtype /Image") || !bytes.Contains(s.data, []byte("BT")) {
			continue
		}
		for _, m := range tjRe.FindAllStringSubmatch(string(s.data), -1) {
			parts := []string{m[2]}
			if m[1] != "" {
				parts = nil
				for _, h := range hexRe.FindAllStringSubmatch(m[1], -1) {
					parts = append(parts, h[1])
				}
			}
			for _, h := range parts {
				for i := 0; i+4 <= len(h); i += 4 {
					c, ok := cmap[hexNum(h[i:i+4])]
					if !ok {
						c = "\uFFFD"
					}
					out.WriteString(c)
				}
			}
			out.WriteByte('\n')
		}
	}
	return out.String(), nil
}

// GrayImages returns the PDF's 8-bit grayscale images (how pdfdoc embeds
// its QR codes), PNG predictors undone.
func GrayImages(pdf []byte) ([]*image.Gray, error) {
	ss, err := streams(pdf)
	if err != nil {
		return nil, err
	}
	var out []*image.Gray
	for _, s := range ss {
		if !strings.Contains(s.dict, "/Subtype /Image") || !strings.Contains(s.dict, "/DeviceGray") {
			continue
		}
		w, _ := dictInt(s.dict, "Width")
		h, _ := dictInt(s.dict, "Height")
		img, err := unpredict(s.data, w, h)
		if err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	return out, nil
}

// unpredict undoes PNG row filters (Predictor 15) of a 1-byte-per-pixel
// image.
func unpredict(data []byte, w, h int) (*image.Gray, error) {
	if w <= 0 || h <= 0 || len(data) < (w+1)*h {
		return nil, fmt.Errorf("pdftest: image %dx%d with %d bytes", w, h, len(data))
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	prev := make([]byte, w)
	for y := 0; y < h; y++ {
		row := data[y*(w+1) : (y+1)*(w+1)]
		f, cur := row[0], img.Pix[y*w:(y+1)*w]
		copy(cur, row[1:])
		for x := 0; x < w; x++ {
			var a, c byte
			if x > 0 {
				a, c = cur[x-1], prev[x-1]
			}
			b := prev[x]
			switch f {
			case 0:
			case 1:
				cur[x] += a
			case 2:
				cur[x] += b
			case 3:
				cur[x] += byte((int(a) + int(b)) / 2) // #nosec G115 -- the mean of two bytes is a byte
			case 4:
				cur[x] += paeth(a, b, c)
			default:
				return nil, fmt.Errorf("pdftest: PNG filter %d", f)
			}
		}
		copy(prev, cur)
	}
	return img, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
