package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
)

// Audience says who a route is for. The adapter (Server.h) enforces it
// before the handler runs, so no /staff page can forget to.
type Audience string

const (
	Public    Audience = "public"    // anyone, logged in or not
	LoggedIn  Audience = "logged_in" // any logged-in actor
	Taxpayers Audience = "taxpayer"  // taxpayer users only
	Staff     Audience = "staff"     // tax bureau staff only
)

// allows returns the error for an actor outside the audience: a login for
// nobody, Forbidden for the other side of the hall.
func (who Audience) allows(a *auth.Actor) error {
	if who == Public {
		return nil
	}
	if a == nil {
		return errLogin
	}
	switch {
	case who == Taxpayers && a.Kind != auth.Taxpayer:
		return apperr.New(apperr.Forbidden, "此功能仅限纳税人使用")
	case who == Staff && a.Kind != auth.Staff:
		return apperr.New(apperr.Forbidden, "此功能仅限税务工作人员使用")
	}
	return nil
}

// Route is one web route: what Register adds to the mux and what tests
// iterate (Routes).
type Route struct {
	Method  string   // GET or POST
	Pattern string   // the ServeMux path pattern, e.g. "/staff/taxpayers/{id}"
	For     Audience // who may use it
	// Object names what the first path id ({id}) designates: "taxpayer",
	// "taxpayer_user", "employee", "org" or "staff"; "" when the route takes no id.
	// A nested {iid} is an identification of that taxpayer.
	Object string
	// IDs are the names of the pattern's path values, in order.
	IDs []string
	// Form is, for a POST route, the page that holds its form (a pattern
	// with the same path values). A POST-only URL answers GET by a redirect
	// there, so that reloading or bookmarking the address of a failed form
	// never shows 页面不存在; "" means the home page.
	Form string
	// Body bounds the request body in bytes; 0 means maxFormBytes. Only an
	// upload (a multipart form its handler reads) sets a larger one.
	Body int64

	h   handler
	raw http.Handler // a route outside the page adapter (static files)
}

// TakesID reports whether the route names an object by id.
func (rt Route) TakesID() bool { return len(rt.IDs) > 0 }

// Path fills the pattern's path values with ids, in order.
func (rt Route) Path(ids ...int64) string {
	i := 0
	return pathParam.ReplaceAllStringFunc(rt.Pattern, func(m string) string {
		if i >= len(ids) {
			return m
		}
		i++
		return strconv.FormatInt(ids[i-1], 10)
	})
}

var pathParam = regexp.MustCompile(`\{[a-z]+\}`)

// Routes lists the web routes, for tests built on the table (the
// authorisation matrix: every route that takes an object id refuses
// another taxpayer and another bureau).
func Routes() []Route { return (&Server{}).routes() }

