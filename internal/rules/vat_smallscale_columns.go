package rules

import "errors"

// SmallScaleSales is one column of the small-scale return (货物及劳务, or
// 服务、不动产和无形资产), tax excluded, in fen.
type SmallScaleSales struct {
	Sales3     int64 // lines 1 and 7: sales at the 3% levy rate, used fixed assets included
	Sales5     int64 // line 4: selling or leasing real estate (services column only)
	FixedAsset int64 // line 7: of Sales3, used fixed assets (goods column only)
}

// SmallScaleColumn is the computation of one column by the lines of the
// return.
type SmallScaleColumn struct {
	TaxableSales3        int64 // line 1 (sales at 3% other than used fixed assets, when taxed)
	TaxableSales5        int64 // line 4
	TaxableFixedAsset    int64 // line 7
	ExemptSmallBusiness  int64 // line 10
	ExemptBelowThreshold int64 // line 11
	TaxPayable           int64 // line 15
	Reduction            int64 // line 16
	ExemptTaxSmall       int64 // line 18
	ExemptTaxBelow       int64 // line 19
}

// SmallScaleByColumn computes the two columns of the small-scale return
// with ONE threshold test on the period's total sales (the threshold is the
// taxpayer's, not a column's), then each column's tax at the levy rates and
// the reduction, each rounded half up to the fen as the form's lines are.
// The totals equal SmallScaleVAT on the summed sales up to a fen per column
// of rounding; a return shows and stores the columns.
func SmallScaleByColumn(p Period, individual bool, goods, services SmallScaleSales) (SmallScaleParams, string, [2]SmallScaleColumn, error) {
	var out [2]SmallScaleColumn
	for _, c := range []SmallScaleSales{goods, services} {
		if c.Sales3 < 0 || c.Sales5 < 0 || c.FixedAsset < 0 {
			return SmallScaleParams{}, "", out, errors.New("rules: sales cannot be negative")
		}
		if c.FixedAsset > c.Sales3 {
			return SmallScaleParams{}, "", out, errors.New("rules: used fixed assets are part of the sales at 3%")
		}
	}
	total, err := SmallScaleVAT(SmallScaleInput{Period: p, Sales3: goods.Sales3 + services.Sales3,
		Sales5: goods.Sales5 + services.Sales5, Individual: individual})
	if err != nil {
		return SmallScaleParams{}, "", out, err
	}
	par := total.Params
	taxed3 := total.TaxableSales3 > 0
	taxed5 := total.TaxableSales5 > 0
	line := par.UnitsExemptOn
	if individual {
		line = BelowThresholdLine
	}
	for i, c := range []SmallScaleSales{goods, services} {
		col := &out[i]
		var exempt, exemptTax int64
		if taxed3 {
			col.TaxableSales3, col.TaxableFixedAsset = c.Sales3-c.FixedAsset, c.FixedAsset
		} else {
			exempt += c.Sales3
			exemptTax += mulRate(c.Sales3, levyRate3)
		}
		if taxed5 {
			col.TaxableSales5 = c.Sales5
		} else {
			exempt += c.Sales5
			exemptTax += mulRate(c.Sales5, levyRate5)
		}
		if line == SmallBusinessLine {
			col.ExemptSmallBusiness, col.ExemptTaxSmall = exempt, exemptTax
		} else {
			col.ExemptBelowThreshold, col.ExemptTaxBelow = exempt, exemptTax
		}
		s3 := col.TaxableSales3 + col.TaxableFixedAsset
		col.TaxPayable = mulRate(s3, levyRate3) + mulRate(col.TaxableSales5, levyRate5)
		col.Reduction = mulRate(s3, levyRate3-par.Rate3)
	}
	return par, total.Source, out, nil
}

// Version names the revision of the rules that a return was computed with;
// it is stored in every accepted return's canonical document. Bump it when
// a parameter or a formula changes.
const Version = "rules-2026.12.1"
