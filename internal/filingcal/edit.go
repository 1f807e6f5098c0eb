package filingcal

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
)

// Kinds of an entered day.
const (
	KindRest = "rest" // 放假
	KindWork = "work" // 调休上班
)

// MaxSpan is the most days one entry of a rest period may cover (the
// longest State Council holiday, 春节 or 国庆节, is 8 or 9 days).
const MaxSpan = 15

// errEdit refuses the editor to staff who are not the provincial bureau's
// administrators.
var errEdit = apperr.New(apperr.Forbidden, "只有省税务局的系统管理员可以维护征期日历")

// RequireEditor returns the actor when CanEdit allows them.
func RequireEditor(ctx context.Context) (*auth.Actor, error) {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	if !CanEdit(a) {
		return nil, errEdit
	}
	return a, nil
}

// DaysInput is a rest period (放假, From–To) or one adjusted working day
// (调休上班, From) of a year, as an administrator types it. The field names
// are those of the form: the editor has two forms on one page.
type DaysInput struct {
	Year     int
	Kind     string // KindRest or KindWork
	From, To string // YYYY-MM-DD; To is optional
	Name     string // the holiday: 春节, 国庆节 …
}

// parseDate adds a field error for a missing or malformed date.
func parseDate(f apperr.Fields, field, s, what string) (calendar.Date, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		f.Add(field, "请填写"+what)
		return calendar.Date{}, false
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		f.Add(field, what+"格式应为 2026-10-01")
		return calendar.Date{}, false
	}
	return d, true
}

// SetDays enters (or corrects) the days of a rest period, or one adjusted
// working day, and returns how many days were written. Each day replaces
// the embedded notice's entry for its date.
func (s *Service) SetDays(ctx context.Context, in DaysInput) (n int, err error) {
	now := s.Now()
	defer db.Wrap(&err, "filingcal.SetDays(%d, %s–%s)", in.Year, in.From, in.To)
	a, err := RequireEditor(ctx)
	if err != nil {
		return 0, err
	}
	if err := s.CheckYear(in.Year); err != nil {
		return 0, err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	f := apperr.Fields{}
	if in.Kind != KindRest && in.Kind != KindWork {
		f.Add("day_kind", "请选择放假或调休上班")
	}
	from, okFrom := parseDate(f, "day_from", in.From, "日期")
	if okFrom && from.Y != in.Year {
		f.Add("day_from", fmt.Sprintf("日期应在 %d 年内；录入其他年份请先切换年份", in.Year))
		okFrom = false
	}
	to := from
	if strings.TrimSpace(in.To) != "" {
		var okTo bool
		to, okTo = parseDate(f, "day_to", in.To, "结束日期")
		switch {
		case !okTo || !okFrom:
		case to.Y != in.Year:
			f.Add("day_to", fmt.Sprintf("结束日期应在 %d 年内；跨年的假期请按年份分两次录入", in.Year))
		case to.Before(from):
			f.Add("day_to", "结束日期不能早于开始日期 "+from.String())
		case in.Kind == KindWork && to != from:
			f.Add("day_to", "调休上班请逐日录入，不填结束日期")
		case from.DaysUntil(to)+1 > MaxSpan:
			f.Add("day_to", fmt.Sprintf("一次最多录入 %d 天", MaxSpan))
		}
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		f.Add("day_name", "请填写节日名称，如 春节")
	} else {
		f.Text("day_name", in.Name, 20)
	}
	if okFrom && in.Kind == KindWork && cal.IsWorkday(from) {
		f.Add("day_from", fmt.Sprintf("%s（%s）本来就是工作日，无需录入调休上班", from, Weekday(from)))
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	by := auth.Who(ctx)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		n = 0
		for d := from; !d.After(to); d = d.AddDays(1) {
			var old string
			err := tx.QueryRowContext(ctx, `SELECT kind FROM calendar_days WHERE date = $1`, d.String()).Scan(&old)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
			action := audit.CalendarDayCreate
			if err == nil {
				action = audit.CalendarDayUpdate
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (date, kind, name, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name, entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
				d.String(), in.Kind, in.Name, a.UserID, db.TS(now)); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, by, now, action, "calendar_day", dateID(d), d.String()+" "+kindName(in.Kind)+" "+in.Name); err != nil {
				return err
			}
			n++
		}
		return bump(ctx, tx)
	})
	if err != nil {
		return 0, err
	}
	s.forget()
	return n, nil
}

