package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deploybench/deploybench/platform/fleet/fleettest"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/scenario"
)

func TestMain(m *testing.M) { fleettest.Main(m) }

// testScenario runs the test binary itself as the app (fleettest.ServeApp), so live
// tests need nothing but Go.
func testScenario(t *testing.T, load, platforms string) *scenario.Scenario {
	t.Helper()
	cmd := fleettest.AppCommand()
	y := fmt.Sprintf(`name: t
timescale: 60
slo: "p95<2s,errors<5%%"
traffic: {requests_per_day: 100000}
app:
  command: [%q, %q]
  env: {%s: "1"}
  health_path: /healthz
  path: /work
load: %s
platforms:
%s`, cmd[0], cmd[1], fleettest.AppEnv, load, platforms)
	s, err := scenario.Parse([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// alive lists the PIDs of processes whose command line names this test binary as the
// app, i.e. app instances the run started.
func alive(t *testing.T) []string {
	t.Helper()
	self := os.Getpid()
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		pid := e.Name()
		if pid == fmt.Sprint(self) {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", pid, "environ"))
		if err != nil {
			continue
		}
		if strings.Contains(string(env), fleettest.AppEnv+"=1") {
			if st, err := os.ReadFile(filepath.Join("/proc", pid, "stat")); err == nil && strings.Contains(string(st), ") Z ") {
				continue // a zombie is already dead
			}
			out = append(out, pid)
		}
	}
	return out
}

func TestRunEC2AndASG(t *testing.T) {
	if testing.Short() {
		t.Skip("live run")
	}
	s := testScenario(t, "{rate: 20, duration: 3s}", `  - {name: one, kind: ec2, settings: {instance_type: t3.small}}
  - {name: group, kind: asg, settings: {instance_type: t3.small, min: 1, max: 2, monitoring: high_resolution}}
`)
	dir := t.TempDir()
	run, err := Run(context.Background(), s, Options{OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if run.Partial || len(run.Platforms) != 2 {
		t.Fatalf("run = %+v", run)
	}
	for _, p := range run.Platforms {
		if p.Status != "ok" || p.Requests < 50 || p.ErrorRate > 0.05 {
			lj, _ := os.ReadFile(filepath.Join(dir, results.PlatformDirName(p.Name), "load.json"))
			outcomes := string(lj)
			if i := strings.Index(outcomes, `"outcomes"`); i >= 0 {
				outcomes = outcomes[i:min(len(outcomes), i+300)]
			}
			t.Errorf("%s: status %s, %d requests, error rate %.3f (%s); %s", p.Name, p.Status, p.Requests, p.ErrorRate, p.Error, outcomes)
		}
		if p.RunCost <= 0 || p.BilledSeconds < 60 {
			t.Errorf("%s: cost %v billed %v s: an instance is billed at least 60 s", p.Name, p.RunCost, p.BilledSeconds)
		}
		if p.Monthly <= 0 {
			t.Errorf("%s: no monthly projection", p.Name)
		}
	}
	l, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l.Run.Partial {
		t.Error("finished run reads back as partial")
	}
	if n := len(l.Timelines["one"]); n < 2 {
		t.Errorf("timeline has %d points", n)
	}
	if len(l.Events["group"]) == 0 {
		t.Error("no events recorded for the ASG")
	}
	for _, f := range []string{"one/bill.json", "one/load.json", "group/bill.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if pids := alive(t); len(pids) > 0 {
		t.Errorf("app processes left behind: %v", pids)
	}
}

func TestRunInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("live run")
	}
	s := testScenario(t, "{rate: 20, duration: 30s}", `  - {name: one, kind: ec2, settings: {instance_type: t3.small}}
  - {name: two, kind: ec2, settings: {instance_type: t3.small}}
`)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Interrupt once the first platform has measured something.
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			if b, err := os.ReadFile(filepath.Join(dir, "one", "timeline.csv")); err == nil && strings.Count(string(b), "\n") >= 3 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
	}()
	_, err := Run(ctx, s, Options{OutDir: dir})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	l, err := results.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Run.Partial || len(l.Run.Platforms) != 1 || l.Run.Platforms[0].Status != "partial" {
		t.Fatalf("want a partial run with one partial platform, got %+v", l.Run)
	}
	if l.Run.Platforms[0].Requests == 0 {
		t.Error("the partial platform kept no measurements")
	}
	if pids := alive(t); len(pids) > 0 {
		t.Errorf("app processes left behind: %v", pids)
		for _, p := range pids {
			var pid int
			fmt.Sscan(p, &pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func TestPrepareRejects(t *testing.T) {
	tests := []struct {
		name, platforms, want string
	}{
		{"unknown key", "  - {name: a, kind: ec2, settings: {instance_typ: t3.small}}\n", "platforms[0] (a).settings: field instance_typ is not a known key"},
		{"unknown type", "  - {name: a, kind: ec2, settings: {instance_type: t2.mediun}}\n", "t2.medium"},
		{"host budget", "  - {name: big, kind: asg, settings: {instance_type: m5.xlarge, min: 1, max: 40}}\n", `host capacity: platform "big"`},
		{"purchase", "  - {name: a, kind: ec2, settings: {instance_type: t3.small, purchase: cheap}}\n", "purchase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testScenario(t, "{rate: 1, duration: 1s}", tt.platforms)
			p, err := Prepare(s, Options{OutDir: t.TempDir(), HostCores: 2})
			if err == nil {
				p.Close()
				t.Fatal("want an error")
			}
			if !errors.Is(err, scenario.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}

func TestBuiltinScenariosPrepare(t *testing.T) {
	for _, name := range append(scenario.BuiltinNames(), "example") {
		t.Run(name, func(t *testing.T) {
			b := scenario.Example
			if name != "example" {
				b, _ = scenario.Builtin(name)
			}
			s, err := scenario.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Prepare(s, Options{OutDir: t.TempDir(), HostCores: 2})
			if err != nil {
				t.Fatal(err)
			}
			p.Close()
		})
	}
}
