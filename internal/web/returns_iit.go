package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/forms"
	"taxhall/internal/iitw"
	"taxhall/internal/returns"
	"taxhall/internal/sif"
)

// The withholding return on wages (个人所得税扣缴申报表, a detail form): the
// taxpayer imports the month's lines from a CSV or Excel file, the page
// shows each employee's computation and the derived summary, and 申报
// submits the imported draft. A file with any bad row imports nothing and
// lists every problem by row and column; the draft stays as it was.

var returnIITView = newView[returnIITPage]("return_iit.html")

// importBodyMax bounds the import's multipart body: the file and the
// envelope around it.
const importBodyMax = iitw.MaxBytes + 64<<10

// iitPageSize is how many employees one page of the computed table shows.
const iitPageSize = 100

type returnIITPage struct {
	basePage
	Sheet        *returns.Sheet
	Action       string // where 申报 posts
	ImportAction string // where the file is uploaded
	Rows         []formRow
	Lines        []iitw.Result // this page of the computed lines
	People       int
	From         int // index of Lines[0] among all
	PrevURL      string
	NextURL      string
	Problems     []iitw.Problem // a refused file's problems
	DetailSHA    string         // of the draft's lines, so 申报 files what was shown
	MaxMB        int
	MaxRows      int
}

// To is the position of the page's last line, from 1.
func (p *returnIITPage) To() int { return p.From + len(p.Lines) }

// Deductions is a line's 专项扣除, 专项附加扣除 and 其他扣除 of the month.
func (p *returnIITPage) Deductions(r iitw.Result) int64 {
	return r.Special() + r.Additional() + r.Other
}

func detailSHA(sh *returns.Sheet) string {
	d := sh.Cells[forms.DetailKey]
	if d == "" {
		return ""
	}
	h := sha256.Sum256([]byte(d))
	return hex.EncodeToString(h[:])
}