// RemoveDay deletes an entered day: the embedded notice's entry for the
// date, if any, applies again.
func (s *Service) RemoveDay(ctx context.Context, date string) (err error) {
	now := s.Now()
	defer db.Wrap(&err, "filingcal.RemoveDay(%q)", date)
	if _, err := RequireEditor(ctx); err != nil {
		return err
	}
	d, err := calendar.ParseDate(date)
	if err != nil {
		return apperr.New(apperr.NotFound, "没有录入该日期")
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var kind, name string
		err := tx.QueryRowContext(ctx, `DELETE FROM calendar_days WHERE date = $1 RETURNING kind, name`, d.String()).Scan(&kind, &name)
		if err == sql.ErrNoRows {
			return apperr.New(apperr.NotFound, "没有录入该日期，可能已被删除")
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, audit.CalendarDayDelete, "calendar_day", dateID(d), d.String()+" "+kindName(kind)+" "+name); err != nil {
			return err
		}
		return bump(ctx, tx)
	})
	if err == nil {
		s.forget()
	}
	return err
}

// DeadlineInput is an official filing deadline as an administrator types it.
type DeadlineInput struct {
	Year   int
	Month  string // 1–12
	Date   string // YYYY-MM-DD
	Source string // the document that published it
}

// SetDeadline enters (or corrects) the official deadline of a month. It
// must lie in that month, not before the 15th, on a working day.
func (s *Service) SetDeadline(ctx context.Context, in DeadlineInput) (err error) {
	now := s.Now()
	defer db.Wrap(&err, "filingcal.SetDeadline(%d-%s)", in.Year, in.Month)
	a, err := RequireEditor(ctx)
	if err != nil {
		return err
	}
	if err := s.CheckYear(in.Year); err != nil {
		return err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return err
	}
	f := apperr.Fields{}
	month, merr := strconv.Atoi(strings.TrimSpace(in.Month))
	if merr != nil || month < 1 || month > 12 {
		f.Add("dl_month", "请选择月份")
	}
	date, ok := parseDate(f, "dl_date", in.Date, "申报期限")
	if ok && merr == nil && month >= 1 && month <= 12 {
		switch {
		case date.Y != in.Year || date.M != time.Month(month):
			f.Add("dl_date", fmt.Sprintf("申报期限应在 %d年%d月内", in.Year, month))
		case date.D < 15:
			f.Add("dl_date", "申报期限不能早于当月15日")
		case cal.IsRestDay(date):
			f.Add("dl_date", fmt.Sprintf("%s（%s）是休息日，申报期限应为工作日", date, Weekday(date)))
		}
	}
	in.Source = strings.TrimSpace(in.Source)
	if in.Source == "" {
		f.Add("dl_source", "请填写公布期限的文件，如 税总办征科函〔2025〕64号")
	} else {
		f.Text("dl_source", in.Source, 100)
	}
	if err := f.Err(); err != nil {
		return err
	}
	by := auth.Who(ctx)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT deadline FROM filing_deadlines WHERE year = $1 AND month = $2`, in.Year, month).Scan(&old)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		action := audit.FilingDeadlineCreate
		if err == nil {
			action = audit.FilingDeadlineUpdate
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO filing_deadlines (year, month, deadline, source, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (year, month) DO UPDATE SET deadline = excluded.deadline, source = excluded.source, entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
			in.Year, month, date.String(), in.Source, a.UserID, db.TS(now)); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, by, now, action, "filing_deadline", int64(in.Year*100+month), date.String()+" "+in.Source); err != nil {
			return err
		}
		return bump(ctx, tx)
	})
	if err == nil {
		s.forget()
	}
	return err
}

// RemoveDeadline deletes a month's official deadline: the computed one
// applies again.
func (s *Service) RemoveDeadline(ctx context.Context, year, month int) (err error) {
	now := s.Now()
	defer db.Wrap(&err, "filingcal.RemoveDeadline(%d-%d)", year, month)
	if _, err := RequireEditor(ctx); err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var date, source string
		err := tx.QueryRowContext(ctx, `DELETE FROM filing_deadlines WHERE year = $1 AND month = $2 RETURNING deadline, source`, year, month).Scan(&date, &source)
		if err == sql.ErrNoRows {
			return apperr.New(apperr.NotFound, "该月没有录入官方申报期限，可能已被删除")
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, audit.FilingDeadlineDelete, "filing_deadline", int64(year*100+month), date+" "+source); err != nil {
			return err
		}
		return bump(ctx, tx)
	})
	if err == nil {
		s.forget()
	}
	return err
}

// bump moves the calendar's version in the edit's transaction, so that
// every node sees that the calendar changed exactly when the edit commits.
func bump(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE calendar_version SET version = version + 1 WHERE id = 1`)
	return err
}

// dateID is a date as an audit object id: 20261001.
func dateID(d calendar.Date) int64 { return int64(d.Y*10000 + int(d.M)*100 + d.D) }

func kindName(kind string) string {
	if kind == KindRest {
		return "放假"
	}
	return "调休上班"
}
