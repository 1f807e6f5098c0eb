// Package calc is the public calculators (帮我算税): it validates what a
// visitor typed, calls the same internal/rules functions the returns use,
// and lays the answer out as steps with their legal basis. It does no tax
// arithmetic of its own: every figure shown is a field of a rules result.
package calc

import (
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/money"
)

// Step is one line of a computation: what it is, how it was obtained, the
// amount (formatted yuan or a rate) and the legal basis.
type Step struct {
	Label   string `json:"label"`
	Formula string `json:"formula,omitempty"`
	Value   string `json:"value"`
	Basis   string `json:"basis,omitempty"`
	Total   bool   `json:"total,omitempty"`
}

// Years are the years the calculators accept: the rules tables cover them.
const (
	FirstYear = 2019
	LastYear  = 2027
)

// parseYear checks a year typed or chosen.
func parseYear(f apperr.Fields, field, s string) int {
	y, err := strconv.Atoi(strings.TrimSpace(s))
	switch {
	case strings.TrimSpace(s) == "":
		f.Add(field, "请选择年度")
	case err != nil || y < FirstYear || y > LastYear:
		f.Add(field, "年度应在 "+strconv.Itoa(FirstYear)+" 至 "+strconv.Itoa(LastYear)+" 年之间")
	}
	return y
}

// parseYuan parses an amount in yuan; empty is zero when optional.
func parseYuan(f apperr.Fields, field, s string, optional bool) int64 {
	if optional && strings.TrimSpace(s) == "" {
		return 0
	}
	v, err := money.ParseYuan(s)
	f.Check(field, err)
	return v
}

func yuan(fen int64) string { return money.FormatYuan(fen) + " 元" }

func amt(fen int64) string { return money.FormatYuan(fen) }