// iitPage builds the page of a detail sheet; self is the page's address
// (for paging), from the first line shown.
func iitPage(sh *returns.Sheet, action, importAction, self string, from int, errs map[string]string) *returnIITPage {
	title := sh.Form.Short + " · " + sh.PeriodName()
	if sh.Correcting != nil {
		title = "更正申报 · " + title
	}
	p := &returnIITPage{basePage: basePage{Title: title, Errors: errs, Form: url.Values{}}, Sheet: sh, Action: action,
		ImportAction: importAction, DetailSHA: detailSHA(sh), MaxMB: iitw.MaxBytes >> 20, MaxRows: iitw.MaxRows}
	p.Rows = rows(&p.basePage, sh.Form, sh.Output.Values, false)
	res, _ := sh.Output.Detail.([]iitw.Result)
	p.People = len(res)
	if from < 0 || from >= len(res) {
		from = 0
	}
	p.From = from
	p.Lines = res[from:min(from+iitPageSize, len(res))]
	page := func(at int) string {
		u, _ := url.Parse(self)
		q := u.Query()
		q.Del("from")
		if at > 0 {
			q.Set("from", strconv.Itoa(at))
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	if from > 0 {
		p.PrevURL = page(max(0, from-iitPageSize))
	}
	if p.To() < len(res) {
		p.NextURL = page(p.To())
	}
	return p
}

// importURL is where a sheet's file is uploaded.
func importURL(sh *returns.Sheet) string {
	if sh.Correcting != nil {
		return "/hall/returns/import?" + url.Values{"correct": {strconv.FormatInt(sh.Correcting.ID, 10)}}.Encode()
	}
	return "/hall/returns/import?" + url.Values{"form": {sh.Form.Code}, "period": {sh.Key()}}.Encode()
}

// sheetURL is the address of the sheet's page.
func sheetURL(sh *returns.Sheet) string {
	if sh.Correcting != nil {
		return fmt.Sprintf("/hall/returns/%d/correct", sh.Correcting.ID)
	}
	return fileURL(sh.Form.Code, sh.Key())
}

// detailForm renders a detail sheet's page (GET of the form or the correction).
func (s *Server) detailForm(w http.ResponseWriter, r *http.Request, sh *returns.Sheet) error {
	if sh.Form.Code == sif.FormCode {
		return s.siForm(w, r, sh) // returns_si.go
	}
	var errs map[string]string
	if sh.Draft && len(sh.Errors) > 0 {
		errs = sh.Errors
	}
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	return returnIITView.ok(s, w, r, iitPage(sh, sheetURL(sh), importURL(sh), r.URL.RequestURI(), from, errs))
}

// openForImport opens the sheet an import names: ?correct=ID, or
// ?form=&period= for an original.
func (s *Server) openForImport(r *http.Request) (*returns.Sheet, int64, error) {
	q := r.URL.Query()
	if c := q.Get("correct"); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil || id <= 0 {
			return nil, 0, errNotFound
		}
		sh, err := s.Returns.OpenCorrection(r.Context(), id)
		return sh, id, err
	}
	sh, err := s.Returns.Open(r.Context(), q.Get("form"), q.Get("period"))
	return sh, 0, err
}

// hallReturnImport reads the uploaded file: all rows good, the lines become
// the draft (POST → redirect → the computed page); any bad row, nothing is
// imported and the page lists every problem.
func (s *Server) hallReturnImport(w http.ResponseWriter, r *http.Request) error {
	sh, correctionOf, err := s.openForImport(r)
	if err != nil {
		return err
	}
	if sh.Form.Code != iitw.FormCode {
		return apperr.New(apperr.NotFound, "这种申报表不需要导入文件")
	}
	if sh.Existing != nil {
		return s.redirect(w, r, fmt.Sprintf("/hall/returns/%d", sh.Existing.ID),
			fmt.Sprintf("%s的%s已经申报（回执号 %s）。如需修改，请办理更正申报。", sh.PeriodName(), sh.Form.Short, sh.Existing.AckNo))
	}
	refuse := func(status int, msg string, problems []iitw.Problem) error {
		p := iitPage(sh, sheetURL(sh), importURL(sh), sheetURL(sh), 0, map[string]string{"file": msg})
		p.Problems = problems
		returnIITView.render(s, w, r, status, p)
		return nil
	}
	name, data, err := uploadedFile(r, "file")
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return refuse(http.StatusRequestEntityTooLarge, fmt.Sprintf("文件超过 %d MB，请分成多个文件导入", iitw.MaxBytes>>20), nil)
		}
		return refuse(http.StatusUnprocessableEntity, err.Error(), nil)
	}
	month := calendar.YearMonth{Y: sh.Period.Start.Y, M: sh.Period.Start.M}
	lines, err := iitw.Parse(bytes.NewReader(data), strings.TrimPrefix(strings.ToLower(path.Ext(name)), "."), month)
	var ie *iitw.ImportError
	if errors.As(err, &ie) {
		return refuse(http.StatusUnprocessableEntity, ie.Error(), ie.Problems)
	}
	if err != nil {
		return err
	}
	saved, err := s.Returns.SaveDraft(r.Context(), sh.Form.Code, sh.Key(), map[string]string{forms.DetailKey: iitw.EncodeLines(lines)},
		sh.Token, correctionOf)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("已导入 %d 名员工的扣缴明细，请核对下面的计算结果，确认无误后申报。", len(lines))
	if n := len(saved.Errors); n > 0 {
		msg = fmt.Sprintf("已导入 %d 名员工的扣缴明细，但还有 %d 处需要修改才能申报。", len(lines), n)
	}
	return s.redirect(w, r, sheetURL(saved), msg)
}

