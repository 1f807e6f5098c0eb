package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/divisions"
	"taxhall/internal/forms"
	"taxhall/internal/ids"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// A province: Bulk adds taxpayers and their returns by the million, written
// directly (COPY on PostgreSQL, multi-row INSERTs in large transactions on
// SQLite) rather than through the services one by one. Every row is what
// the services would have written: identifications as a clerk makes them,
// returns with a canonical document and its SHA-256 (documents are spliced
// from a few hundred templates that forms.Run computed, each checked byte
// for byte against returns.Doc.Canonical), unique acknowledgement numbers,
// a liability per version, the event log and filing_stats totals that
// agree with the rows.

// bulkChunk is how many taxpayers one write carries (and one SQLite
// transaction commits).
const bulkChunk = 5_000

// bulkPlan is the generator's state, deterministic from its seed.
type bulkPlan struct {
	opt       Options
	now       time.Time
	today     calendar.Date
	areas     []bulkArea
	ds        *calendar.Deadlines
	deadlines map[calendar.Date]calendar.Date // ds by period end (a lookup there walks the calendar)
	templates map[tmplKey][]*docTemplate
	fileRate  int // per mille of due periods filed
	used      map[string]bool
	usedAcks  map[string]bool
	hash      string // everyone's password hash

	nextTP, nextUser, nextIdent, nextReturn, nextLiab, nextEvent int64
	ackSeq                                                       int64
	stats                                                        map[statKey]*statRow
	returnsMade                                                  int64
}

type bulkArea struct {
	id       int64
	division string
	city     string
	name     string // the district's name
	clerk    int64
	loc      rules.Location
}

type statKey struct {
	bureau int64
	tax    string
	start  string
	shard  int64
}

type statRow struct{ filed, late, corrected, due int64 }

// ident is one planned identification.
type ident struct {
	taxType, period string
}

// bulkTaxpayer is one planned taxpayer.
type bulkTaxpayer struct {
	id                 int64
	kind, subKind      string
	code, name         string
	area               *bulkArea
	reg                time.Time
	status             string
	idents             []ident
	adminID            int64
	adminName          string
	variant            int // which set of cells its returns use
	individualBusiness bool
}

