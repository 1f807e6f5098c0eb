package daily

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/iitannual"
	"taxhall/internal/jobs"
	"taxhall/internal/messages"
	"taxhall/internal/notify"
)

// Annual returns (年度汇算). The hall files one annual return: the
// individual's reconciliation of comprehensive income (个人所得税综合所得
// 年度汇算, form iit_annual), due from 1 March to 30 June of the year after
// the income (《中华人民共和国个人所得税法》第十一条第一款、《个人所得税法
// 实施条例》第二十五条). The hall has no annual enterprise income tax return
// (企业所得税年度纳税申报表, due by 31 May, 企业所得税法第五十四条第三款):
// internal/forms holds only the monthly/quarterly prepayment (eit), so no
// EIT annual reminder is sent — there is nothing in the hall to file it with.
//
// On three days the daily run starts a chain of annual page jobs (kind
// notify.annual), each over AnnualPageSize active natural persons after a
// cursor (index taxpayers_kind_status_id): opening day (1 March), two days
// before the end (28 June) and the last day (30 June). A person is reminded
// when employers in the hall withheld for them in the year (iit_person_lines)
// and no reconciliation of that year is filed (returns_current). Each
// reminder is an in-site message plus the e-mails and texts the person's
// users chose (categories deadline, and lastday on the last day), keyed per
// person, year and phase, so a page run twice, a restart or a second node
// sends nothing twice. The statute's dates are fixed: a 30 June on a
// weekend is not moved (the tax authority announces any extension).

// KindAnnualPage is the job kind of one page of annual reminders.
const KindAnnualPage = "notify.annual"

// Phases of the annual reconciliation reminders.
const (
	AnnualOpen     = "annual_open"
	AnnualDeadline = "annual_deadline"
	AnnualLastDay  = "annual_lastday"
)

// AnnualPhase says which annual reminder, if any, day starts, and for
// which income year.
func AnnualPhase(day calendar.Date) (phase string, year int) {
	end := calendar.Date{Y: day.Y, M: time.June, D: 30}
	switch day {
	case calendar.Date{Y: day.Y, M: time.March, D: 1}:
		return AnnualOpen, day.Y - 1
	case end.AddDays(-2):
		return AnnualDeadline, day.Y - 1
	case end:
		return AnnualLastDay, day.Y - 1
	}
	return "", 0
}

type annualPayload struct {
	Day   string `json:"day"`
	Phase string `json:"phase"`
	Year  int    `json:"year"`
	After int64  `json:"after"`
}

func annualKey(phase string, year int, after int64) string {
	return fmt.Sprintf("%s:%d:%d", phase, year, after)
}

// enqueueAnnual starts the day's annual reminders, if the day is one.
func (s *Scheduler) enqueueAnnual(ctx context.Context, day calendar.Date) error {
	phase, year := AnnualPhase(day)
	if phase == "" {
		return nil
	}
	_, err := jobs.Enqueue(ctx, s.DB, jobs.Job{Kind: KindAnnualPage, Key: annualKey(phase, year, 0),
		Payload: annualPayload{Day: day.String(), Phase: phase, Year: year}})
	return err
}

func (s *Scheduler) runAnnualPage(ctx context.Context, j *jobs.Claimed) error {
	var p annualPayload
	if err := j.Decode(&p); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		next, _, err := s.annualPage(ctx, tx, p.Phase, p.Year, p.After)
		if err != nil || next == 0 {
			return err
		}
		_, err = jobs.Enqueue(ctx, tx, jobs.Job{Kind: KindAnnualPage, Key: annualKey(p.Phase, p.Year, next),
			Payload: annualPayload{Day: p.Day, Phase: p.Phase, Year: p.Year, After: next}})
		return err
	})
}

// RunAnnual runs a whole annual phase synchronously, page after page (for
// tests and a catch-up); it returns the messages it created.
func (s *Scheduler) RunAnnual(ctx context.Context, phase string, year int) (int, error) {
	var after int64
	total := 0
	for {
		var next int64
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			var n int
			next, n, err = s.annualPage(ctx, tx, phase, year, after)
			total += n
			return err
		})
		if err != nil || next == 0 {
			return total, err
		}
		after = next
	}
}

type person struct {
	id   int64
	code string // the resident ID
}