// uploadedFile reads the named file part of a multipart body (the route's
// limit bounds it): its file name and bytes. Other parts are skipped. Its
// errors are the Chinese sentence for the field, or errTooLarge.
func uploadedFile(r *http.Request, field string) (string, []byte, error) {
	none := errors.New("请选择要导入的 CSV 或 Excel（.xlsx）文件")
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		return "", nil, none
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, none
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, none
		}
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return "", nil, errTooLarge
			}
			return "", nil, errors.New("上传的内容不完整，请重新选择文件上传")
		}
		if part.FormName() != field {
			continue
		}
		name := part.FileName()
		data, err := io.ReadAll(io.LimitReader(part, iitw.MaxBytes+1))
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return "", nil, errTooLarge
			}
			return "", nil, errors.New("上传的内容不完整，请重新选择文件上传")
		}
		if name == "" && len(data) == 0 {
			return "", nil, none
		}
		if len(data) > iitw.MaxBytes {
			return "", nil, errTooLarge
		}
		return name, data, nil
	}
}

// detailReturnPost submits a detail form's draft (the lines imported and
// shown), or deletes it. The page posts the hash of the lines it showed: if
// someone imported another file meanwhile, nothing is filed and the page
// shows the new lines.
func (s *Server) detailReturnPost(w http.ResponseWriter, r *http.Request, form, period string, correctionOf int64) error {
	if form == sif.FormCode {
		return s.siReturnPost(w, r, form, period, correctionOf) // returns_si.go
	}
	ctx := r.Context()
	f := r.PostForm
	switch f.Get("action") {
	case "discard":
		// Deleting is confirmed on a page of its own (returns_discard.go).
		return s.redirect(w, r, discardURL(form, period), "")
	case "submit":
	default:
		return apperr.InvalidField("_", "请选择“申报”或“删除草稿”")
	}
	var sh *returns.Sheet
	var err error
	if correctionOf > 0 {
		sh, err = s.Returns.OpenCorrection(ctx, correctionOf)
	} else {
		sh, err = s.Returns.Open(ctx, form, period)
	}
	token := f.Get("token")
	if err != nil && correctionOf > 0 && returns.CheckKey(token) == nil {
		// A correction already accepted under this key is no longer
		// current: the retry answers with its acknowledgement.
		if sub, serr := s.Returns.Submit(ctx, form, period, map[string]string{}, token, correctionOf, false); serr == nil {
			return s.redirect(w, r, fmt.Sprintf("/hall/returns/%d?ack=1", sub.Return.ID),
				"这份申报此前已经提交成功（重复提交不会重复申报），回执号 "+sub.Return.AckNo)
		}
	}
	if err != nil {
		return err
	}
	if sh.Existing == nil && detailSHA(sh) != f.Get("detail_sha") {
		p := iitPage(sh, sheetURL(sh), importURL(sh), sheetURL(sh), 0,
			map[string]string{"_": "扣缴明细在您打开本页后已重新导入或删除，请核对下面的最新计算结果后再申报。"})
		p.Outcome = "未申报"
		returnIITView.render(s, w, r, http.StatusConflict, p)
		return nil
	}
	sub, err := s.Returns.Submit(ctx, form, period, sh.Cells, token, correctionOf, false)
	var filed *returns.AlreadyFiled
	if errors.As(err, &filed) {
		return s.redirect(w, r, fmt.Sprintf("/hall/returns/%d", filed.Return.ID), filed.Error())
	}
	if fields, ok := invalid(err); ok {
		returnIITView.render(s, w, r, http.StatusUnprocessableEntity, iitPage(sh, sheetURL(sh), importURL(sh), sheetURL(sh), 0, fields))
		return nil
	}
	if err != nil {
		return err
	}
	// The roster follows the accepted lines (idempotent: a retry changes
	// nothing). The return is filed whatever happens here; the loader does
	// not depend on the roster for the months already filed.
	if s.Employees != nil {
		if _, err := s.Employees.SyncReturn(ctx, sub.Return); err != nil {
			s.Log.Warn("roster sync after an accepted withholding return", "return", sub.Return.ID, "err", err)
		}
	}
	msg := "申报成功，回执号 " + sub.Return.AckNo
	if !sub.Created {
		msg = "这份申报此前已经提交成功（重复提交不会重复申报），回执号 " + sub.Return.AckNo
	}
	return s.redirect(w, r, fmt.Sprintf("/hall/returns/%d?ack=1", sub.Return.ID), msg)
}