// Bulk adds enterprises and individuals (after the fixed demo ones) and a
// history of returns. Progress lines go to opt.Progress.
func Bulk(ctx context.Context, d *db.DB, opt Options, enterprises, individuals int) (int64, error) {
	out := opt.Progress
	if out == nil {
		out = io.Discard
	}
	start := time.Now()
	// Garbage collection was a sixth of the load's CPU: the rows are
	// short-lived and a few chunks at a time, so a larger heap is cheap
	// (at 400 and four chunks queued the process reached 12 GB).
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	p := &bulkPlan{opt: opt, now: opt.Now, today: calendar.FromTime(opt.Now.In(cst)), hash: opt.PasswordHash,
		used: map[string]bool{}, usedAcks: map[string]bool{}, deadlines: map[calendar.Date]calendar.Date{}, stats: map[statKey]*statRow{}, templates: map[tmplKey][]*docTemplate{}}
	dl, err := returns.DefaultDeadlines().Deadlines(ctx)
	if err != nil {
		return 0, err
	}
	p.ds = dl
	if err := p.load(ctx, d); err != nil {
		return 0, err
	}
	if err := p.buildTemplates(); err != nil {
		return 0, err
	}
	// Capacity: how many returns the planned identifications could give;
	// --returns scales the share of periods filed down to reach it.
	p.fileRate = 950
	if opt.Returns > 0 {
		capacity := p.capacity(enterprises, individuals)
		switch {
		case capacity == 0:
		case int64(opt.Returns) < capacity*95/100:
			p.fileRate = int(int64(opt.Returns) * 1000 / capacity)
		case int64(opt.Returns) > capacity:
			fmt.Fprintf(out, "注意：已有的申报表（%s）最多能生成约 %d 份申报，少于 --returns %d\n", strings.Join(formCodes(), "、"), capacity, opt.Returns)
		}
	}
	w, err := newBulkWriter(ctx, d)
	if err != nil {
		return 0, err
	}
	defer w.Close()
	if d.Dialect == db.SQLite {
		if err := w.sqliteLoadMode(); err != nil {
			return 0, err
		}
	}
	df, err := deferIndexes(ctx, d, w.conn, bulkTables)
	if err != nil {
		return 0, err
	}
	w.deferred = df
	tps := &table{name: "taxpayers", cols: []string{"id", "kind", "sub_kind", "code", "name", "legal_rep_name", "legal_rep_id", "division_code", "address",
		"industry_code", "registered_capital_fen", "accounting_standard", "phone", "email", "bureau_id", "status", "registered_at", "updated_at",
		"identified_at", "identified_by"}}
	users := &table{name: "taxpayer_users", cols: []string{"id", "taxpayer_id", "username", "name", "phone", "role", "is_admin", "password_hash", "active", "created_at", "updated_at"}}
	idents := &table{name: "tax_identifications", cols: []string{"id", "taxpayer_id", "tax_type", "tax_group", "period", "start_date", "created_by", "created_at"}}
	rets := &table{name: "returns", cols: []string{"id", "taxpayer_id", "bureau_id", "form", "tax_type", "period_start", "period_end", "version", "previous_id",
		"is_current", "zero", "deadline", "late", "tax_due", "difference", "doc", "sha256", "rules_version", "ack_no", "idem_key", "submitted_by",
		"submitted_by_name", "submitted_at", "carry"}}
	liabs := &table{name: "tax_liabilities", cols: []string{"id", "taxpayer_id", "return_id", "tax_type", "period_start", "period_end", "deadline", "amount",
		"paid", "settled", "created_at"}}
	events := &table{name: "return_events", cols: []string{"id", "taxpayer_id", "form", "period_start", "return_id", "kind", "at", "actor_kind", "actor_id",
		"actor_name", "note"}}

	// Generation (documents, hashes) runs beside the writes: one goroutine
	// makes chunks, the writer's connections write them.
	ch := make(chan bulkChunkRows, 2)
	total := enterprises + individuals
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	genDone := make(chan struct{})
	go func() {
		defer close(genDone)
		defer close(ch)
		// #nosec G404 -- a fixed seed on purpose: the same database every run.
		r := rand.New(rand.NewPCG(2026, 1_000_000))
		for from := 0; from < total; from += bulkChunk {
			tabs := []*table{cloneEmpty(tps), cloneEmpty(users), cloneEmpty(idents), cloneEmpty(rets), cloneEmpty(liabs), cloneEmpty(events)}
			for i := from; i < min(from+bulkChunk, total); i++ {
				// Enterprises and individuals interleave, so every chunk
				// looks like the province.
				var t *bulkTaxpayer
				if e := i * enterprises / total; (i+1)*enterprises/total > e {
					t = p.planEnterprise(r, e)
				} else {
					t = p.planIndividual(r, i-e)
				}
				p.emitTaxpayer(t, tabs[0], tabs[1], tabs[2])
				if err := p.emitReturns(r, t, tabs[3], tabs[4], tabs[5]); err != nil {
					select {
					case ch <- bulkChunkRows{err: err}:
					case <-gctx.Done():
					}
					return
				}
			}
			select {
			case ch <- bulkChunkRows{tables: tabs}:
			case <-gctx.Done():
				return
			}
		}
	}()
	progress := make(chan struct{})
	go func() {
		defer close(progress)
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				el := time.Since(start).Seconds()
				n := w.count("returns")
				fmt.Fprintf(out, "  %7.0fs  纳税人 %d/%d  申报 %d  （%.0f 份申报/秒）\n", el, w.count("taxpayers"), total, n, float64(n)/el)
			case <-gctx.Done():
				return
			}
		}
	}()
	err = w.load(ch, cancel)
	cancel()
	<-progress
	<-genDone
	if err != nil {
		return p.returnsMade, err
	}
	if err := ctx.Err(); err != nil {
		return p.returnsMade, err
	}
	el := time.Since(start).Seconds()
	fmt.Fprintf(out, "  %7.0fs  纳税人 %d/%d  申报 %d  （%.0f 份申报/秒）\n", el, w.count("taxpayers"), total, w.count("returns"), float64(w.count("returns"))/el)
	if err := w.journalBack(); err != nil {
		return p.returnsMade, err
	}
	if err := df.restoreIndexes(ctx, d, w, out, start); err != nil {
		return p.returnsMade, err
	}
	w.deferred = nil
	if err := notFiledSet(ctx, d, opt.Now, out, start); err != nil { // notfiled.go
		return p.returnsMade, err
	}
	fmt.Fprintf(out, "  %7.0fs  写入完成：纳税人 %d，用户 %d，税种认定 %d，申报 %d，应缴税款 %d，申报事件 %d\n", time.Since(start).Seconds(),
		w.count("taxpayers"), w.count("taxpayer_users"), w.count("tax_identifications"), w.count("returns"), w.count("tax_liabilities"), w.count("return_events"))
	if err := p.postLoad(w, out, start); err != nil {
		return p.returnsMade, err
	}
	// Fresh statistics, so that the planners see the new sizes at once.
	if err := w.analyze(out, start); err != nil {
		return p.returnsMade, err
	}
	return p.returnsMade, nil
}