// annualPage reminds one page of natural persons; it returns the cursor
// of the next page, 0 after the last.
func (s *Scheduler) annualPage(ctx context.Context, tx *sql.Tx, phase string, year int, after int64) (next int64, created int, err error) {
	size := s.pageSize()
	people, err := db.Query(ctx, tx, func(sc db.Scanner) (person, error) {
		var p person
		return p, sc.Scan(&p.id, &p.code)
	}, `SELECT id, code FROM taxpayers WHERE kind = 'individual' AND status = 'active' AND id > $1 ORDER BY id LIMIT $2`, after, size)
	if err != nil || len(people) == 0 {
		return 0, 0, err
	}
	// Who had tax withheld in the year (index iit_person_lines_person), and
	// who has filed the year's reconciliation (index returns_current).
	codes := make([]any, 0, len(people)+1)
	ids := make([]any, 0, len(people)+2)
	codes = append(codes, year)
	ids = append(ids, iitannual.FormCode, fmt.Sprintf("%d-01-01", year))
	cph, iph := make([]string, len(people)), make([]string, len(people))
	for i, p := range people {
		codes = append(codes, p.code)
		cph[i] = fmt.Sprintf("$%d", i+2)
		ids = append(ids, p.id)
		iph[i] = fmt.Sprintf("$%d", i+3)
	}
	withheld := map[string]bool{}
	// #nosec G202 -- cph holds only numbered placeholders
	rows, err := db.Query(ctx, tx, func(sc db.Scanner) (string, error) {
		var c string
		return c, sc.Scan(&c)
	}, `SELECT DISTINCT resident_id FROM iit_person_lines WHERE year = $1 AND resident_id IN (`+strings.Join(cph, ", ")+`)`, codes...)
	if err != nil {
		return 0, 0, err
	}
	for _, c := range rows {
		withheld[c] = true
	}
	filed := map[int64]bool{}
	// #nosec G202 -- iph holds only numbered placeholders
	got, err := db.Query(ctx, tx, func(sc db.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT taxpayer_id FROM returns WHERE form = $1 AND period_start = $2 AND is_current = 1 AND taxpayer_id IN (`+strings.Join(iph, ", ")+`)`, ids...)
	if err != nil {
		return 0, 0, err
	}
	for _, id := range got {
		filed[id] = true
	}
	now := s.Now()
	subject, body := annualText(phase, year)
	category := notify.Deadline
	if phase == AnnualLastDay {
		category = notify.LastDay
	}
	for _, p := range people {
		if !withheld[p.code] || filed[p.id] {
			continue
		}
		key := fmt.Sprintf("notify:%s:%d", phase, year)
		_, made, err := messages.Send(ctx, tx, now, messages.Message{TaxpayerID: p.id, Kind: messages.KindReminder,
			Subject: subject, Body: body, Link: "/hall/iit/annual", DedupeKey: key})
		if err != nil {
			return 0, created, err
		}
		if !made {
			continue
		}
		created++
		if _, err := notify.Fanout(ctx, tx, notify.Event{Category: category, TaxpayerID: p.id, Subject: subject, Body: body, Link: "/hall/iit/annual", Key: key}); err != nil {
			return 0, created, err
		}
	}
	if len(people) < size {
		return 0, created, nil
	}
	return people[len(people)-1].id, created, nil
}

const annualBasis = "（《中华人民共和国个人所得税法》第十一条、《中华人民共和国个人所得税法实施条例》第二十五条）"

// annualText is the reminder of a phase for an income year.
func annualText(phase string, year int) (subject, body string) {
	window := fmt.Sprintf("%d年3月1日至6月30日", year+1)
	what := fmt.Sprintf("您%d年度有扣缴义务人为您预扣预缴的综合所得，尚未办理%d年度个人所得税综合所得年度汇算。", year, year)
	how := "需要补税或申请退税的，请在“年度汇算”中核对收入和扣除后提交。需补税但全年综合所得收入不超过12万元、需补税不超过400元、已预缴税额与年度应纳税额一致或不申请退税的，可以不办理（财政部 税务总局公告2023年第32号）。"
	switch phase {
	case AnnualOpen:
		return fmt.Sprintf("%d年度个人所得税年度汇算已开始", year),
			fmt.Sprintf("%d年度综合所得年度汇算的办理期为%s%s。%s%s", year, window, annualBasis, what, how)
	case AnnualDeadline:
		return fmt.Sprintf("%d年度个人所得税年度汇算将于6月30日截止", year),
			fmt.Sprintf("%s办理期为%s，还剩3天%s。%s", what, window, annualBasis, how)
	}
	return fmt.Sprintf("今天是%d年度个人所得税年度汇算的最后一天", year),
		fmt.Sprintf("%s今天（%d年6月30日）是办理期的最后一天%s，逾期办理需补税的可能加收滞纳金。%s", what, year+1, annualBasis, how)
}
