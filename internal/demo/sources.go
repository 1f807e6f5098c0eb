package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/taxpayer"
	"taxhall/internal/taxsource"
)

// Sources registers the tax sources (税源) of the demo taxpayers identified
// for property or land use tax, so that their 财产和行为税 returns have
// something to compute: an enterprise gets one building (used or, one in
// four, let) and, where its city's land grades are entered, one parcel in
// its district; a natural person gets a flat let for living (4%). The
// sources are held from the start of the identification. Deterministic.
func Sources(ctx context.Context, d *db.DB, now time.Time) (int, error) {
	type holder struct {
		id                  int64
		kind, division, day string
		property, land      bool
	}
	list, err := db.Query(ctx, d, func(sc db.Scanner) (*holder, error) {
		var h holder
		var taxType string
		err := sc.Scan(&h.id, &h.kind, &h.division, &taxType, &h.day)
		h.property, h.land = taxType == "property", taxType == "land_use"
		return &h, err
	}, `SELECT t.id, t.kind, t.division_code, i.tax_type, i.start_date FROM taxpayers t
		JOIN tax_identifications i ON i.taxpayer_id = t.id AND i.tax_type IN ('property', 'land_use') AND i.end_date = ''
		WHERE t.status = 'active' ORDER BY t.id, i.tax_type`)
	if err != nil {
		return 0, err
	}
	// #nosec G404 -- a fixed seed on purpose: the demo is the same on every run.
	r := rand.New(rand.NewPCG(2025, 10))
	n := 0
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		n = 0
		for i, h := range list {
			from, err := calendar.ParseDate(h.day)
			if err != nil {
				return err
			}
			street := fmt.Sprintf("%s%d号", streetOf(h.division, i), 1+r.IntN(300))
			switch {
			case h.property && h.kind == taxpayer.Individual:
				b := &taxsource.Building{Name: street + fmt.Sprintf("%d室", 101+r.IntN(20)*100), Division: h.division,
					OriginalValue: int64(80+r.IntN(200)) * 10_000_00, Area: int64(60+r.IntN(80)) * 100, Usage: "housing",
					Rented: true, AnnualRent: int64(24+r.IntN(36)) * 1_000_00, Residential: true, From: from}
				if _, err := taxsource.InsertBuilding(ctx, tx, now, h.id, b); err != nil {
					return err
				}
				n++
			case h.property:
				b := &taxsource.Building{Name: street + "办公楼", Division: h.division, OriginalValue: int64(50+r.IntN(450)) * 10_000_00,
					Area: int64(200+r.IntN(1800)) * 100, Usage: "office", From: from}
				if i%4 == 3 {
					b.Name, b.Usage, b.Rented, b.AnnualRent = street+"店面", "commercial", true, int64(60+r.IntN(240))*1_000_00
				}
				if _, err := taxsource.InsertBuilding(ctx, tx, now, h.id, b); err != nil {
					return err
				}
				n++
			case h.land:
				city := taxsource.LandCity(h.division)
				if city == "" {
					continue // the city's land grades are not entered
				}
				p := &taxsource.Parcel{Name: street + "地块", Division: h.division, Area: int64(300+r.IntN(3000)) * 100,
					City: city, Grade: fmt.Sprint(2 + i%4), From: from}
				if _, err := taxsource.InsertParcel(ctx, tx, now, h.id, p); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}
