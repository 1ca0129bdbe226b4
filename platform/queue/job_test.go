package queue

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestDecodeJob: valid payloads round-trip; bad ones name the field.
func TestDecodeJob(t *testing.T) {
	ok := Job{ID: "job-000001", WorkMS: 1000, BurnUS: 33333, EnqueuedAt: 1, Digit: make([]byte, 784), Label: 7}
	got, err := DecodeJob(ok.Encode())
	if err != nil || !reflect.DeepEqual(got, ok) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	for _, c := range []struct{ in, want string }{
		{`{`, "job:"},
		{`{"id":""}`, "1–64"},
		{`{"id":"a b"}`, "not allowed"},
		{`{"id":"a.b"}`, "not allowed"},
		{`{"id":"a","work_ms":-1}`, "work_ms"},
		{`{"id":"a","burn_us":-5}`, "burn_us"},
		{`{"id":"a","burn_us":9000000000000}`, "burn_us"},
		{`{"id":"a","digit":"AAAA"}`, "digit has 3 bytes"},
		{`{"id":"a","label":10}`, "label 10"},
	} {
		if _, err := DecodeJob([]byte(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeJob(%s) = %v, want an error mentioning %q", c.in, err, c.want)
		}
	}
}

// FuzzDecodeJob: never panics; whatever it accepts is a valid, bounded job that
// re-encodes to itself.
func FuzzDecodeJob(f *testing.F) {
	for _, s := range []string{`{"id":"job-1","work_ms":1000,"burn_us":33333,"enqueued_at":5}`, `{}`, `{"id":"x","burn_us":1e30}`, `{"id":"d","digit":"","label":3}`, `[]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		j, err := DecodeJob(b)
		if err != nil {
			return
		}
		if ValidID(j.ID) != nil || j.Burn() < 0 || j.Burn() > maxBurn {
			t.Fatalf("accepted %+v", j)
		}
		back, err := DecodeJob(j.Encode())
		if err != nil || !reflect.DeepEqual(back, j) {
			t.Fatalf("re-decode: %+v, %v", back, err)
		}
	})
}

// TestConfigValidate names the bad field and accepts the defaults.
func TestConfigValidate(t *testing.T) {
	if err := (Config{Jobs: 200, Timescale: 30}).Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "queue.jobs"},
		{Config{Jobs: 1, TaskCPU: 0.25, TaskMemoryGB: 4}, "memory_gb"},
		{Config{Jobs: 1, TaskCPU: 0.3}, "fargate.cpu"},
		{Config{Jobs: 1, Timescale: -1}, "timescale"},
		{Config{Jobs: 1, MinTasks: 5, MaxTasks: 4}, "min 5 / max 4"},
		{Config{Jobs: 1, Arch: "sparc"}, "queue.arch"},
		{Config{Jobs: 1, Timescale: 1000}, "queue.ack_wait"},
		{Config{Jobs: 1, Stream: "a.b"}, "queue.stream"},
		{Config{Jobs: 1, JobWork: -time.Second}, "queue.job_work"},
	} {
		if err := c.cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error mentioning %q", c.cfg, err, c.want)
		}
	}
}
