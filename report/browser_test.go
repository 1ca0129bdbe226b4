package report

import (
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestRendersInChromium renders report.html in headless Chromium, offline, and checks the
// screenshot shows the charts' coloured lines. It skips where no Chromium is installed,
// except in CI (CI=true), where .ci/run installs it.
func TestRendersInChromium(t *testing.T) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; .ci/run should have installed it")
		}
		t.Skip("no chromium installed (apt-get install chromium); skipping the browser check")
	}
	dir := t.TempDir()
	var f *os.File
	f, err := os.Create(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := HTML(f, load(t)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	shot := filepath.Join(dir, "report.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--hide-scrollbars", "--window-size=1400,2400",
		"--screenshot="+shot, "file://"+filepath.Join(dir, "report.html"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	pf, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	img, err := png.Decode(pf)
	if err != nil {
		t.Fatal(err)
	}
	// Count pixels in the palette's first two line colours (blue and red): visible
	// charts draw thousands of them; a page without rendered SVG draws none.
	b := img.Bounds()
	blue, red := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			switch {
			case r < 80 && g > 90 && g < 150 && bl > 160:
				blue++
			case r > 180 && g < 80 && bl < 80:
				red++
			}
		}
	}
	t.Logf("screenshot %dx%d: %d blue and %d red samples", b.Dx(), b.Dy(), blue, red)
	if blue < 200 || red < 100 {
		t.Errorf("the screenshot shows too little chart ink (blue %d, red %d): charts did not render", blue, red)
	}
}
