package divisions

import "strings"

// FullAddress writes an address after the full name of its division, naming
// each level once: people (and the demo data) often begin the street address
// with the district or city ("思明区湖滨南路"), which FullName + address
// would repeat ("福建省厦门市思明区思明区湖滨南路"). The levels the address
// already begins with are not written again.
func FullAddress(code, address string) string {
	address = strings.TrimSpace(address)
	parts := nameParts(code)
	for k := range parts {
		if strings.HasPrefix(address, strings.Join(parts[k:], "")) {
			return strings.Join(parts[:k], "") + address
		}
	}
	// The address may name the division without its city ("思明区…" is
	// caught above; "厦门思明区…" and the like are left as typed).
	return strings.Join(parts, "") + address
}

// nameParts are the names of the division's levels from the province down,
// without placeholder levels (as FullName joins them).
func nameParts(code string) []string {
	d, ok := Lookup(code)
	if !ok {
		return nil
	}
	var parts []string
	for {
		if !pseudoLevel(d.Name) {
			parts = append([]string{d.Name}, parts...)
		}
		if d.ParentCode == "" {
			break
		}
		if d, ok = Lookup(d.ParentCode); !ok {
			break
		}
	}
	return parts
}
