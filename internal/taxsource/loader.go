package taxsource

import (
	"context"
	"database/sql"
	"errors"

	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// The property forms read their tax bases from the registered sources.
func init() {
	returns.RegisterLoader(forms.PropertyBehaviour.Code, Load)
	returns.RegisterLoader(forms.PropertyBehaviourLand.Code, Load)
}

// Load is the loader of the property forms (returns.Loader): the
// taxpayer's buildings and parcels held on some day of period p, whether
// the taxpayer is a natural person, and whether a small-scale VAT
// identification was in force on the period's last day (the "六税两费"
// relief of 财政部 税务总局公告2022年第10号 for small-scale taxpayers).
func Load(ctx context.Context, q db.Querier, taxpayerID int64, p rules.Period) (any, error) {
	var out forms.PropertySources
	var kind string
	if err := q.QueryRowContext(ctx, `SELECT kind FROM taxpayers WHERE id = $1`, taxpayerID).Scan(&kind); err != nil {
		return nil, err
	}
	out.NaturalPerson = kind == taxpayer.Individual
	end, start := p.End.String(), p.Start.String()
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM tax_identifications WHERE taxpayer_id = $1 AND tax_type = 'vat_small'
		AND start_date <= $2 AND (end_date = '' OR end_date >= $2) LIMIT 1`, taxpayerID, end).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		out.SmallScale = true
	}
	buildings, err := db.Query(ctx, q, scanBuilding, `SELECT `+buildingCols+` FROM tax_buildings
		WHERE taxpayer_id = $1 AND from_date <= $2 AND (to_date IS NULL OR to_date >= $3) ORDER BY id`, taxpayerID, end, start)
	if err != nil {
		return nil, err
	}
	for _, b := range buildings {
		out.Buildings = append(out.Buildings, forms.SourceBuilding{ID: b.ID, Name: b.Name, Region: PropertyRegion(b.Division),
			OriginalValue: b.OriginalValue, Rented: b.Rented, AnnualRent: b.AnnualRent, Residential: b.Residential, From: b.From, To: b.To})
	}
	parcels, err := db.Query(ctx, q, scanParcel, `SELECT `+parcelCols+` FROM tax_parcels
		WHERE taxpayer_id = $1 AND from_date <= $2 AND (to_date IS NULL OR to_date >= $3) ORDER BY id`, taxpayerID, end, start)
	if err != nil {
		return nil, err
	}
	for _, pc := range parcels {
		out.Parcels = append(out.Parcels, forms.SourceParcel{ID: pc.ID, Name: pc.Name, City: pc.City, Grade: pc.Grade, Area: pc.Area, From: pc.From, To: pc.To})
	}
	return out, nil
}