// postLoad runs after the rows and their indexes are in, before the
// statistics: each step derives what the services keep beside the rows
// (in the services' own terms, so that the pages agree with the rows).
// A step for another table goes into this list, one entry per table.
func (p *bulkPlan) postLoad(w *bulkWriter, out io.Writer, start time.Time) error {
	steps := []struct {
		name string
		run  func() error
	}{
		// Identity sequences after the ids the load chose (PostgreSQL).
		{"序列", func() error {
			return w.fixSequences(bulkTables...)
		}},
		// filing_stats: the board's totals of the returns written.
		{"filing_stats", func() error { return p.writeStats(w) }},
	}
	for _, s := range steps {
		t0 := time.Now()
		if err := s.run(); err != nil {
			return fmt.Errorf("demo: %s: %w", s.name, err)
		}
		fmt.Fprintf(out, "  %7.0fs  %s %.1fs\n", time.Since(start).Seconds(), s.name, time.Since(t0).Seconds())
	}
	return nil
}

func cloneEmpty(t *table) *table { return &table{name: t.name, cols: t.cols} }

func formCodes() []string {
	var out []string
	for _, f := range forms.All() {
		out = append(out, f.Code)
	}
	return out
}

var cst = time.FixedZone("CST", 8*3600)

// load reads the bureaus and clerks the fixed demo made, the next free ids
// and the codes and acknowledgement numbers already taken.
func (p *bulkPlan) load(ctx context.Context, d *db.DB) error {
	areas, err := db.Query(ctx, d, func(sc db.Scanner) (bulkArea, error) {
		var a bulkArea
		return a, sc.Scan(&a.id, &a.division, &a.clerk)
	}, `SELECT o.id, o.division_code, s.id FROM orgs o JOIN staff s ON s.org_id = o.id AND s.staff_no = o.division_code || '01'
		WHERE o.level = 'district' ORDER BY o.id`)
	if err != nil {
		return err
	}
	if len(areas) == 0 {
		return fmt.Errorf("demo: no district bureaus to place taxpayers in")
	}
	for i := range areas {
		a := &areas[i]
		c, _ := divisions.Lookup(a.division[:4])
		ar, _ := divisions.Area(a.division)
		a.city, a.name, a.loc = trimCity(c.Name), ar.Name, returns.Location(a.division)
	}
	p.areas = areas
	for _, x := range []struct {
		table string
		next  *int64
	}{{"taxpayers", &p.nextTP}, {"taxpayer_users", &p.nextUser}, {"tax_identifications", &p.nextIdent}, {"returns", &p.nextReturn},
		{"tax_liabilities", &p.nextLiab}, {"return_events", &p.nextEvent}} {
		// #nosec G202 -- constant table names.
		if err := d.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+x.table).Scan(x.next); err != nil {
			return err
		}
	}
	codes, err := db.Query(ctx, d, func(sc db.Scanner) (string, error) { var s string; return s, sc.Scan(&s) }, `SELECT code FROM taxpayers`)
	if err != nil {
		return err
	}
	for _, c := range codes {
		p.used[c] = true
	}
	acks, err := db.Query(ctx, d, func(sc db.Scanner) (string, error) { var s string; return s, sc.Scan(&s) }, `SELECT ack_no FROM returns`)
	if err != nil {
		return err
	}
	for _, a := range acks {
		p.usedAcks[a] = true
	}
	return nil
}

// Taxpayer plans. Each draws from r in a fixed order, so the same seed
// gives the same province.

var moreBrands = []string{"宏达", "恒信", "兴业", "鑫源", "华美", "金鹭", "顺丰", "瑞祥", "永安", "福瑞", "东南", "盛世", "天成", "海丰", "众诚", "荣华"}

func (p *bulkPlan) registered(r *rand.Rand) time.Time {
	// Ten years of registrations, more of them recent.
	days := r.IntN(3650)
	if r.IntN(3) == 0 {
		days = r.IntN(700)
	}
	return p.now.Add(-time.Duration(days*24+1+r.IntN(23)) * time.Hour)
}

