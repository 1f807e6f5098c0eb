// Package e2e holds the real-browser end-to-end tests of taxhall. They start
// the whole site (internal/app) over a fresh SQLite database with demo data,
// serve it with net/http/httptest and drive a headless Chromium through
// chromedp, as a taxpayer or a tax official would.
//
// Environment:
//
//	TAXHALL_CHROMIUM          path of the browser (default: chromium, chromium-browser, google-chrome on PATH)
//	TAXHALL_BROWSER=1         a missing or broken browser fails the tests instead of skipping them (CI)
//	TAXHALL_SCREENSHOTS       folder for screenshots (default "failures", i.e. e2e/failures;
//	                          a relative path is relative to this package's directory)
//	TAXHALL_SCREENSHOTS_ALL=1 also save a screenshot after each main step, for review
//
// A journey is a test whose steps are subtests, one behaviour each, run in
// order (see journey): when a step fails, the steps after it are skipped
// with the name of the failed step. On a failure each tab used so far saves
// a full-page PNG, its URL and its HTML into the screenshot folder, named
// after the test or step that failed.
package e2e
