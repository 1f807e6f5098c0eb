// Package rules holds taxhall's tax rules as pure functions of plain values:
// amounts in integer fen, rates, periods and dates. It has no I/O and no
// clock; every function takes the period or the date it computes for, so a
// return for 2025Q4 filed in 2026 gets 2025's answer, and the returns, the
// public calculators and the API all call the same functions.
//
// Every rate, threshold and table is a Param valid from a date to a date,
// kept in a Schedule. A policy change is a new dated entry, never an edit of
// an old one, and asking for a date no entry covers is an error (ErrNoParam)
// rather than a silent default.
//
// Rounding: amounts are rounded to the fen, half up (四舍五入到分), once per
// computed line of a form, in the line's own formula; see mulRate.
package rules
