package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/workflow"
)

// The administrator's catalogue of on-application items (办税事项目录):
// each item's time limit per node in working days, difficulty
// coefficient, 即办, 同城通办 and whether it is offered online. Disabling
// an item asks for confirmation on the form (confirm.go).

var (
	itemsAdminView = newView[itemsAdminPage]("staff_items.html")
	itemEditView   = newView[itemEditPage]("staff_item_edit.html")
)

type itemsAdminPage struct {
	basePage
	Categories []*workflow.Category
}

type itemEditPage struct {
	basePage
	Item *workflow.Item
}

// LimitName is the form name of node i's time limit.
func (p *itemEditPage) LimitName(i int) string { return "limit_" + strconv.Itoa(i) }

var errNotAdmin = apperr.New(apperr.Forbidden, "只有系统管理员可以维护办税事项")

func requireCatalogue(r *http.Request) error {
	if a := auth.ActorFrom(r.Context()); a == nil || !workflow.CanEditCatalogue(a) {
		return errNotAdmin
	}
	return nil
}

func (s *Server) staffItems(w http.ResponseWriter, r *http.Request) error {
	if err := requireCatalogue(r); err != nil {
		return err
	}
	cats, err := s.Workflow.Catalogue(r.Context(), true)
	if err != nil {
		return err
	}
	return itemsAdminView.ok(s, w, r, &itemsAdminPage{basePage: basePage{Title: "办税事项目录"}, Categories: cats})
}

// itemForm is an item's current values as the edit form holds them.
func itemForm(it *workflow.Item) url.Values {
	f := url.Values{"code": {it.Code}, "difficulty": {it.DifficultyText()}}
	for i, n := range it.Nodes {
		f.Set("limit_"+strconv.Itoa(i), strconv.Itoa(n.Limit))
	}
	for name, on := range map[string]bool{"instant": it.Instant, "citywide": it.Citywide, "active": it.Enabled} {
		if on {
			f.Set(name, "1")
		}
	}
	return f
}

func (s *Server) staffItemEdit(w http.ResponseWriter, r *http.Request) error {
	if err := requireCatalogue(r); err != nil {
		return err
	}
	if r.URL.Query().Get("code") == "" {
		return s.redirect(w, r, "/staff/items", "")
	}
	it, err := s.Workflow.Item(r.Context(), r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	return itemEditView.ok(s, w, r, &itemEditPage{basePage: basePage{Title: it.Name, Form: itemForm(it)}, Item: it})
}

func (s *Server) staffItemUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := requireCatalogue(r); err != nil {
		return err
	}
	f := r.PostForm
	old, err := s.Workflow.Item(r.Context(), f.Get("code"))
	if err != nil {
		return err
	}
	err = confirmDisable(f, old.Enabled, "暂停前请勾选“确认暂停网上办理”")
	var it *workflow.Item
	if err == nil {
		in := workflow.ItemInput{Difficulty: f.Get("difficulty"), Instant: f.Get("instant") == "1", Citywide: f.Get("citywide") == "1", Enabled: f.Get("active") == "1"}
		for i := range old.Nodes {
			in.Limits = append(in.Limits, f.Get("limit_"+strconv.Itoa(i)))
		}
		it, err = s.Workflow.UpdateItem(r.Context(), old.Code, in)
	}
	if err != nil {
		return itemEditView.formError(s, w, r, err, &itemEditPage{basePage: basePage{Title: old.Name}, Item: old})
	}
	msg := "已保存“" + it.Name + "”"
	if !it.Enabled {
		msg += "，该事项已暂停网上办理"
	}
	return s.redirect(w, r, "/staff/items", msg+"。")
}
