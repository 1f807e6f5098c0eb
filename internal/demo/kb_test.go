package demo_test

import (
	"testing"

	"taxhall/internal/demo"
)

// TestKnowledgeEntries: the generated knowledge base is several hundred
// distinct questions, each with a tax type, an answer and a reference.
func TestKnowledgeEntries(t *testing.T) {
	es := demo.KnowledgeEntries()
	if len(es) < 250 {
		t.Fatalf("%d entries, want several hundred", len(es))
	}
	seen := map[string]bool{}
	for _, e := range es {
		if seen[e.Question] {
			t.Errorf("question twice: %s", e.Question)
		}
		seen[e.Question] = true
		if !e.Draft && e.Refs == "" {
			t.Errorf("published entry without a reference: %s", e.Question)
		}
	}
}