// routes is the table of the site's routes. A new page is a row here; the
// audience check, form limits and error page come with it.
func (s *Server) routes() []Route {
	rts := []Route{
		{Method: "GET", Pattern: "/static/", For: Public, raw: s.static()},
		{Method: "GET", Pattern: "/{$}", For: Public, h: s.home},
		{Method: "GET", Pattern: "/search", For: Public, h: s.search},
		{Method: "GET", Pattern: "/care", For: Public, h: s.careForm},
		{Method: "GET", Pattern: "/calculators", For: Public, h: s.calculatorsIndex},
		{Method: "GET", Pattern: "/calculators/vat-small", For: Public, h: s.calcVATSmall},
		{Method: "GET", Pattern: "/calculators/iit-wages", For: Public, h: s.calcIITWages},
		{Method: "GET", Pattern: "/calculators/labour", For: Public, h: s.calcLabour},
		{Method: "GET", Pattern: "/calculators/late-fee", For: Public, h: s.calcLateFee},
		{Method: "GET", Pattern: "/calculators/vat-general", For: Public, h: s.calcVATGeneral},
		{Method: "GET", Pattern: "/calculators/eit", For: Public, h: s.calcEIT},
		{Method: "GET", Pattern: "/calculators/property", For: Public, h: s.calcProperty},
		{Method: "GET", Pattern: "/calculators/land", For: Public, h: s.calcLand},
		{Method: "GET", Pattern: "/calculators/stamp", For: Public, h: s.calcStamp},
		{Method: "POST", Pattern: "/care", For: Public, h: s.careToggle},
		{Method: "GET", Pattern: "/calendar", For: Public, h: s.publicCalendar},
		{Method: "GET", Pattern: "/laws", For: Public, h: s.lawsIndex},
		{Method: "GET", Pattern: "/laws/{id}", For: Public, Object: "law", h: s.lawShow},
		{Method: "GET", Pattern: "/laws/{id}/compare", For: Public, Object: "law", h: s.lawCompare},
		{Method: "GET", Pattern: "/guides", For: Public, h: s.guidesIndex},
		{Method: "GET", Pattern: "/info", For: Public, h: s.infoHome},
		{Method: "GET", Pattern: "/lists", For: Public, h: s.lists},
		{Method: "GET", Pattern: "/lists/export", For: Public, h: s.listsExport},
		{Method: "GET", Pattern: "/info/columns/{id}", For: Public, Object: "cms_column", h: s.infoColumn},
		{Method: "GET", Pattern: "/info/articles/{id}", For: Public, Object: "cms_article", h: s.infoArticle},
		{Method: "GET", Pattern: "/info/files/{id}", For: Public, Object: "cms_file", h: s.infoFile},
		{Method: "GET", Pattern: "/info/topics", For: Public, h: s.infoTopics},
		{Method: "GET", Pattern: "/info/topics/{id}", For: Public, Object: "cms_topic", h: s.infoTopic},
		{Method: "GET", Pattern: "/info/downloads", For: Public, h: s.infoDownloads},
		{Method: "GET", Pattern: "/info/downloads/{id}", For: Public, Object: "download", h: s.infoDownload},
		{Method: "GET", Pattern: "/info/dl/{id}", For: Public, Object: "download_version", h: s.infoDownloadFile},
		{Method: "GET", Pattern: "/guides/{id}", For: Public, Object: "guide", h: s.guideShow}, // {id} is the guide's slug
		{Method: "GET", Pattern: "/complaints", For: Public, h: s.complaintsForm},
		{Method: "POST", Pattern: "/complaints", For: Public, h: s.complaintsSubmit, Body: attachBodyMax},
		{Method: "GET", Pattern: "/complaints/track", For: Public, h: s.complaintTrackForm},
		{Method: "POST", Pattern: "/complaints/track", For: Public, h: s.complaintTrack},
		{Method: "GET", Pattern: "/kb", For: Public, h: s.kbIndex},
		{Method: "GET", Pattern: "/kb/{id}", For: Public, Object: "kb_entry", h: s.kbShow},
		{Method: "GET", Pattern: "/consult", For: Public, h: s.consultForm},
		{Method: "GET", Pattern: "/qa", For: Public, h: s.publicQA},
		{Method: "GET", Pattern: "/training", For: Public, h: s.trainingIndex},
		{Method: "GET", Pattern: "/training/files/{id}", For: Public, Object: "upload", h: s.trainingFile},
		{Method: "GET", Pattern: "/training/recordings/{id}", For: Public, Object: "training", h: s.trainingRecording},
		{Method: "POST", Pattern: "/consult", For: Public, h: s.consultSubmit, Body: attachBodyMax},
		{Method: "GET", Pattern: "/verify", For: Public, h: s.verify},

		{Method: "GET", Pattern: "/login", For: Public, h: s.loginForm},
		{Method: "POST", Pattern: "/login", For: Public, h: s.loginSubmit},
		{Method: "GET", Pattern: "/staff/login", For: Public, h: s.staffLoginForm},
		{Method: "POST", Pattern: "/staff/login", For: Public, h: s.staffLoginSubmit},
		{Method: "GET", Pattern: "/logout", For: Public, h: s.logoutPage},
		{Method: "POST", Pattern: "/logout", For: Public, h: s.logout},
		{Method: "GET", Pattern: "/account/password", For: LoggedIn, h: s.passwordForm},
		{Method: "POST", Pattern: "/account/password", For: LoggedIn, h: s.passwordSubmit},

		{Method: "GET", Pattern: "/register", For: Public, h: s.registerChoice},
		{Method: "GET", Pattern: "/register/enterprise", For: Public, h: s.registerEnterpriseForm},
		{Method: "POST", Pattern: "/register/enterprise", For: Public, h: s.registerEnterpriseSubmit},
		{Method: "GET", Pattern: "/register/business", For: Public, h: s.registerBusinessForm},
		{Method: "POST", Pattern: "/register/business", For: Public, h: s.registerBusinessSubmit},
		{Method: "GET", Pattern: "/register/individual", For: Public, h: s.registerIndividualForm},
		{Method: "POST", Pattern: "/register/individual", For: Public, h: s.registerIndividualSubmit},

		{Method: "GET", Pattern: "/hall", For: Taxpayers, h: s.hallHome},
		{Method: "GET", Pattern: "/hall/periods", For: Taxpayers, h: s.hallPeriods},
		{Method: "GET", Pattern: "/hall/returns", For: Taxpayers, h: s.hallReturns},
		{Method: "GET", Pattern: "/hall/returns/file", For: Taxpayers, h: s.hallReturnForm},
		{Method: "POST", Pattern: "/hall/returns/file", For: Taxpayers, h: s.hallReturnPost},
		{Method: "GET", Pattern: "/hall/returns/discard", For: Taxpayers, h: s.hallDraftDiscardForm},
		{Method: "POST", Pattern: "/hall/returns/discard", For: Taxpayers, h: s.hallDraftDiscard, Form: "/hall/returns/discard"},
		{Method: "POST", Pattern: "/hall/returns/import", For: Taxpayers, h: s.hallReturnImport, Form: "/hall/returns/file", Body: importBodyMax},
		{Method: "GET", Pattern: "/hall/returns/{id}", For: Taxpayers, Object: "return", h: s.hallReturn},
		{Method: "GET", Pattern: "/hall/returns/{id}/correct", For: Taxpayers, Object: "return", h: s.hallCorrectionForm},
		{Method: "POST", Pattern: "/hall/returns/{id}/correct", For: Taxpayers, Object: "return", h: s.hallCorrectionPost},
		{Method: "GET", Pattern: "/hall/users", For: Taxpayers, h: s.hallUsers},
		{Method: "GET", Pattern: "/hall/users/new", For: Taxpayers, h: s.hallUserNew},
		{Method: "POST", Pattern: "/hall/users", For: Taxpayers, h: s.hallUserCreate},
		{Method: "GET", Pattern: "/hall/users/{id}", For: Taxpayers, Object: "taxpayer_user", h: s.hallUserEdit},
		{Method: "POST", Pattern: "/hall/users/{id}", For: Taxpayers, Object: "taxpayer_user", h: s.hallUserUpdate},
		{Method: "POST", Pattern: "/hall/users/{id}/password", For: Taxpayers, Object: "taxpayer_user", h: s.hallUserPassword, Form: "/hall/users/{id}"},
		{Method: "POST", Pattern: "/hall/users/{id}/delegation", For: Taxpayers, Object: "taxpayer_user", h: s.hallUserDelegation, Form: "/hall/users/{id}"},
		{Method: "GET", Pattern: "/hall/employees", For: Taxpayers, h: s.hallEmployees},
		{Method: "GET", Pattern: "/hall/employees/new", For: Taxpayers, h: s.hallEmployeeNew},
		{Method: "POST", Pattern: "/hall/employees", For: Taxpayers, h: s.hallEmployeeCreate},
		{Method: "GET", Pattern: "/hall/employees/{id}/leave", For: Taxpayers, Object: "employee", h: s.hallEmployeeLeaveForm},
		{Method: "POST", Pattern: "/hall/employees/{id}/leave", For: Taxpayers, Object: "employee", h: s.hallEmployeeLeave},
		{Method: "GET", Pattern: "/hall/employees/template.csv", For: Taxpayers, h: s.hallEmployeeTemplate("csv")},
		{Method: "GET", Pattern: "/hall/employees/template.xlsx", For: Taxpayers, h: s.hallEmployeeTemplate("xlsx")},
		{Method: "GET", Pattern: "/hall/sources", For: Taxpayers, h: s.hallSources},
		{Method: "GET", Pattern: "/hall/sources/buildings/new", For: Taxpayers, h: s.hallBuildingNew},
		{Method: "POST", Pattern: "/hall/sources/buildings", For: Taxpayers, h: s.hallBuildingCreate, Form: "/hall/sources/buildings/new"},
		{Method: "GET", Pattern: "/hall/sources/buildings/{id}", For: Taxpayers, Object: "tax_building", h: s.hallBuildingEdit},
		{Method: "POST", Pattern: "/hall/sources/buildings/{id}", For: Taxpayers, Object: "tax_building", h: s.hallBuildingUpdate},
		{Method: "GET", Pattern: "/hall/sources/buildings/{id}/end", For: Taxpayers, Object: "tax_building", h: s.hallBuildingEndForm},
		{Method: "POST", Pattern: "/hall/sources/buildings/{id}/end", For: Taxpayers, Object: "tax_building", h: s.hallBuildingEnd},
		{Method: "GET", Pattern: "/hall/sources/parcels/new", For: Taxpayers, h: s.hallParcelNew},
		{Method: "POST", Pattern: "/hall/sources/parcels", For: Taxpayers, h: s.hallParcelCreate, Form: "/hall/sources/parcels/new"},
		{Method: "GET", Pattern: "/hall/sources/parcels/{id}", For: Taxpayers, Object: "tax_parcel", h: s.hallParcelEdit},
		{Method: "POST", Pattern: "/hall/sources/parcels/{id}", For: Taxpayers, Object: "tax_parcel", h: s.hallParcelUpdate},
		{Method: "GET", Pattern: "/hall/sources/parcels/{id}/end", For: Taxpayers, Object: "tax_parcel", h: s.hallParcelEndForm},
		{Method: "POST", Pattern: "/hall/sources/parcels/{id}/end", For: Taxpayers, Object: "tax_parcel", h: s.hallParcelEnd},
		{Method: "GET", Pattern: "/hall/certificates", For: Taxpayers, h: s.hallCertificates},
		{Method: "POST", Pattern: "/hall/certificates", For: Taxpayers, h: s.hallCertificateIssue},
		{Method: "GET", Pattern: "/hall/certificates/{id}/pdf", For: Taxpayers, Object: "certificate", h: s.hallCertificatePDF},
		{Method: "GET", Pattern: "/hall/iit/records", For: Taxpayers, h: s.hallIITRecords},
		{Method: "POST", Pattern: "/hall/iit/records/certificate", For: Taxpayers, h: s.hallIITRecordIssue, Form: "/hall/iit/records"},
		{Method: "GET", Pattern: "/hall/iit/annual", For: Taxpayers, h: s.hallIITAnnual},
		{Method: "GET", Pattern: "/hall/messages", For: Taxpayers, h: s.hallMessages},
		{Method: "GET", Pattern: "/hall/messages/{id}", For: Taxpayers, Object: "message", h: s.hallMessage},
		{Method: "GET", Pattern: "/hall/notifications", For: Taxpayers, h: s.hallNotifications},
		{Method: "POST", Pattern: "/hall/notifications", For: Taxpayers, h: s.hallNotificationsSave},
		{Method: "GET", Pattern: "/staff/sms-outbox", For: Staff, h: s.staffSMSOutbox},
		{Method: "GET", Pattern: "/hall/pay", For: Taxpayers, h: s.hallPay},
		{Method: "POST", Pattern: "/hall/pay", For: Taxpayers, h: s.hallPayPost},
		{Method: "GET", Pattern: "/hall/payments", For: Taxpayers, h: s.hallPayments},
		{Method: "GET", Pattern: "/hall/payments/{id}", For: Taxpayers, Object: "payment", h: s.hallPayment},
		{Method: "GET", Pattern: "/hall/agreement", For: Taxpayers, h: s.hallAgreement},
		{Method: "POST", Pattern: "/hall/agreement", For: Taxpayers, h: s.hallAgreementPost},
		{Method: "GET", Pattern: "/hall/agreement/end", For: Taxpayers, h: s.hallAgreementEndForm},
		{Method: "POST", Pattern: "/hall/agreement/end", For: Taxpayers, h: s.hallAgreementEnd},
		{Method: "POST", Pattern: "/hall/refunds", For: Taxpayers, h: s.hallRefundPost, Form: "/hall/pay"},
		{Method: "GET", Pattern: "/hall/refunds", For: Taxpayers, h: s.hallRefunds},
		{Method: "POST", Pattern: "/hall/refunds/{id}/apply", For: Taxpayers, Object: "refund_request", h: s.hallRefundApply, Form: "/hall/refunds"},
		{Method: "GET", Pattern: "/hall/items", For: Taxpayers, h: s.hallItems},
		{Method: "GET", Pattern: "/hall/apply", For: Taxpayers, h: s.hallApplyForm},
		{Method: "POST", Pattern: "/hall/apply", For: Taxpayers, h: s.hallApplyPost, Form: "/hall/items", Body: applyBodyMax},
		{Method: "GET", Pattern: "/hall/applications", For: Taxpayers, h: s.hallApplications},
		{Method: "GET", Pattern: "/hall/applications/{id}", For: Taxpayers, Object: "application", h: s.hallApplication},
		{Method: "POST", Pattern: "/hall/applications/{id}/withdraw", For: Taxpayers, Object: "application", h: s.hallApplicationWithdraw, Form: "/hall/applications/{id}"},
		{Method: "GET", Pattern: "/hall/applications/{id}/correct", For: Taxpayers, Object: "application", h: s.hallCorrectForm},
		{Method: "POST", Pattern: "/hall/applications/{id}/correct", For: Taxpayers, Object: "application", h: s.hallCorrectPost, Body: applyBodyMax},
		{Method: "POST", Pattern: "/hall/applications/{id}/rate", For: Taxpayers, Object: "application", h: s.hallApplicationRate, Form: "/hall/applications/{id}"},
		{Method: "GET", Pattern: "/hall/files/{id}", For: Taxpayers, Object: "upload", h: s.fileDownload},
		{Method: "GET", Pattern: "/hall/appointments", For: Taxpayers, h: s.hallAppointments},
		{Method: "GET", Pattern: "/hall/appointments/new", For: Taxpayers, h: s.hallAppointmentNew},
		{Method: "POST", Pattern: "/hall/appointments", For: Taxpayers, h: s.hallAppointmentCreate},
		{Method: "GET", Pattern: "/hall/appointments/{id}", For: Taxpayers, Object: "appointment", h: s.hallAppointment},
		{Method: "GET", Pattern: "/hall/appointments/{id}/cancel", For: Taxpayers, Object: "appointment", h: s.hallAppointmentCancelForm},
		{Method: "POST", Pattern: "/hall/appointments/{id}/cancel", For: Taxpayers, Object: "appointment", h: s.hallAppointmentCancel},
		{Method: "GET", Pattern: "/hall/appointments/{id}/change", For: Taxpayers, Object: "appointment", h: s.hallAppointmentChangeForm},
		{Method: "POST", Pattern: "/hall/appointments/{id}/change", For: Taxpayers, Object: "appointment", h: s.hallAppointmentChange},
		{Method: "POST", Pattern: "/hall/appointments/{id}/rate", For: Taxpayers, Object: "appointment", h: s.hallAppointmentRate, Form: "/hall/appointments/{id}"},
		{Method: "GET", Pattern: "/hall/complaints", For: Taxpayers, h: s.hallComplaints},
		{Method: "GET", Pattern: "/hall/complaints/{id}", For: Taxpayers, Object: "complaint", h: s.hallComplaint},
		{Method: "GET", Pattern: "/hall/complaints/{id}/files/{file}", For: Taxpayers, Object: "complaint", h: s.hallComplaintFile},
		{Method: "POST", Pattern: "/hall/training/{id}/register", For: Taxpayers, Object: "training", h: s.trainingRegister, Form: "/training"},
		{Method: "POST", Pattern: "/hall/training/{id}/join", For: Taxpayers, Object: "training", h: s.trainingJoin, Form: "/training"},
		{Method: "GET", Pattern: "/hall/interact", For: Taxpayers, h: s.hallInteract},
		{Method: "GET", Pattern: "/hall/surveys", For: Taxpayers, h: s.hallSurveys},
		{Method: "GET", Pattern: "/hall/surveys/{id}", For: Taxpayers, Object: "survey", h: s.hallSurvey},
		{Method: "POST", Pattern: "/hall/surveys/{id}", For: Taxpayers, Object: "survey", h: s.hallSurveyAnswer},
		{Method: "GET", Pattern: "/hall/questions", For: Taxpayers, h: s.hallQuestions},
		{Method: "GET", Pattern: "/hall/questions/{id}", For: Taxpayers, Object: "question", h: s.hallQuestion},
		{Method: "GET", Pattern: "/hall/questions/{id}/files/{file}", For: Taxpayers, Object: "question", h: s.hallQuestionFile},
		{Method: "POST", Pattern: "/hall/questions/{id}/rate", For: Taxpayers, Object: "question", h: s.hallQuestionRate, Form: "/hall/questions/{id}"},
		{Method: "POST", Pattern: "/hall/questions/{id}/followup", For: Taxpayers, Object: "question", h: s.hallQuestionFollowUp, Form: "/hall/questions/{id}"},

		{Method: "GET", Pattern: "/staff", For: Staff, h: s.staffHome},
		{Method: "GET", Pattern: "/staff/payments", For: Staff, h: s.staffPayments},
		{Method: "GET", Pattern: "/staff/payments/pending", For: Staff, h: s.staffPaymentsPending},
		{Method: "POST", Pattern: "/staff/payments/{id}/query", For: Staff, Object: "bureau_payment", h: s.staffPaymentQuery, Form: "/staff/payments/pending"},
		{Method: "GET", Pattern: "/staff/payments/{id}/query", For: Staff, Object: "bureau_payment", h: s.staffPaymentQueryGET},
		{Method: "GET", Pattern: "/staff/reconciliations", For: Staff, h: s.staffReconciliations},
		{Method: "POST", Pattern: "/staff/reconciliations", For: Staff, h: s.staffReconcile},
		{Method: "GET", Pattern: "/staff/treasury", For: Staff, h: s.staffTreasury},
		{Method: "GET", Pattern: "/staff/refunds", For: Staff, h: s.staffRefunds},
		{Method: "GET", Pattern: "/staff/taxpayers", For: Staff, h: s.staffTaxpayers},
		{Method: "GET", Pattern: "/staff/taxpayers/{id}", For: Staff, Object: "taxpayer", h: s.staffTaxpayer},
		{Method: "GET", Pattern: "/staff/taxpayers/{id}/identifications", For: Staff, Object: "taxpayer", h: s.staffRecordRedirect},
		{Method: "POST", Pattern: "/staff/taxpayers/{id}/identifications", For: Staff, Object: "taxpayer", h: s.staffIdentify},
		{Method: "GET", Pattern: "/staff/taxpayers/{id}/identifications/batch", For: Staff, Object: "taxpayer", h: s.staffRecordRedirect},
		{Method: "POST", Pattern: "/staff/taxpayers/{id}/identifications/batch", For: Staff, Object: "taxpayer", h: s.staffIdentifyBatch},
		{Method: "GET", Pattern: "/staff/taxpayers/{id}/identification-complete", For: Staff, Object: "taxpayer", h: s.staffRecordRedirect},
		{Method: "POST", Pattern: "/staff/taxpayers/{id}/identification-complete", For: Staff, Object: "taxpayer", h: s.staffIdentificationComplete},
		{Method: "GET", Pattern: "/staff/taxpayers/{id}/identifications/{iid}/end", For: Staff, Object: "taxpayer", h: s.staffIdentificationEndForm},
		{Method: "POST", Pattern: "/staff/taxpayers/{id}/identifications/{iid}/end", For: Staff, Object: "taxpayer", h: s.staffIdentificationEnd},

		{Method: "GET", Pattern: "/staff/returns/{id}", For: Staff, Object: "return", h: s.staffReturn},
		{Method: "GET", Pattern: "/staff/taxpayers/{id}/irregular", For: Staff, Object: "taxpayer", h: s.staffIrregularForm},
		{Method: "POST", Pattern: "/staff/taxpayers/{id}/irregular", For: Staff, Object: "taxpayer", h: s.staffIrregular},
		{Method: "GET", Pattern: "/staff/taxpayers/{id}/quota", For: Staff, Object: "taxpayer", h: s.staffQuotaForm},
		{Method: "POST", Pattern: "/staff/taxpayers/{id}/quota", For: Staff, Object: "taxpayer", h: s.staffQuota},
		{Method: "GET", Pattern: "/staff/cms", For: Staff, h: s.staffCMS},
		{Method: "GET", Pattern: "/staff/messages", For: Staff, h: s.staffMessages},
		{Method: "GET", Pattern: "/staff/messages/{id}", For: Staff, Object: "staff_message", h: s.staffMessage},
		{Method: "GET", Pattern: "/staff/stats", For: Staff, h: s.staffStats},
		{Method: "GET", Pattern: "/staff/cms/articles/new", For: Staff, h: s.staffCMSNew},
		{Method: "POST", Pattern: "/staff/cms/articles", For: Staff, h: s.staffCMSCreate, Form: "/staff/cms/articles/new"},
		{Method: "GET", Pattern: "/staff/cms/articles/{id}", For: Staff, Object: "cms_article", h: s.staffCMSArticle},
		{Method: "POST", Pattern: "/staff/cms/articles/{id}", For: Staff, Object: "cms_article", h: s.staffCMSUpdate},
		{Method: "POST", Pattern: "/staff/cms/articles/{id}/submit", For: Staff, Object: "cms_article", h: s.staffCMSSubmit, Form: "/staff/cms/articles/{id}"},
		{Method: "POST", Pattern: "/staff/cms/articles/{id}/review", For: Staff, Object: "cms_article", h: s.staffCMSReview, Form: "/staff/cms/articles/{id}"},
		{Method: "POST", Pattern: "/staff/cms/articles/{id}/archive", For: Staff, Object: "cms_article", h: s.staffCMSArchive, Form: "/staff/cms/articles/{id}"},
		{Method: "POST", Pattern: "/staff/cms/articles/{id}/files", For: Staff, Object: "cms_article", h: s.staffCMSUpload, Form: "/staff/cms/articles/{id}", Body: attachBodyMax},
		{Method: "GET", Pattern: "/staff/cms/topics", For: Staff, h: s.staffTopics},
		{Method: "POST", Pattern: "/staff/cms/topics", For: Staff, h: s.staffTopicCreate, Form: "/staff/cms/topics"},
		{Method: "GET", Pattern: "/staff/cms/topics/{id}", For: Staff, Object: "cms_topic", h: s.staffTopic},
		{Method: "POST", Pattern: "/staff/cms/topics/{id}", For: Staff, Object: "cms_topic", h: s.staffTopicUpdate, Form: "/staff/cms/topics/{id}"},
		{Method: "POST", Pattern: "/staff/cms/topics/{id}/articles", For: Staff, Object: "cms_topic", h: s.staffTopicAdd, Form: "/staff/cms/topics/{id}"},
		{Method: "POST", Pattern: "/staff/cms/topics/{id}/remove", For: Staff, Object: "cms_topic", h: s.staffTopicRemove, Form: "/staff/cms/topics/{id}"},
		{Method: "GET", Pattern: "/staff/cms/downloads", For: Staff, h: s.staffDownloads},
		{Method: "POST", Pattern: "/staff/cms/downloads", For: Staff, h: s.staffDownloadCreate, Form: "/staff/cms/downloads", Body: attachBodyMax},
		{Method: "GET", Pattern: "/staff/cms/downloads/{id}", For: Staff, Object: "download", h: s.staffDownload},
		{Method: "POST", Pattern: "/staff/cms/downloads/{id}/versions", For: Staff, Object: "download", h: s.staffDownloadVersion, Form: "/staff/cms/downloads/{id}", Body: attachBodyMax},
		{Method: "GET", Pattern: "/staff/filing", For: Staff, h: s.staffFiling},
		{Method: "POST", Pattern: "/staff/filing/remind", For: Staff, h: s.staffRemind, Form: "/staff/filing"},
		{Method: "GET", Pattern: "/staff/tasks", For: Staff, h: s.staffTasks},
		{Method: "GET", Pattern: "/staff/tasks/{id}", For: Staff, Object: "task", h: s.staffTask},
		{Method: "POST", Pattern: "/staff/tasks/{id}/claim", For: Staff, Object: "task", h: s.staffTaskClaim, Form: "/staff/tasks/{id}"},
		{Method: "POST", Pattern: "/staff/tasks/{id}/decide", For: Staff, Object: "task", h: s.staffTaskDecide, Form: "/staff/tasks/{id}"},
		{Method: "POST", Pattern: "/staff/tasks/{id}/assign", For: Staff, Object: "task", h: s.staffTaskAssign, Form: "/staff/tasks/{id}"},
		{Method: "GET", Pattern: "/staff/board", For: Staff, h: s.staffBoard},
		{Method: "GET", Pattern: "/staff/items", For: Staff, h: s.staffItems},
		{Method: "GET", Pattern: "/staff/items/edit", For: Staff, h: s.staffItemEdit},
		{Method: "POST", Pattern: "/staff/items/edit", For: Staff, h: s.staffItemUpdate, Form: "/staff/items"},
		{Method: "GET", Pattern: "/staff/files/{id}", For: Staff, Object: "upload", h: s.fileDownload},
		{Method: "GET", Pattern: "/staff/orgs", For: Staff, h: s.staffOrgs},
		{Method: "POST", Pattern: "/staff/orgs", For: Staff, h: s.staffOrgCreate},
		{Method: "GET", Pattern: "/staff/orgs/{id}", For: Staff, Object: "org", h: s.staffOrgEdit},
		{Method: "POST", Pattern: "/staff/orgs/{id}", For: Staff, Object: "org", h: s.staffOrgUpdate},
		{Method: "GET", Pattern: "/staff/staff", For: Staff, h: s.staffStaffList},
		{Method: "GET", Pattern: "/staff/staff/new", For: Staff, h: s.staffStaffNew},
		{Method: "POST", Pattern: "/staff/staff", For: Staff, h: s.staffStaffCreate},
		{Method: "GET", Pattern: "/staff/staff/{id}", For: Staff, Object: "staff", h: s.staffStaffEdit},
		{Method: "POST", Pattern: "/staff/staff/{id}", For: Staff, Object: "staff", h: s.staffStaffUpdate},
		{Method: "POST", Pattern: "/staff/staff/{id}/password", For: Staff, Object: "staff", h: s.staffStaffPassword, Form: "/staff/staff/{id}"},
		{Method: "GET", Pattern: "/staff/design", For: Staff, h: s.staffDesign},
		{Method: "GET", Pattern: "/staff/calendar", For: Staff, h: s.staffCalendar},
		{Method: "POST", Pattern: "/staff/calendar/days", For: Staff, h: s.staffCalendarDays, Form: "/staff/calendar"},
		{Method: "GET", Pattern: "/staff/calendar/days/remove", For: Staff, h: s.staffCalendarDayRemoveForm},
		{Method: "POST", Pattern: "/staff/calendar/days/remove", For: Staff, h: s.staffCalendarDayRemove},
		{Method: "POST", Pattern: "/staff/calendar/deadlines", For: Staff, h: s.staffCalendarDeadline, Form: "/staff/calendar"},
		{Method: "GET", Pattern: "/staff/calendar/deadlines/remove", For: Staff, h: s.staffCalendarDeadlineRemoveForm},
		{Method: "POST", Pattern: "/staff/calendar/deadlines/remove", For: Staff, h: s.staffCalendarDeadlineRemove},
		{Method: "GET", Pattern: "/staff/appointments", For: Staff, h: s.staffAppointments},
		{Method: "GET", Pattern: "/staff/appointments/{id}/checkin", For: Staff, Object: "appointment", h: s.staffAppointmentGoto},
		{Method: "GET", Pattern: "/staff/appointments/{id}/noshow", For: Staff, Object: "appointment", h: s.staffAppointmentGoto},
		{Method: "POST", Pattern: "/staff/appointments/{id}/checkin", For: Staff, Object: "appointment", h: s.staffAppointmentCheckIn, Form: "/staff/appointments"},
		{Method: "POST", Pattern: "/staff/appointments/{id}/noshow", For: Staff, Object: "appointment", h: s.staffAppointmentNoShow, Form: "/staff/appointments"},
		{Method: "POST", Pattern: "/staff/appointments/slots", For: Staff, h: s.staffAppointmentSlots, Form: "/staff/appointments"},
		{Method: "GET", Pattern: "/staff/appointments/queue", For: Staff, h: s.staffQueue},
		{Method: "POST", Pattern: "/staff/appointments/queue/signin", For: Staff, h: s.staffQueueSignIn, Form: "/staff/appointments/queue"},
		{Method: "POST", Pattern: "/staff/appointments/queue/signout", For: Staff, h: s.staffQueueSignOut, Form: "/staff/appointments/queue"},
		{Method: "POST", Pattern: "/staff/appointments/queue/call", For: Staff, h: s.staffQueueCall, Form: "/staff/appointments/queue"},
		{Method: "POST", Pattern: "/staff/appointments/queue/finish", For: Staff, h: s.staffQueueFinish, Form: "/staff/appointments/queue"},
		{Method: "GET", Pattern: "/staff/appointments/queue/take", For: Staff, h: s.staffQueueTakeForm},
		{Method: "POST", Pattern: "/staff/appointments/queue/take", For: Staff, h: s.staffQueueTake},
		{Method: "GET", Pattern: "/staff/appointments/queue/report", For: Staff, h: s.staffQueueReport},
		{Method: "GET", Pattern: "/staff/intake-tokens", For: Staff, h: s.staffIntakeTokens},
		{Method: "POST", Pattern: "/staff/intake-tokens", For: Staff, h: s.staffIntakeTokenIssue},
		{Method: "GET", Pattern: "/staff/intake-tokens/{id}/revoke", For: Staff, Object: "intake_token", h: s.staffIntakeTokenRevokeForm},
		{Method: "POST", Pattern: "/staff/intake-tokens/{id}/revoke", For: Staff, Object: "intake_token", h: s.staffIntakeTokenRevoke},
		{Method: "GET", Pattern: "/staff/complaints", For: Staff, h: s.staffComplaints},
		{Method: "GET", Pattern: "/staff/complaints/stats", For: Staff, h: s.staffComplaintStats},
		{Method: "GET", Pattern: "/staff/complaints/{id}", For: Staff, Object: "complaint", h: s.staffComplaint},
		{Method: "GET", Pattern: "/staff/complaints/{id}/files/{file}", For: Staff, Object: "complaint", h: s.staffComplaintFile},
		{Method: "POST", Pattern: "/staff/complaints/{id}/reply", For: Staff, Object: "complaint", h: s.staffComplaintReply, Form: "/staff/complaints/{id}"},
		{Method: "GET", Pattern: "/staff/training", For: Staff, h: s.staffTraining},
		{Method: "POST", Pattern: "/staff/training", For: Staff, h: s.staffTrainingSchedule},
		{Method: "POST", Pattern: "/staff/training/courseware", For: Staff, h: s.staffTrainingCourseware, Form: "/staff/training", Body: attachBodyMax},
		{Method: "POST", Pattern: "/staff/training/remind", For: Staff, h: s.staffTrainingRemind, Form: "/staff/training"},
		{Method: "POST", Pattern: "/staff/training/recording", For: Staff, h: s.staffTrainingRecording, Form: "/staff/training"},
		{Method: "GET", Pattern: "/staff/surveys", For: Staff, h: s.staffSurveys},
		{Method: "GET", Pattern: "/staff/surveys/new", For: Staff, h: s.staffSurveyNew},
		{Method: "POST", Pattern: "/staff/surveys", For: Staff, h: s.staffSurveyCreate, Form: "/staff/surveys/new"},
		{Method: "GET", Pattern: "/staff/surveys/{id}", For: Staff, Object: "survey", h: s.staffSurvey},
		{Method: "GET", Pattern: "/staff/surveys/{id}/close", For: Staff, Object: "survey", h: s.staffSurveyCloseForm},
		{Method: "POST", Pattern: "/staff/surveys/{id}/close", For: Staff, Object: "survey", h: s.staffSurveyClose},
		{Method: "GET", Pattern: "/staff/kb", For: Staff, h: s.staffKB},
		{Method: "GET", Pattern: "/staff/kb/new", For: Staff, h: s.staffKBNew},
		{Method: "POST", Pattern: "/staff/kb/new", For: Staff, h: s.staffKBCreate},
		{Method: "GET", Pattern: "/staff/kb/export", For: Staff, h: s.staffKBExport},
		{Method: "POST", Pattern: "/staff/kb/import", For: Staff, h: s.staffKBImport, Form: "/staff/kb", Body: kbImportBodyMax},
		{Method: "GET", Pattern: "/staff/kb/{id}", For: Staff, Object: "kb_entry", h: s.staffKBShow},
		{Method: "POST", Pattern: "/staff/kb/{id}", For: Staff, Object: "kb_entry", h: s.staffKBSave},
		{Method: "POST", Pattern: "/staff/kb/{id}/approve", For: Staff, Object: "kb_entry", h: s.staffKBAct("approve"), Form: "/staff/kb/{id}"},
		{Method: "POST", Pattern: "/staff/kb/{id}/archive", For: Staff, Object: "kb_entry", h: s.staffKBAct("archive"), Form: "/staff/kb/{id}"},
		{Method: "GET", Pattern: "/staff/questions", For: Staff, h: s.staffQuestions},
		{Method: "GET", Pattern: "/staff/questions/new", For: Staff, h: s.staffQuestionNew},
		{Method: "POST", Pattern: "/staff/questions", For: Staff, h: s.staffQuestionCreate, Form: "/staff/questions/new"},
		{Method: "GET", Pattern: "/staff/qa", For: Staff, h: s.staffQA},
		{Method: "POST", Pattern: "/staff/qa/review", For: Staff, h: s.staffQAReview, Form: "/staff/qa"},
		{Method: "GET", Pattern: "/staff/questions/{id}", For: Staff, Object: "question", h: s.staffQuestion},
		{Method: "GET", Pattern: "/staff/questions/{id}/files/{file}", For: Staff, Object: "question", h: s.staffQuestionFile},
		{Method: "POST", Pattern: "/staff/questions/{id}/act", For: Staff, Object: "question", h: s.staffQuestionAct, Form: "/staff/questions/{id}"},
	}
	rts = withFormGETs(rts)
	for i := range rts {
		for _, m := range pathParam.FindAllString(rts[i].Pattern, -1) {
			rts[i].IDs = append(rts[i].IDs, strings.Trim(m, "{}"))
		}
	}
	return rts
}