func (p *bulkPlan) planEnterprise(r *rand.Rand, n int) *bulkTaxpayer {
	a := &p.areas[r.IntN(len(p.areas))]
	t := &bulkTaxpayer{id: p.nextTP, kind: taxpayer.Enterprise, area: a, reg: p.registered(r), status: taxpayer.StatusActive, variant: r.IntN(1000)}
	p.nextTP++
	trade := trades[r.IntN(len(trades))]
	brand := brands[r.IntN(len(brands))] + moreBrands[r.IntN(len(moreBrands))]
	t.individualBusiness = r.IntN(10) < 3
	body := uint64(n) // #nosec G115 -- n counts taxpayers from 0
	if t.individualBusiness {
		t.subKind = taxpayer.IndividualBusiness
		t.name = a.city + a.name + brand + []string{"便利店", "小吃店", "五金店", "理发店", "水果店", "茶行"}[r.IntN(6)]
		t.code = p.uniqueCode(func(k uint64) string { return bulkUSCC("92", a.division, body+k) })
	} else {
		t.name = a.city + brand + trade.word + "有限公司"
		t.code = p.uniqueCode(func(k uint64) string { return bulkUSCC("91", a.division, body+k) })
	}
	switch x := r.IntN(100); {
	case x < 3:
		t.status = taxpayer.StatusPending
		t.reg = p.now.Add(-time.Duration(24*(1+r.IntN(50))) * time.Hour)
	case x < 5:
		t.status = taxpayer.StatusIrregular
	case x < 7:
		t.status = taxpayer.StatusDeregistered
	}
	if t.status == taxpayer.StatusPending {
		return t
	}
	// Small-scale VAT for most, quarterly or (a third) monthly; general
	// VAT (monthly) for one in ten companies.
	vat, vp := "vat_small", taxpayer.Quarterly
	if r.IntN(3) == 0 {
		vp = taxpayer.Monthly
	}
	if !t.individualBusiness && r.IntN(10) == 0 {
		vat, vp = "vat_general", taxpayer.Monthly
	}
	t.idents = []ident{{vat, vp}, {"surcharges", vp}}
	if !t.individualBusiness {
		t.idents = append(t.idents, ident{"cit", taxpayer.Quarterly}, ident{"iit_withholding", taxpayer.Monthly}, ident{"social_insurance", taxpayer.Monthly})
		if r.IntN(3) == 0 {
			t.idents = append(t.idents, ident{"property", taxpayer.Annual}, ident{"land_use", taxpayer.Annual})
		}
	}
	return t
}

func (p *bulkPlan) planIndividual(r *rand.Rand, n int) *bulkTaxpayer {
	a := &p.areas[r.IntN(len(p.areas))]
	t := &bulkTaxpayer{id: p.nextTP, kind: taxpayer.Individual, area: a, reg: p.registered(r), status: taxpayer.StatusActive, variant: r.IntN(1000)}
	p.nextTP++
	t.name = givenName(r)
	t.code = p.uniqueCode(func(k uint64) string { return bulkResidentID(a.division, uint64(n)+k, r.IntN(2) == 0) }) // #nosec G115 -- n counts taxpayers from 0
	if r.IntN(100) < 4 {
		t.status = taxpayer.StatusPending
		t.reg = p.now.Add(-time.Duration(24*(1+r.IntN(50))) * time.Hour)
	}
	if t.status == taxpayer.StatusActive && r.IntN(2) == 0 {
		t.idents = []ident{{"property", taxpayer.Annual}}
	}
	return t
}

// uniqueCode takes the first code gen makes that the fixed demo has not
// used (its codes are random and may, rarely, meet a bulk one).
func (p *bulkPlan) uniqueCode(gen func(k uint64) string) string {
	for k := uint64(0); ; k += 1 << 40 {
		if c := gen(k); !p.used[c] {
			return c
		}
	}
}

// bulkUSCC makes the n-th credit code of a division: the organisation code
// part counts in the code's own alphabet, so codes never repeat.
func bulkUSCC(prefix, division string, n uint64) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	var body [9]byte
	for i := 8; i >= 0; i-- {
		body[i] = alphabet[n%31]
		n /= 31
	}
	s := prefix + division + string(body[:])
	c, _ := ids.USCCCheckChar(s)
	return s + string(c)
}

