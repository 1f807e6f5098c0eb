package api

import (
	"testing"

	"taxhall/internal/db/dbtest"
)

// The calculators answer without a token, with the figures of internal/calc
// (whose tests tie them to the rules), and field errors by their JSON names.
func TestCalculators(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.NewSQLite(t))
	e.run([]scenario{
		{name: "vat small 2025 Q4", method: "POST", url: "/api/v1/calculators/vat-small", status: 200,
			body: map[string]any{"year": 2025, "period": "q4", "sales_3": "400,000", "location": "city", "six_taxes_two_fees": true},
			want: []expect{eq("period", "2025年第4季度"), eq("tax_payable", "12,000.00"), eq("reduction", "8,000.00"), eq("vat_due", "4,000.00"),
				eq("city_maintenance", "140.00"), eq("education", "60.00"), eq("local_education", "40.00"), eq("surcharges_total", "240.00"),
				eq("total", "4,240.00"), present("steps")}},
		{name: "vat small bad input", method: "POST", url: "/api/v1/calculators/vat-small", status: 422,
			body: map[string]any{"year": 2026, "period": "q9", "sales_3": "1.001"},
			want: []expect{eq("error.code", "invalid"), present("error.fields.period"), present("error.fields.sales_3"), present("error.fields.location")}},
		{name: "iit wages 61号 example", method: "POST", url: "/api/v1/calculators/iit-wages", status: 200,
			body: map[string]any{"year": 2026, "month": 3, "months_employed": 3, "income": "90000", "special": "13500", "additional": "6000", "withheld": "1180"},
			want: []expect{eq("month", "2026-03"), eq("taxable", "55,500.00"), eq("rate", "10%"), eq("quick_deduction", "2,520.00"),
				eq("cumulative_tax", "3,030.00"), eq("this_month", "1,850.00")}},
		{name: "iit wages bad input", method: "POST", url: "/api/v1/calculators/iit-wages", status: 422,
			body: map[string]any{"year": 2026, "month": 2, "months_employed": 3},
			want: []expect{present("error.fields.months_employed"), present("error.fields.income")}},
	})
}
