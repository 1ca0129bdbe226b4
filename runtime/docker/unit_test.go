package docker

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// deadPID returns the pid of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func selfPID() int { return os.Getpid() }

// createOpts creates (without starting) a container labelled as belonging to run.
func createOpts(image, run string) client.ContainerCreateOptions {
	return client.ContainerCreateOptions{Name: run + "-gc",
		Config:     &container.Config{Image: image, Labels: map[string]string{LabelRun: run, LabelRole: "app"}},
		HostConfig: &container.HostConfig{NetworkMode: "host"}}
}

func TestUnreachableEngineOneLine(t *testing.T) {
	_, err := New(context.Background(), Options{Host: "unix:///nonexistent/docker.sock"})
	if err == nil {
		t.Fatal("New succeeded with no engine")
	}
	msg := err.Error()
	for _, want := range []string{"cannot reach the Docker engine at unix:///nonexistent/docker.sock", "start dockerd, or set DOCKER_HOST"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error not one line: %q", msg)
	}
}

func TestExitReason(t *testing.T) {
	for _, tc := range []struct {
		code            int
		oom, killedByUs bool
		want            string
	}{
		{0, false, false, "exit 0"},
		{2, false, false, "exit 2"},
		{137, true, false, "OutOfMemory (exit 137)"},
		{137, true, true, "signal killed (exit 137)"},
		{137, false, true, "signal killed (exit 137)"},
		{143, false, true, "signal terminated (exit 143)"},
		{-1, false, false, "unknown (engine lost the container)"},
	} {
		if got := exitReason(tc.code, tc.oom, tc.killedByUs); got != tc.want {
			t.Errorf("exitReason(%d, %v, %v) = %q, want %q", tc.code, tc.oom, tc.killedByUs, got, tc.want)
		}
	}
}

func TestParseStats(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		cpu        float64
		mem        uint64
	}{
		{"v1", `{"cpu_stats":{"cpu_usage":{"total_usage":1500000000}},"memory_stats":{"usage":10000,"stats":{"total_inactive_file":4000}}}`, 1.5, 6000},
		{"v2", `{"cpu_stats":{"cpu_usage":{"total_usage":250000000}},"memory_stats":{"usage":10000,"stats":{"inactive_file":1000}}}`, 0.25, 9000},
		{"exited", `{"cpu_stats":{"cpu_usage":{}},"memory_stats":{}}`, 0, 0},
	} {
		cpu, mem, err := parseStats(strings.NewReader(tc.body))
		if err != nil || cpu != tc.cpu || mem != tc.mem {
			t.Errorf("%s: got %v, %v, %v; want %v, %v", tc.name, cpu, mem, err, tc.cpu, tc.mem)
		}
	}
	if _, _, err := parseStats(strings.NewReader("{")); err == nil {
		t.Error("truncated stats accepted")
	}
}

func FuzzParseStats(f *testing.F) {
	f.Add(`{"cpu_stats":{"cpu_usage":{"total_usage":1500000000}},"memory_stats":{"usage":10000,"stats":{"total_inactive_file":4000}}}`)
	f.Add(`{"memory_stats":{"usage":1,"stats":{"inactive_file":99}}}`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, body string) {
		cpu, _, err := parseStats(strings.NewReader(body))
		if err == nil && cpu < 0 {
			t.Fatalf("negative CPU %v", cpu)
		}
	})
}

func TestPortCheck(t *testing.T) {
	for _, tc := range []struct {
		name          string
		args, exposed []string
		env           []string
		ok            bool
	}{
		{"nothing exposed", nil, nil, nil, true},
		{"fixed port", nil, []string{"80/tcp"}, nil, false},
		{"port in command", []string{"--listen", ":{port}"}, []string{"80/tcp"}, nil, true},
		{"PORT declared", nil, []string{"8080/tcp"}, []string{"PORT=8080"}, true},
	} {
		err := portCheck("img", tc.args, tc.exposed, tc.env)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
		if err != nil && !strings.Contains(err.Error(), "cannot be told another") {
			t.Errorf("%s: unclear error %q", tc.name, err)
		}
	}
}

func TestNanoCPUs(t *testing.T) {
	for _, tc := range []struct {
		vcpu, fraction float64
		want           int64
	}{{1, 0.25, 250_000_000}, {0.5, 0.25, 125_000_000}, {4, 0.5, 2_000_000_000}, {0.001, 0.25, 10_000_000}} {
		if got := nanoCPUs(tc.vcpu, tc.fraction); got != tc.want {
			t.Errorf("nanoCPUs(%v, %v) = %d, want %d", tc.vcpu, tc.fraction, got, tc.want)
		}
	}
}

func TestRunIsDead(t *testing.T) {
	dead := deadPID(t)
	for _, tc := range []struct {
		run  string
		want bool
	}{
		{"deploybench-" + strconv.Itoa(dead) + "-abc", true},
		{"deploybench-" + strconv.Itoa(os.Getpid()) + "-abc", false},
		{"other-1-abc", false},
		{"deploybench-x-abc", false},
		{"deploybench-12", false},
	} {
		if got := runIsDead(tc.run); got != tc.want {
			t.Errorf("runIsDead(%q) = %v, want %v", tc.run, got, tc.want)
		}
	}
}

func TestClassifierDockerfile(t *testing.T) {
	got := ClassifierDockerfile("builtin:svm")
	for _, want := range []string{"FROM scratch\n", "COPY deploybench /deploybench\n", `ENTRYPOINT ["/deploybench", "serve", "--model", "builtin:svm"]`} {
		if !strings.Contains(got, want) {
			t.Errorf("Dockerfile lacks %q:\n%s", want, got)
		}
	}
}

func TestIsStatic(t *testing.T) {
	if _, err := IsStatic("unit_test.go"); err == nil {
		t.Error("a Go source file taken for an executable")
	}
	// /bin/sh on a Linux system is dynamically linked.
	if st, err := IsStatic("/bin/sh"); err == nil && st {
		t.Log("/bin/sh is static here")
	}
}

// TestRIEVersionMatchesGoMod: the emulator's cache key is the version go.mod builds.
func TestRIEVersionMatchesGoMod(t *testing.T) {
	b, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), RIEModule+" "+RIEVersion) {
		t.Errorf("go.mod does not require %s %s: update RIEVersion", RIEModule, RIEVersion)
	}
}
