package audit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"testing"

	"taxhall/internal/audit"
)

// declaredActions reads the Action constants from actions.go, so that a
// constant added without a Chinese name is caught below.
func declaredActions(t *testing.T) []audit.Action {
	f, err := parser.ParseFile(token.NewFileSet(), "actions.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Action
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			for _, v := range spec.(*ast.ValueSpec).Values {
				if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					out = append(out, audit.Action(s))
				}
			}
		}
	}
	return out
}

// TestActionsSpelledOneWayAndNamed keeps every action in the one scheme and
// named in Chinese: a constant without a name, or one spelled
// "reset_password" beside "password_reset", fails here.
func TestActionsSpelledOneWayAndNamed(t *testing.T) {
	scheme := regexp.MustCompile(`^[a-z]+(_[a-z]+)*\.(create|update|delete|disable|enable|end|register|password_reset|password_change|identification_complete)$`)
	declared := declaredActions(t)
	if len(declared) != len(audit.Actions()) || len(declared) < 10 {
		t.Errorf("%d constants, %d named", len(declared), len(audit.Actions()))
	}
	for _, a := range declared {
		if !scheme.MatchString(string(a)) {
			t.Errorf("%q does not follow object.verb", a)
		}
		if a.Name() == string(a) {
			t.Errorf("%q has no Chinese name", a)
		}
	}
	if audit.Action("staff.unknown").Name() != "staff.unknown" {
		t.Error("unknown action not shown as spelled")
	}
}
