package taxpayer

import "taxhall/internal/divisions"

// FullAddress is the address for display: the district's full name, then
// the street address, each level named once (divisions.FullAddress).
func (t *Taxpayer) FullAddress() string { return divisions.FullAddress(t.DivisionCode, t.Address) }
