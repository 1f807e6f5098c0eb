package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The one browser of the test binary. Each test opens its tabs in browser
// contexts of their own (separate cookies), see newPage.
var (
	browserCtx context.Context // nil when there is no browser
	browserErr error           // why there is no browser
)

// browserStartTimeout bounds the start of Chromium on a slow machine.
const browserStartTimeout = 60 * time.Second

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	path, err := findChromium()
	if err != nil {
		browserErr = err
		return m.Run()
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()

	// The first Do starts the browser and binds its life to ctx, so it must
	// not get a deadline; a watchdog cancels it if the start hangs.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(browserStartTimeout):
		cancel()
		err = fmt.Errorf("no answer after %s", browserStartTimeout)
		<-started
	}
	if err != nil {
		browserErr = fmt.Errorf("starting %s: %w", path, err)
		return m.Run()
	}
	browserCtx = ctx
	return m.Run()
}

// findChromium returns the browser to drive: $TAXHALL_CHROMIUM, else the
// first of the usual names on PATH. Nothing is ever downloaded.
func findChromium() (string, error) {
	if p := os.Getenv("TAXHALL_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("TAXHALL_CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found (install the Debian package chromium, or set TAXHALL_CHROMIUM)")
}

// requireBrowser skips the test when there is no browser, unless
// TAXHALL_BROWSER=1 says that one must be there (CI), then it fails.
func requireBrowser(t *testing.T) {
	t.Helper()
	if browserCtx != nil {
		return
	}
	if os.Getenv("TAXHALL_BROWSER") == "1" {
		t.Fatalf("TAXHALL_BROWSER=1 but the browser is unusable: %v", browserErr)
	}
	t.Skipf("skipping browser test: %v (set TAXHALL_BROWSER=1 to make this a failure)", browserErr)
}
