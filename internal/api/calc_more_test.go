package api

import (
	"testing"

	"taxhall/internal/db/dbtest"
)

// The further calculators answer without a token with the figures of
// internal/calc (whose tests tie them to the rules and their sources), and
// field errors by their JSON names.
func TestMoreCalculators(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.NewSQLite(t))
	post := func(name, path string, status int, body map[string]any, want ...expect) scenario {
		return scenario{name: name, method: "POST", url: "/api/v1/calculators/" + path, status: status, body: body, want: want}
	}
	e.run([]scenario{
		// 国家税务总局公告2018年第61号 预扣率表二.
		post("labour", "labour", 200, map[string]any{"paid": "2026-06-30", "income": "25,000.02"},
			eq("deduction", "5,000.00"), eq("taxable", "20,000.02"), eq("rate", "30%"), eq("quick_deduction", "2,000.00"), eq("tax", "4,000.01"),
			has("steps.*.basis", "个人所得税法 第六条；国家税务总局公告2018年第61号 第二条及预扣率表二")),
		post("labour bad", "labour", 422, map[string]any{"paid": "2026-13-01"}, present("error.fields.paid"), present("error.fields.income")),
		// 税收征收管理法 第三十二条.
		post("late fee", "late-fee", 200, map[string]any{"unpaid": "10000", "deadline": "2026-05-15", "paid": "2026-05-25"},
			eq("days", float64(10)), eq("daily_rate", "0.05%"), eq("fee", "50.00")),
		post("late fee in time", "late-fee", 200, map[string]any{"unpaid": "10000", "deadline": "2026-05-15", "paid": "2026-05-15"},
			eq("days", float64(0)), eq("fee", "0.00")),
		post("general VAT", "vat-general", 200, map[string]any{"year": 2026, "period": "m3", "sales_13": "1,000,000", "sales_9": "200000",
			"sales_6": "100000", "simplified_3": "50000", "input_tax": "100000", "carried_credit": "20000", "transferred_out": "5000",
			"reductions": "280", "location": "city"},
			eq("output_tax", "154,000.00"), eq("deductible", "115,000.00"), eq("deducted", "115,000.00"), eq("general_tax", "39,000.00"),
			eq("credit_forward", "0.00"), eq("simplified_tax", "1,500.00"), eq("tax_total", "40,220.00"), eq("surcharges_total", "4,826.40"),
			eq("total", "45,046.40"), has("steps.*.basis", "增值税法 第十条")),
		post("general VAT carried forward", "vat-general", 200, map[string]any{"year": 2025, "period": "q4", "sales_13": "100000", "input_tax": "20000", "location": "county"},
			eq("tax_total", "0.00"), eq("credit_forward", "7,000.00"), eq("total", "0.00")),
		post("general VAT bad", "vat-general", 422, map[string]any{"year": 2026, "period": "m1", "sales_13": "x", "input_tax": "1", "transferred_out": "2"},
			present("error.fields.sales_13"), present("error.fields.transferred_out"), present("error.fields.location")),
		// 财政部 税务总局公告2023年第12号 第三条: exactly 3,000,000 is small low-profit.
		post("EIT small low-profit", "eit", 200, map[string]any{"year": 2025, "period": "q2", "profit": "3000000", "prepaid": "100000",
			"employees": "300", "assets": "50000000"},
			eq("actual_profit", "3,000,000.00"), eq("rate", "25%"), eq("tax", "750,000.00"), eq("small_low_profit", true),
			eq("relief", "600,000.00"), eq("payable", "50,000.00")),
		post("EIT over the limit", "eit", 200, map[string]any{"year": 2025, "period": "q2", "profit": "3000000.01", "employees": "300", "assets": "50000000"},
			eq("small_low_profit", false), eq("relief", "0.00"), eq("payable", "750,000.00")),
		post("EIT bad", "eit", 422, map[string]any{"year": 2026, "period": "h1"},
			present("error.fields.period"), present("error.fields.profit"), present("error.fields.employees"), present("error.fields.assets")),
		post("property", "property", 200, map[string]any{"year": 2026, "period": "q1", "original_value": "1000000", "region": "fujian",
			"rent": "100000", "status": "small_scale"},
			eq("value_tax", "2,100.00"), eq("rent_tax", "12,000.00"), eq("tax", "14,100.00"), eq("reduction", "7,050.00"), eq("payable", "7,050.00")),
		post("property bad", "property", 422, map[string]any{"year": 2026, "period": "y", "original_value": "1", "region": "other", "deduction": "5"},
			present("error.fields.deduction"), present("error.fields.status")),
		post("land", "land", 200, map[string]any{"year": 2026, "period": "y", "area": "100", "grade": "other", "per_m2": "1.5", "status": "none"},
			eq("per_m2", "1.50"), eq("tax", "150.00"), eq("payable", "150.00")),
		post("land bad", "land", 422, map[string]any{"year": 2026, "period": "y", "area": "-1", "grade": "xiamen:9", "status": "none"},
			present("error.fields.area")),
		post("stamp", "stamp", 200, map[string]any{"year": 2026, "period": "q1", "status": "small_low_profit", "bases": map[string]any{"sale": "1,000,000", "ledger": "5000000"}},
			eq("tax", "1,550.00"), eq("reduction", "775.00"), eq("payable", "775.00"), eq("lines.0.item", "sale"), eq("lines.0.rate", "万分之三"),
			eq("lines.1.tax", "1,250.00")),
		post("stamp nothing", "stamp", 422, map[string]any{"year": 2026, "period": "q1", "status": "none"}, present("error.fields.bases")),
		post("stamp unknown item", "stamp", 422, map[string]any{"year": 2026, "period": "q1", "status": "none", "bases": map[string]any{"securities": "1"}},
			present("error.fields.bases[securities]")),
		post("stamp bad amount", "stamp", 422, map[string]any{"year": 2026, "period": "q1", "status": "none", "bases": map[string]any{"sale": "1.001"}},
			present("error.fields.bases[sale]")),
	})
}