// bulkResidentID makes the n-th resident ID of a division: a birthday among
// 40 years and a sequence number, different for every n below 1000×14600.
func bulkResidentID(division string, n uint64, male bool) string {
	seq := (n % 500) * 2
	if male {
		seq++
	}
	day := (n / 500 * 97) % 14600
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(day))
	s := fmt.Sprintf("%s%s%03d", division, birth.Format("20060102"), seq)
	c, _ := ids.ResidentIDCheckChar(s)
	return s + string(c)
}

func (p *bulkPlan) emitTaxpayer(t *bulkTaxpayer, tps, users, idents *table) {
	a := t.area
	now := db.TS(p.now)
	reg := db.TS(t.reg)
	identified, identifiedBy := "", any(nil)
	if t.status != taxpayer.StatusPending {
		identified, identifiedBy = db.TS(t.reg.Add(48*time.Hour)), a.clerk
	}
	phone := fmt.Sprintf("1%d%09d", 3+t.id%7, (t.id*7919)%1_000_000_000)
	addr := fmt.Sprintf("%s%s%d号", a.name, streets[a.division[:4]][t.id%8], 1+t.id%300)
	if t.kind == taxpayer.Enterprise {
		rep := surnames[t.id%16] + given[(t.id/16)%16]
		repID := bulkResidentID(a.division, uint64(t.id)+7_000_000, t.id%2 == 0) // #nosec G115 -- ids are positive
		capital := int64(0)
		std := "sbas"
		if !t.individualBusiness {
			capital = (10 + t.id%990) * 10_000_00
			if t.id%3 == 0 {
				std = "cas"
			}
		}
		tps.add(t.id, t.kind, t.subKind, t.code, t.name, rep, repID, a.division, addr, trades[t.id%int64(len(trades))].industry, capital, std,
			phone, fmt.Sprintf("tax%d@example.com", t.id), a.id, t.status, reg, now, identified, identifiedBy)
		roles := []struct{ username, role string }{{"admin", auth.TPLegalRep}, {"caiwu", auth.TPFinance}, {"banshui", auth.TPClerk}}
		if t.individualBusiness {
			roles = roles[:1]
		}
		for j, u := range roles {
			name := rep
			if j > 0 {
				name = surnames[(t.id+int64(j))%16] + given[(t.id*3+int64(j))%16]
			}
			if j == 0 {
				t.adminID, t.adminName = p.nextUser, name
			}
			users.add(p.nextUser, t.id, u.username, name, phone, u.role, b2i(j == 0), p.hash, 1, reg, reg)
			p.nextUser++
		}
	} else {
		tps.add(t.id, t.kind, "", t.code, t.name, "", "", a.division, addr, "", int64(0), "", phone, "", a.id, t.status, reg, now, identified, identifiedBy)
		t.adminID, t.adminName = p.nextUser, t.name
		users.add(p.nextUser, t.id, taxpayer.SelfUsername, t.name, phone, auth.TPLegalRep, 1, p.hash, 1, reg, reg)
		p.nextUser++
	}
	start := t.reg.In(cst).Format(db.DateLayout)
	for _, i := range t.idents {
		idents.add(p.nextIdent, t.id, i.taxType, taxpayer.TaxGroup(i.taxType), i.period, start, a.clerk, identified)
		p.nextIdent++
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// periodsOf lists the ended periods of an identification from 2025 (or its
// start) on.
func (p *bulkPlan) periodsOf(i ident, reg time.Time) []rules.Period {
	start := calendar.FromTime(reg.In(cst))
	if start.Before(calendar.MakeDate(2025, 1, 1)) {
		start = calendar.MakeDate(2025, 1, 1)
	}
	var out []rules.Period
	for q := periodOf(i.period, start); q.End.Before(p.today); q = periodOf(i.period, q.End.AddDays(1)) {
		out = append(out, q)
	}
	return out
}

// capacity counts the periods the planned taxpayers could file with the
// forms registered and their templates, by planning them once with the
// same seed.
func (p *bulkPlan) capacity(enterprises, individuals int) int64 {
	saved := p.nextTP
	used := p.used
	p.used = map[string]bool{}
	defer func() { p.nextTP, p.used = saved, used }()
	// #nosec G404 -- the same fixed seed as the real run.
	r := rand.New(rand.NewPCG(2026, 1_000_000))
	total := enterprises + individuals
	var n int64
	for i := range total {
		var t *bulkTaxpayer
		if e := i * enterprises / total; (i+1)*enterprises/total > e {
			t = p.planEnterprise(r, e)
		} else {
			t = p.planIndividual(r, i-e)
		}
		if t.status != taxpayer.StatusActive {
			continue
		}
		for _, i := range t.idents {
			f, ok := forms.ForTaxType(i.taxType)
			if !ok {
				continue
			}
			// Only the periods a template can file (as emitReturns).
			for _, q := range p.periodsOf(i, t.reg) {
				if len(p.templates[tmplKey{f.Code, q.Start, t.area.loc, t.kind == taxpayer.Individual || t.individualBusiness}]) > 0 {
					n++
				}
			}
		}
	}
	return n
}

// emitReturns files the taxpayer's history: most periods on time, some
// late, some corrected three weeks later, some not filed.
func (p *bulkPlan) emitReturns(r *rand.Rand, t *bulkTaxpayer, rets, liabs, events *table) error {
	if t.status == taxpayer.StatusPending {
		return nil
	}
	for _, i := range t.idents {
		f, ok := forms.ForTaxType(i.taxType)
		if !ok {
			continue
		}
		for _, q := range p.periodsOf(i, t.reg) {
			if p.opt.Returns > 0 && p.returnsMade >= int64(p.opt.Returns) {
				return nil
			}
			roll := r.IntN(1000)
			if roll >= p.fileRate {
				continue // not filed
			}
			dl := p.deadline(q.End)
			at := dl.AddDays(-r.IntN(12))
			late := roll%100 < 12
			if late {
				at = dl.AddDays(3 + r.IntN(40))
			}
			if !at.Before(p.today) {
				continue // not yet filed
			}
			tmpls := p.templates[tmplKey{f.Code, q.Start, t.area.loc, t.kind == taxpayer.Individual || t.individualBusiness}]
			if len(tmpls) == 0 {
				continue
			}
			tm := tmpls[(t.variant+r.IntN(3))%len(tmpls)]
			first, err := p.emitReturn(t, f, q, dl, at, late, tm, nil, rets, liabs, events)
			if err != nil {
				return err
			}
			if roll%100 >= 93 { // corrected three weeks later
				if at2 := at.AddDays(21); at2.Before(p.today) {
					tm2 := tmpls[(t.variant+5)%len(tmpls)]
					if _, err := p.emitReturn(t, f, q, dl, at2, late, tm2, first, rets, liabs, events); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// deadline is the filing deadline of a period that ends on end.
func (p *bulkPlan) deadline(end calendar.Date) calendar.Date {
	dl, ok := p.deadlines[end]
	if !ok {
		dl = p.ds.ForPeriodEnd(end).Date
		p.deadlines[end] = dl
	}
	return dl
}

// emitted is what a correction needs of the version it corrects.
type emitted struct {
	id      int64
	version int
	sha     string
	due     int64
	row     []any
}

func (p *bulkPlan) emitReturn(t *bulkTaxpayer, f *forms.Form, q rules.Period, dl, day calendar.Date, late bool, tm *docTemplate, prev *emitted,
	rets, liabs, events *table) (*emitted, error) {
	at := time.Date(day.Y, day.M, day.D, 9, 0, 0, 0, cst).Add(time.Duration(t.id%480) * time.Minute)
	id := p.nextReturn
	p.nextReturn++
	version, corrects, prevDue := 1, "", int64(0)
	var prevID any
	if prev != nil {
		version, corrects, prevDue, prevID = prev.version+1, prev.sha, prev.due, prev.id
		prev.row[9] = 0 // the corrected version is no longer current
	}
	// doc is never changed after this: the row's string shares its bytes.
	doc := tm.splice(t.id, t.code, t.name, version, corrects)
	sum := sha256.Sum256(doc)
	sha := hex.EncodeToString(sum[:])
	ack := p.ack(at)
	ts := db.TS(at)
	diff := tm.due - prevDue
	// The document's bytes are never written again: a string over them
	// saves a copy of every document of the province.
	docText := unsafe.String(&doc[0], len(doc)) // #nosec G103 -- doc is not modified after this point
	row := []any{id, t.id, t.area.id, f.Code, f.TaxType, q.Start.String(), q.End.String(), version, prevID, 1, b2i(tm.zero), dl.String(), b2i(late),
		tm.due, diff, docText, sha, rules.Version, ack, "seed-" + strconv.FormatInt(id, 10), t.adminID, t.adminName, ts, tm.carry}
	rets.add(row...)
	// Liabilities more than a month past their deadline were paid.
	paid, settled := int64(0), b2i(diff == 0)
	if diff > 0 && dl.AddDays(30).Before(p.today) && (t.id+id)%10 != 0 {
		paid, settled = diff, 1
	}
	liabs.add(p.nextLiab, t.id, id, f.TaxType, q.Start.String(), q.End.String(), dl.String(), diff, paid, settled, ts)
	p.nextLiab++
	kind := returns.EventAccepted
	if prev != nil {
		kind = returns.EventCorrected
	}
	events.add(p.nextEvent, t.id, f.Code, q.Start.String(), id, kind, ts, string(auth.Taxpayer), t.adminID, t.adminName, "回执号 "+ack)
	p.nextEvent++
	k := statKey{bureau: t.area.id, tax: f.TaxType, start: q.Start.String(), shard: t.id % 8}
	s := p.stats[k]
	if s == nil {
		s = &statRow{}
		p.stats[k] = s
	}
	if prev == nil {
		s.filed++
		s.late += int64(b2i(late))
	} else {
		s.corrected++
	}
	s.due += diff
	p.returnsMade++
	return &emitted{id: id, version: version, sha: sha, due: tm.due, row: row}, nil
}

// ack makes a unique acknowledgement number: the day and a running number
// that starts with 9 (live ones are random; those already stored are
// skipped).
func (p *bulkPlan) ack(at time.Time) string {
	for {
		p.ackSeq++
		a := at.In(cst).Format("20060102") + fmt.Sprintf("9%09d", p.ackSeq%1_000_000_000)
		if !p.usedAcks[a] {
			return a
		}
	}
}

// writeStats adds the totals to filing_stats (the fixed demo's history is
// already there: the same keys add up).
func (p *bulkPlan) writeStats(w *bulkWriter) error {
	tx, err := w.conn.BeginTx(w.ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	st, err := tx.PrepareContext(w.ctx, `INSERT INTO filing_stats (bureau_id, tax_type, period_start, shard, filed, late, corrected, tax_due)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (bureau_id, tax_type, period_start, shard) DO UPDATE SET filed = filing_stats.filed + excluded.filed,
			late = filing_stats.late + excluded.late, corrected = filing_stats.corrected + excluded.corrected, tax_due = filing_stats.tax_due + excluded.tax_due`)
	if err != nil {
		return err
	}
	defer st.Close()
	for k, s := range p.stats {
		if _, err := st.ExecContext(w.ctx, k.bureau, k.tax, k.start, k.shard, s.filed, s.late, s.corrected, s.due); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Document templates.

type tmplKey struct {
	form       string
	start      calendar.Date
	loc        rules.Location
	individual bool
}

// docTemplate is a canonical document cut around the taxpayer's fields and
// the version: head ends with `"taxpayer_id":`, mid runs from
// `,"period_start"` to `"version":`, tail from `,"zero"` or
// `,"rules_version"` to the end.
type docTemplate struct {
	head, mid, tail []byte
	due             int64
	zero            bool
	carry           any // the returns.carry column (what Submit writes)
}

// splice builds the canonical document of one return.
func (tm *docTemplate) splice(taxpayerID int64, code, name string, version int, corrects string) []byte {
	b := make([]byte, 0, len(tm.head)+len(tm.mid)+len(tm.tail)+200)
	b = append(b, tm.head...)
	b = strconv.AppendInt(b, taxpayerID, 10)
	b = append(b, `,"taxpayer_code":`...)
	b = appendJSONString(b, code)
	b = append(b, `,"taxpayer_name":`...)
	b = appendJSONString(b, name)
	b = append(b, tm.mid...)
	b = strconv.AppendInt(b, int64(version), 10)
	if corrects != "" {
		b = append(b, `,"corrects":`...)
		b = appendJSONString(b, corrects)
	}
	return append(b, tm.tail...)
}

// appendJSONString quotes s as encoding/json does without HTML escaping;
// strings that need escapes go through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	simple := utf8.ValidString(s)
	for _, c := range s {
		if c < 0x20 || c == '"' || c == '\\' || c == '\u2028' || c == '\u2029' {
			simple = false
			break
		}
	}
	if simple {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// cellSets are the entered amounts (yuan) the templates compute: small
// sales below the exemption threshold, some above it, services, invoices,
// and a zero return.
func cellSets(f *forms.Form, months int) []map[string]string {
	if f.Code != "vat_small" {
		return []map[string]string{{}}
	}
	scale := months
	var out []map[string]string
	for _, goods := range []int{20_000, 45_000, 70_000, 90_000, 120_000, 180_000, 260_000, 380_000, 520_000} {
		c := map[string]string{"1.goods": strconv.Itoa(goods * scale / 3)}
		if goods%20_000 == 0 {
			c["1.services"] = strconv.Itoa(goods / 4 * scale / 3)
		}
		if goods >= 180_000 {
			c["3.goods"] = strconv.Itoa(goods / 2 * scale / 3)
		}
		out = append(out, c)
	}
	return append(out, map[string]string{})
}

// buildTemplates computes every form for every period of 2025–2026 with
// each cell set, and checks each template against Doc.Canonical.
func (p *bulkPlan) buildTemplates() error {
	for _, f := range forms.All() {
		if returns.HasLoader(f.Code) || f.DetailMax > 0 {
			continue // needs the store's data or detail lines, not just cells
		}
		var periods []rules.Period
		for _, kind := range []string{taxpayer.Monthly, taxpayer.Quarterly} {
			for q := periodOf(kind, calendar.MakeDate(2025, 1, 1)); q.End.Before(p.today); q = periodOf(kind, q.End.AddDays(1)) {
				periods = append(periods, q)
			}
		}
		for _, q := range periods {
			months, _ := q.Months()
			for _, loc := range []rules.Location{rules.InCity, rules.InCountyTown} {
				for _, individual := range []bool{false, true} {
					facts := forms.Facts{Individual: individual, IndividualBusiness: individual, SmallScale: f.TaxType == "vat_small", Location: loc}
					key := tmplKey{f.Code, q.Start, loc, individual}
					for _, cells := range cellSets(f, months) {
						tm, runErr, err := makeTemplate(f, q, facts, cells)
						if err != nil {
							return err
						}
						if runErr != nil {
							continue // not valid for this form and period (a detail form needs more than cells)
						}
						p.templates[key] = append(p.templates[key], tm)
					}
				}
			}
		}
	}
	return nil
}

func makeTemplate(f *forms.Form, q rules.Period, facts forms.Facts, cells map[string]string) (_ *docTemplate, runErr, err error) {
	defer func() {
		// A form that cannot compute from cells alone is skipped, not fatal.
		if p := recover(); p != nil {
			runErr = fmt.Errorf("demo: %s: %v", f.Code, p)
		}
	}()
	out, runErr := f.Run(forms.Input{Period: q, Facts: facts}, cells)
	if runErr != nil {
		return nil, runErr, nil
	}
	zero := len(cells) == 0 && f.Zero && out.TaxDue == 0
	doc := returns.Doc{Form: f.Code, FormName: f.Name, FormBasis: f.Basis, TaxType: f.TaxType, TaxpayerID: 0, TaxpayerCode: "", TaxpayerName: "",
		PeriodStart: q.Start.String(), PeriodEnd: q.End.String(), Version: 1, Zero: zero, RulesVersion: rules.Version,
		Lines: forms.Format(out.Values, f.Cells()), Entered: cells, TaxDue: forms.Plain(out.TaxDue)}
	if out.Detail != nil {
		if doc.Detail, err = json.Marshal(out.Detail); err != nil {
			return nil, nil, err
		}
	}
	c := doc.Canonical()
	cut := func(marker string) int { return bytes.Index(c, []byte(marker)) }
	i1 := cut(`"taxpayer_id":`) + len(`"taxpayer_id":`)
	i2 := cut(`,"period_start":`)
	i3 := cut(`"version":`) + len(`"version":`)
	i4 := cut(`,"rules_version":`)
	if zero {
		i4 = cut(`,"zero":`)
	}
	if i1 < len(`"taxpayer_id":`) || i2 < 0 || i3 < i2 || i4 < i3 {
		return nil, nil, fmt.Errorf("demo: template of %s: unexpected canonical layout", f.Code)
	}
	vals, err := doc.Values()
	if err != nil {
		return nil, nil, err
	}
	tm := &docTemplate{head: c[:i1], mid: c[i2:i3], tail: c[i4:], due: out.TaxDue, zero: zero, carry: returns.CarryValues(f, vals)}
	// The splice must be exactly what Submit would store.
	check := doc
	check.TaxpayerID, check.TaxpayerCode, check.TaxpayerName, check.Version, check.Corrects = 42, "91350203MA2XXXXXX1", "厦门\"测试\"<公司>", 2, strings.Repeat("ab", 32)
	if got, want := tm.splice(42, check.TaxpayerCode, check.TaxpayerName, 2, check.Corrects), check.Canonical(); !bytes.Equal(got, want) {
		return nil, nil, fmt.Errorf("demo: template of %s does not splice into its canonical document:\n%s\n%s", f.Code, got, want)
	}
	return tm, nil, nil
}
