package web

import (
	"taxhall/internal/cms"
	"taxhall/internal/org"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

// One type per page, each embedding basePage, and the view that ties it to
// its template. TestEveryTemplateRendersItsPageType renders each of them.

var (
	errorView = newView[errorPage]("error.html")

	careView = newView[basePage]("care.html")

	homeView   = newView[homePage]("home.html")
	searchView = newView[searchPage]("search.html")

	loginView      = newView[basePage]("login.html")
	staffLoginView = newView[basePage]("staff_login.html")
	passwordView   = newView[basePage]("account_password.html")
	logoutView     = newView[basePage]("logout.html")

	registerView           = newView[basePage]("register.html")
	registerEnterpriseView = newView[registerPage]("register_enterprise.html")
	registerIndividualView = newView[registerPage]("register_individual.html")
	registerBusinessView   = newView[registerPage]("register_business.html")
	registeredView         = newView[registeredPage]("registered.html")

	hallView     = newView[hallPage]("hall.html")
	usersView    = newView[usersPage]("hall_users.html")
	userNewView  = newView[userPage]("hall_user_new.html")
	userEditView = newView[userPage]("hall_user_edit.html")

	staffHomeView = newView[staffHomePage]("staff_home.html")
	taxpayersView = newView[taxpayersPage]("staff_taxpayers.html")
	taxpayerView  = newView[taxpayerPage]("staff_taxpayer.html")
	identEndView  = newView[identEndPage]("staff_identification_end.html")
	orgsView      = newView[orgsPage]("staff_orgs.html")
	orgEditView   = newView[orgPage]("staff_org_edit.html")
	staffListView = newView[staffListPage]("staff_staff.html")
	staffNewView  = newView[staffPage]("staff_staff_new.html")
	staffEditView = newView[staffPage]("staff_staff_edit.html")
	designView    = newView[basePage]("design.html")
)

type errorPage struct {
	basePage
	Status    int
	Message   string
	RequestID string // the X-Request-ID in the server log, to quote to 12366 (500 pages)
}

type homePage struct {
	basePage
	Catalogue []Service
}

type searchPage struct {
	basePage
	Q           string
	Hits        []Service
	Topics      []topic   // what the query asks for that the hall cannot do yet
	Popular     []Service // offered for an empty query
	Suggestions []string  // searches that find something, offered when nothing is found
	Public      pubHits   // tax guides and library documents (site_search.go)
}

// registerPage is the enterprise and the individual registration form.
type registerPage struct {
	basePage
	Districts, Industries []Group
	Standards, Roles      []Option
}

type registeredPage struct {
	basePage
	Taxpayer *taxpayer.Taxpayer
	Username string
}

type hallPage struct {
	basePage
	Taxpayer *taxpayer.Taxpayer
	Idents   []*taxpayer.Identification
	Today    string
	Due      []*returns.Due // not filed: due now or overdue
	Drafts   []*returns.Due
	Unpaid   []*returns.Liability
	Recent   []*returns.Return
	// Totals of Unpaid: tax, and late fee accrued to today.
	UnpaidTotal, FeeTotal int64
}

type usersPage struct {
	basePage
	Users []*taxpayer.User
}

// userPage adds (User nil) or edits a taxpayer user.
type userPage struct {
	basePage
	Roles []Option
	User  *taxpayer.User
	Taxes []Option // the tax types an agent user may be delegated
}

type staffHomePage struct {
	basePage
	Pending *taxpayer.Page // nil when the actor may not view the register
	// Reminders of overdue site columns: staff have no inbox, so the
	// maintainers see them here and on /staff/cms.
	Reminders []cms.Reminder
}

type taxpayersPage struct {
	basePage
	Results          *taxpayer.Page
	Statuses         []Option
	PrevURL, NextURL string
	FirstURL         string // the newest page, when this is not it
}

type taxpayerPage struct {
	basePage
	Taxpayer          *taxpayer.Taxpayer
	Idents            []*taxpayer.Identification
	History           []taxpayer.Event
	TaxTypes, Periods []Option
	Suggestions       []taxpayer.Suggestion // the usual set; nil when the actor may not identify
	Returns           []*returns.Return     // the latest returns
}

// identEndPage confirms ending an identification.
type identEndPage struct {
	basePage
	Taxpayer *taxpayer.Taxpayer
	Ident    *taxpayer.Identification
}

type orgsPage struct {
	basePage
	Orgs []*org.Org
}

type orgPage struct {
	basePage
	Org *org.Org
}

type staffListPage struct {
	basePage
	Orgs  []*org.Org
	Staff []*org.Staff
}

// staffPage adds (Member nil) or edits a staff member.
type staffPage struct {
	basePage
	Orgs   []*org.Org
	Roles  []Option
	Member *org.Staff
}
