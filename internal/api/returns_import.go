package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/forms"
	"taxhall/internal/iitw"
)

// Media types of the withholding return's import file.
const (
	mediaMultipart = "multipart/form-data"
	mediaCSV       = "text/csv"
	mediaXLSX      = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// importBodyMax bounds an import body: the file and a multipart envelope.
const importBodyMax = iitw.MaxBytes + 64<<10

// returnImportRoutes check a detail form's import file before filing: the
// same reader (iitw.Parse) as the hall's import page, nothing saved.
func (a *API) returnImportRoutes() []route {
	return []route{
		{Pattern: "POST /my/returns/import", Tag: tagMy, Access: TaxpayerUser,
			Errors:  []apperr.Code{apperr.Invalid, apperr.NotFound, apperr.Forbidden},
			Summary: "校验个人所得税扣缴明细文件（全员全额）",
			Doc: "请求体为 CSV（text/csv，UTF-8 或 GB18030）或 Excel（.xlsx）文件本身，或 multipart/form-data 的 file 字段，不超过 8 MB、10000 名员工；" +
				"列标题与 /hall/employees 页下载的模板相同。文件逐行逐列按所属期的扣除标准校验，不保存任何数据：全部正确时返回解析后的明细，" +
				"其 detail 可作为申报表的 _detail 原样提交；任一单元格有误时返回 422，fields 的键为 row3.resident_id（第3行“证件号码”）或 file，值为中文说明。",
			Handler: upload([]string{mediaCSV, mediaXLSX, mediaMultipart}, a.importReturnLines)},
	}
}

type importQuery struct {
	Form   string `query:"form" doc:"申报表代码，目前为 iit（个人所得税扣缴申报表）"`
	Period string `query:"period" doc:"所属期，如 2026-10"`
}

// importLineView is one employee's line as read from the file; amounts in
// yuan with two decimals.
type importLineView struct {
	Row                 int    `json:"row" doc:"文件中的行号（第1行为列标题）"`
	ResidentID          string `json:"resident_id" doc:"居民身份证号码（与上传的文件相同，未脱敏）"`
	Name                string `json:"name" doc:"姓名"`
	Income              string `json:"income" doc:"本期收入（元）"`
	TaxFree             string `json:"tax_free" doc:"免税收入（元）"`
	Pension             string `json:"pension" doc:"基本养老保险费（元）"`
	Medical             string `json:"medical" doc:"基本医疗保险费（元）"`
	Unemployment        string `json:"unemployment" doc:"失业保险费（元）"`
	HousingFund         string `json:"housing_fund" doc:"住房公积金（元）"`
	Child               string `json:"child" doc:"子女教育（元）"`
	Infant              string `json:"infant" doc:"3岁以下婴幼儿照护（元）"`
	Elderly             string `json:"elderly" doc:"赡养老人（元）"`
	ContinuingEducation string `json:"continuing_education" doc:"继续教育（元）"`
	HousingLoan         string `json:"housing_loan" doc:"住房贷款利息（元）"`
	Rent                string `json:"rent" doc:"住房租金（元）"`
	Other               string `json:"other" doc:"其他扣除（元）"`
}

type importView struct {
	Form   string           `json:"form" doc:"申报表代码"`
	Period string           `json:"period" doc:"所属期"`
	People int              `json:"people" doc:"员工人数"`
	Lines  []importLineView `json:"lines"`
	Detail string           `json:"detail" doc:"明细的 JSON 字符串：申报或保存草稿时作为 _detail 提交"`
}

func viewImportLine(l *iitw.Line) importLineView {
	p := forms.Plain
	return importLineView{Row: l.Row, ResidentID: l.ResidentID, Name: l.Name, Income: p(l.Income), TaxFree: p(l.TaxFree),
		Pension: p(l.Pension), Medical: p(l.Medical), Unemployment: p(l.Unemployment), HousingFund: p(l.HousingFund),
		Child: p(l.Child), Infant: p(l.Infant), Elderly: p(l.Elderly), ContinuingEducation: p(l.ContinuingEducation),
		HousingLoan: p(l.HousingLoan), Rent: p(l.Rent), Other: p(l.Other)}
}

func (a *API) importReturnLines(ctx context.Context, r *http.Request, q importQuery) (importView, error) {
	// The period must be one the caller may file: the same checks as
	// opening the form (identification, period ended, role).
	sh, err := a.Returns.Open(ctx, q.Form, q.Period)
	if err != nil {
		return importView{}, err
	}
	if sh.Form.Code != iitw.FormCode {
		return importView{}, apperr.New(apperr.NotFound, "这种申报表没有文件导入")
	}
	format, data, err := importBody(r)
	if err != nil {
		return importView{}, err
	}
	lines, err := iitw.Parse(bytes.NewReader(data), format, calendar.YearMonth{Y: sh.Period.Start.Y, M: sh.Period.Start.M})
	if err != nil {
		return importView{}, err
	}
	v := importView{Form: sh.Form.Code, Period: sh.Key(), People: len(lines), Lines: make([]importLineView, len(lines)), Detail: iitw.EncodeLines(lines)}
	for i := range lines {
		v.Lines[i] = viewImportLine(&lines[i])
	}
	return v, nil
}

// importBody reads the file of an import request and its format ("csv",
// "xlsx"), at most importBodyMax bytes.
func importBody(r *http.Request) (string, []byte, error) {
	tooLarge := apperr.New(apperr.TooLarge, "文件不能超过 8 MB，请分成多个文件导入")
	read := func(rd io.Reader) ([]byte, error) {
		b, err := io.ReadAll(io.LimitReader(rd, iitw.MaxBytes+1))
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok || len(b) > iitw.MaxBytes {
			return nil, tooLarge
		}
		if err != nil {
			return nil, apperr.New(apperr.BadRequest, "请求体不完整，请重新上传")
		}
		return b, nil
	}
	r.Body = http.MaxBytesReader(nil, r.Body, importBodyMax)
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		mt = ""
	}
	switch mt {
	case mediaCSV:
		b, err := read(r.Body)
		return iitw.CSV, b, err
	case mediaXLSX:
		b, err := read(r.Body)
		return iitw.XLSX, b, err
	case mediaMultipart:
		mr, err := r.MultipartReader()
		if err != nil {
			return "", nil, apperr.New(apperr.BadRequest, "multipart 请求体格式不正确")
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return "", nil, apperr.InvalidField("file", "请在 file 字段上传 CSV 或 Excel（.xlsx）文件")
			}
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return "", nil, tooLarge
			}
			if err != nil {
				return "", nil, apperr.New(apperr.BadRequest, "multipart 请求体格式不正确")
			}
			if part.FormName() != "file" {
				continue
			}
			format := ""
			switch ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); {
			case ct == mediaXLSX || hasSuffixFold(part.FileName(), ".xlsx"):
				format = iitw.XLSX
			case ct == mediaCSV || hasSuffixFold(part.FileName(), ".csv"):
				format = iitw.CSV
			}
			b, err := read(part)
			return format, b, err
		}
	}
	return "", nil, apperr.New(apperr.UnsupportedType, "请求体须为 text/csv、"+mediaXLSX+" 或 multipart/form-data")
}

func hasSuffixFold(name, suffix string) bool {
	return len(name) >= len(suffix) && bytes.EqualFold([]byte(name[len(name)-len(suffix):]), []byte(suffix))
}
