package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/results"
)

func TestStartupDetailRoundTrip(t *testing.T) {
	for _, s := range []StartupSplit{
		{Runtime: "docker", Pulls: true, Pull: 60500 * time.Millisecond, Create: 142300 * time.Microsecond, App: 38 * time.Millisecond},
		{Runtime: "docker", Pulls: true, Create: time.Millisecond, App: 2 * time.Second},
		{Runtime: "process", Create: 2100 * time.Microsecond, App: 96 * time.Millisecond},
	} {
		got, err := ParseStartup(s.Detail())
		if err != nil {
			t.Fatalf("%q: %v", s.Detail(), err)
		}
		if got != s {
			t.Errorf("%q read back as %+v, want %+v", s.Detail(), got, s)
		}
	}
}

func TestParseStartupErrors(t *testing.T) {
	for _, in := range []string{"", "garbage", "runtime=docker create=1ms", "create=1ms app=x", "create=-1ms app=1ms", "pull=1 create=1ms app=1ms"} {
		if _, err := ParseStartup(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func loadStartup(t *testing.T) *results.Loaded {
	t.Helper()
	l, err := results.Read(filepath.Join("testdata", "startup-run"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestStartupRows(t *testing.T) {
	l := loadStartup(t)
	rows := StartupRows(l.Run, l.Events)
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4: %+v", len(rows), rows)
	}
	want := []StartupRow{
		{Platform: "fargate", Runtime: "docker", Count: 3, Pulls: true, PullP50: 60500 * time.Millisecond, PullMax: 60500 * time.Millisecond,
			CreateP50: 142300 * time.Microsecond, CreateMax: 201700 * time.Microsecond, AppP50: 38100 * time.Microsecond, AppMax: 52 * time.Millisecond},
		// ECS on EC2 pulls for the first task on an instance only: the median is 0.
		{Platform: "ecs-ec2", Runtime: "docker", Count: 3, Pulls: true, PullP50: 0, PullMax: 60500 * time.Millisecond,
			CreateP50: 130 * time.Millisecond, CreateMax: 150 * time.Millisecond, AppP50: 37 * time.Millisecond, AppMax: 40 * time.Millisecond},
		// A detail that does not parse is skipped; an unknown key is ignored.
		{Platform: "lambda-rie", Runtime: "docker", Count: 2, CreateP50: 140 * time.Millisecond, CreateMax: 160 * time.Millisecond,
			AppP50: 19 * time.Millisecond, AppMax: 21 * time.Millisecond},
		{Platform: "ec2", Runtime: "process", Count: 1, CreateP50: 2100 * time.Microsecond, CreateMax: 2100 * time.Microsecond,
			AppP50: 96 * time.Millisecond, AppMax: 96 * time.Millisecond},
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v\nwant      %+v", i, rows[i], want[i])
		}
	}
}

func TestStartupTableGolden(t *testing.T) {
	l := loadStartup(t)
	var b bytes.Buffer
	if err := StartupTable(&b, StartupRows(l.Run, l.Events)); err != nil {
		t.Fatal(err)
	}
	golden(t, "startup.txt", b.Bytes())
	var none bytes.Buffer
	if err := StartupTable(&none, nil); err != nil || none.Len() != 0 {
		t.Errorf("no rows wrote %q, %v; want nothing", none.String(), err)
	}
}

func TestStartupHTMLGolden(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, loadStartup(t)); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	i, j := strings.Index(s, "<h2>Start-up split</h2>"), strings.Index(s, "<h2>Assumptions</h2>")
	if i < 0 || j < i {
		t.Fatalf("report has no start-up section before the assumptions")
	}
	golden(t, "startup.html", []byte(s[i:j]))
	// The main fixture has no startup events: no section.
	b.Reset()
	if err := HTML(&b, load(t)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "Start-up split") {
		t.Error("a run without startup events shows a start-up section")
	}
}

func FuzzParseStartup(f *testing.F) {
	f.Add("runtime=docker pull=1m0.5s create=142.3ms app=38.1ms")
	f.Add("runtime=process create=2.1ms app=96ms")
	f.Add("create=1ms app=1ms x=y")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseStartup(in)
		if err != nil {
			return
		}
		if s.Create < 0 || s.App < 0 || s.Pull < 0 {
			t.Fatalf("%q: negative part %+v", in, s)
		}
		// What parses renders and parses back to the same split (up to Detail's rounding).
		if s.Runtime != "" && !strings.ContainsAny(s.Runtime, " \t\n\v\f\r=\u0085\u00a0") {
			if _, err := ParseStartup(s.Detail()); err != nil {
				t.Fatalf("%q: its own detail %q does not parse: %v", in, s.Detail(), err)
			}
		}
	})
}