// withFormGETs adds, for each POST route without a GET of its own, a GET
// that redirects to the page holding the form (Route.Form): after a failed
// form the address bar shows the POST URL, and reloading or bookmarking it
// must lead back to the form.
func withFormGETs(rts []Route) []Route {
	gets := map[string]handler{}
	for _, rt := range rts {
		if rt.Method == "GET" {
			gets[rt.Pattern] = rt.h
		}
	}
	for _, rt := range rts {
		if rt.Method != "POST" || gets[rt.Pattern] != nil {
			continue
		}
		// The form's own page answers, under this address, with the same
		// access checks: a blind redirect would answer a stranger 303 where
		// the page answers 404.
		h := gets[rt.Form]
		if h == nil {
			h = formRedirect(rt.Form)
		}
		gets[rt.Pattern] = h
		rts = append(rts, Route{Method: "GET", Pattern: rt.Pattern, For: rt.For, Object: rt.Object, Form: rt.Form, h: h})
	}
	return rts
}

// formRedirect answers GET of a POST-only URL with a redirect (303) to the
// page of its form, filled with the request's path values.
func formRedirect(form string) handler {
	if form == "" {
		form = "/"
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		target := pathParam.ReplaceAllStringFunc(form, func(m string) string {
			return url.PathEscape(r.PathValue(strings.Trim(m, "{}")))
		})
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
}
