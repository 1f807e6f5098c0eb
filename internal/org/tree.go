package org

import "sort"

// sortTree orders orgs (already filtered to one subtree) depth-first with
// siblings by code.
func sortTree(orgs []*Org) {
	children := map[int64][]*Org{}
	byID := map[int64]bool{}
	for _, o := range orgs {
		byID[o.ID] = true
	}
	var roots []*Org
	for _, o := range orgs {
		if byID[o.ParentID] {
			children[o.ParentID] = append(children[o.ParentID], o)
		} else {
			roots = append(roots, o)
		}
	}
	out := orgs[:0:0]
	var walk func(list []*Org)
	walk = func(list []*Org) {
		sort.Slice(list, func(i, j int) bool { return list[i].Code < list[j].Code })
		for _, o := range list {
			out = append(out, o)
			walk(children[o.ID])
		}
	}
	walk(roots)
	copy(orgs, out)
}
