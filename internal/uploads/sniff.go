package uploads

import (
	"archive/zip"
	"bytes"
	"errors"
	"path"
	"strings"
)

// Type is a kind of file the hall accepts.
type Type struct {
	ContentType string
	Name        string   // in Chinese, for messages and lists
	Exts        []string // the extensions a file of this type may have
}

// Types are the accepted kinds of file, in the order messages name them.
var Types = []Type{
	{"application/pdf", "PDF 文档", []string{".pdf"}},
	{"image/jpeg", "JPEG 图片", []string{".jpg", ".jpeg"}},
	{"image/png", "PNG 图片", []string{".png"}},
	{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 工作簿", []string{".xlsx"}},
}

// Accept is the accept attribute of a file input for the accepted types.
const Accept = ".pdf,.jpg,.jpeg,.png,.xlsx"

var errType = errors.New("只能上传 PDF、JPG、PNG 或 Excel（.xlsx）文件")

// Sniff returns the content type of data, decided from its bytes, and
// checks that the file name's extension is one of that type's: a file
// named .pdf that is really a PNG is refused, as is any other content.
func Sniff(data []byte, filename string) (string, error) {
	ct := sniff(data)
	if ct == "" {
		return "", errType
	}
	ext := strings.ToLower(path.Ext(filename))
	for _, t := range Types {
		if t.ContentType != ct {
			continue
		}
		for _, e := range t.Exts {
			if e == ext {
				return ct, nil
			}
		}
		return "", errors.New("文件内容是" + t.Name + "，与文件扩展名“" + ext + "”不符，请检查后重新上传")
	}
	return "", errType
}

func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) && isXLSX(data):
		return Types[3].ContentType
	}
	return ""
}

// isXLSX reports whether data is a zip holding an Office Open XML
// workbook: [Content_Types].xml and xl/workbook.xml.
func isXLSX(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	var types, book bool
	for _, f := range zr.File {
		switch f.Name {
		case "[Content_Types].xml":
			types = true
		case "xl/workbook.xml":
			book = true
		}
	}
	return types && book
}
