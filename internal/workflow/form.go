package workflow

import (
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/money"
)

// Field types.
const (
	TypeText     = "text"
	TypeTextarea = "textarea"
	TypeDate     = "date"
	TypeMoney    = "money"  // yuan with up to 2 decimals, stored as fen
	TypeSelect   = "select" // one of Options
	TypeNumber   = "number" // a whole number
	TypePhone    = "phone"
)

// Field is one typed field of an item's form.
type Field struct {
	Name     string // form name, "f_" + Name on the page
	Label    string
	Type     string
	Required bool
	Options  []auth.Label // TypeSelect
	Max      int          // characters for text; 0 = 200 (2000 for textarea)
	Hint     string
}

// Material is a document the taxpayer attaches.
type Material struct {
	Code     string
	Name     string
	Required bool
	Hint     string
}

// Def is what an item's form asks for.
type Def struct {
	Fields    []Field
	Materials []Material
}

// Material returns the material with code, or nil.
func (d *Def) Material(code string) *Material {
	for i := range d.Materials {
		if d.Materials[i].Code == code {
			return &d.Materials[i]
		}
	}
	return nil
}

// Values are a form's values by field name, normalised.
type Values map[string]string

// Check validates raw values against the fields and returns them
// normalised (money as fen, dates as 2006-01-02) with per-field messages
// keyed "f_"+name.
func (d *Def) Check(raw map[string]string) (Values, apperr.Fields) {
	out := Values{}
	f := apperr.Fields{}
	for _, fd := range d.Fields {
		key := "f_" + fd.Name
		v := strings.TrimSpace(raw[fd.Name])
		if v == "" {
			if fd.Required {
				f.Add(key, "请填写"+fd.Label)
			}
			continue
		}
		max := fd.Max
		if max == 0 {
			max = 200
			if fd.Type == TypeTextarea {
				max = 2000
			}
		}
		if !f.Text(key, v, max) {
			continue
		}
		switch fd.Type {
		case TypeDate:
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				f.Add(key, fd.Label+"请按 2026-01-31 的格式填写")
				continue
			}
			v = t.Format("2006-01-02")
		case TypeMoney:
			fen, err := money.ParseYuan(v)
			if err != nil || fen < 0 {
				f.Add(key, fd.Label+"应为不小于 0 的金额，最多两位小数")
				continue
			}
			v = strconv.FormatInt(fen, 10)
		case TypeNumber:
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 1_000_000 {
				f.Add(key, fd.Label+"应为 0 至 1000000 的整数")
				continue
			}
			v = strconv.Itoa(n)
		case TypeSelect:
			if auth.NameOf(fd.Options, v) == v {
				f.Add(key, "请选择"+fd.Label)
				continue
			}
		case TypePhone:
			if len(v) < 7 || len(v) > 20 || strings.Trim(v, "0123456789-+ ") != "" {
				f.Add(key, fd.Label+"应为电话号码，如 0592-2000001 或 13800000000")
				continue
			}
		}
		out[fd.Name] = v
	}
	return out, f
}

// Display is a stored value as people read it: money in yuan, a select's
// label.
func (fd Field) Display(v string) string {
	switch fd.Type {
	case TypeMoney:
		if fen, err := strconv.ParseInt(v, 10, 64); err == nil {
			return money.FormatYuan(fen) + " 元"
		}
	case TypeSelect:
		return auth.NameOf(fd.Options, v)
	}
	return v
}

// Input is a stored value as a form box shows it again (money in yuan).
func (fd Field) Input(v string) string {
	if fd.Type == TypeMoney && v != "" {
		if fen, err := strconv.ParseInt(v, 10, 64); err == nil {
			return strconv.FormatInt(fen/100, 10) + "." + strconv.FormatInt(fen%100/10, 10) + strconv.FormatInt(fen%10, 10)
		}
	}
	return v
}
