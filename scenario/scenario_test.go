package scenario

import (
	"strings"
	"testing"
)

func TestExampleAndBuiltinsParse(t *testing.T) {
	if _, err := Parse(Example); err != nil {
		t.Fatalf("example: %v", err)
	}
	for _, name := range BuiltinNames() {
		b, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b); err != nil {
			t.Errorf("builtin %s: %v", name, err)
		}
	}
	if _, err := Builtin("nope"); err == nil || !strings.Contains(err.Error(), "available: ") {
		t.Errorf("unknown builtin: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	base := "name: x\nload: {rate: 1, duration: 1s}\nplatforms: [{name: a, kind: ec2}]\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"empty", "", "empty"},
		{"typo top", base + "timescal: 3\n", "field timescal is not a known key"},
		{"typo app", base + "app: {buitin: mlp}\n", "field buitin is not a known key"},
		{"no name", "load: {rate: 1}\nplatforms: [{name: a, kind: ec2}]\n", "name: is required"},
		{"bad kind", "name: x\nload: {rate: 1}\nplatforms: [{name: a, kind: k8s}]\n", `platforms[0].kind: "k8s" is not a platform kind`},
		{"dup", "name: x\nload: {rate: 1}\nplatforms: [{name: a, kind: ec2}, {name: a, kind: asg}]\n", `platforms[1].name: "a" is used twice`},
		{"no platforms", "name: x\nload: {rate: 1}\n", "platforms: is empty"},
		{"no load", "name: x\nplatforms: [{name: a, kind: ec2}]\n", "load: is required"},
		{"timescale", base + "timescale: 0.5\n", "timescale: 0.5 is out of range"},
		{"fraction", base + "vcpu_fraction: 2\n", "vcpu_fraction: 2 is out of range"},
		{"model", base + "app: {builtin: cnn}\n", `app.builtin: "cnn" is not a built-in model`},
		{"two apps", base + "app: {builtin: mlp, command: [x]}\n", "set only one of builtin, command and image"},
		{"path", base + "app: {path: predict}\n", `app.path: "predict" must start with /`},
		{"traffic", base + "traffic: {requests_per_day: 0}\n", "traffic.requests_per_day: must be > 0"},
		{"shape", base + "traffic: {requests_per_day: 5, shape: spiky}\n", `traffic.shape: "spiky" is not a shape`},
		{"duration", base + "app: {startup_timeout: soon}\n", `"soon" is not a duration`},
		{"runtime", base + "runtime: vm\n", `runtime: "vm" is not a runtime`},
		{"image needs docker", base + "app: {image: x:1}\n", "app.image: needs runtime: docker"},
		{"archive needs image", base + "runtime: docker\napp: {image_archive: x.tar}\n", "app.image_archive: needs app.image"},
		{"handler type", base + "runtime: docker\napp: {image: x:1, handler_type: grpc}\n", `app.handler_type: "grpc" is not a handler type (use http, or runtime-api`},
		{"handler needs image", base + "app: {builtin: mlp, handler_type: runtime-api}\n", "app.handler_type: runtime-api needs app.image"},
		{"handler on ec2", base + "runtime: docker\napp: {image: x:1, handler_type: runtime-api}\n", "platforms[0].kind: ec2 cannot run app.handler_type runtime-api"},
		{"handler on process", "name: x\nload: {rate: 1}\nruntime: docker\napp: {image: x:1, handler_type: runtime-api}\nplatforms: [{name: f, kind: lambda, runtime: process}]\n", "platforms[0].runtime: app.handler_type runtime-api runs through the Lambda Runtime Interface Emulator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestHandlerTypeRuntimeAPI(t *testing.T) {
	s, err := Parse([]byte("name: x\nload: {rate: 1}\nruntime: docker\napp: {image: fn:1, handler_type: runtime-api}\nplatforms: [{name: f, kind: lambda}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.App.HandlerType != HandlerRuntimeAPI {
		t.Errorf("handler_type = %q", s.App.HandlerType)
	}
	s, err = Parse([]byte("name: x\nload: {rate: 1}\nplatforms: [{name: f, kind: lambda}]\n"))
	if err != nil || s.App.HandlerType != HandlerHTTP {
		t.Errorf("default handler_type = %q, %v; want http", s.App.HandlerType, err)
	}
}

func TestDecodeStrict(t *testing.T) {
	s, err := Parse([]byte("name: x\nload: {rate: 1}\nplatforms: [{name: a, kind: ec2, settings: {instance_typ: t2.small}}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		InstanceType string `yaml:"instance_type"`
	}
	err = DecodeStrict(&s.Platforms[0].Settings, &v)
	if err == nil || !strings.Contains(err.Error(), "instance_typ is not a known key") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Example)
	f.Add([]byte("name: x\nload: {rate: 1}\nplatforms: [{name: a, kind: ec2}]\n"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Parse(b)
	})
}

func TestFaultValidation(t *testing.T) {
	base := "name: x\nload: {rate: 1, duration: 1s}\n"
	tests := []struct{ yaml, want string }{
		{base + "platforms: [{name: a, kind: lambda, faults: [{at: 1s, kill: 1}]}]\n", "platforms[0].faults[0]: faults are supported on ec2 and asg"},
		{base + "platforms: [{name: a, kind: asg, faults: [{at: 1s}]}]\n", "set exactly one of kill"},
		{base + "platforms: [{name: a, kind: asg, faults: [{at: 1s, kill: 1, spot_interruption: 1}]}]\n", "set exactly one of kill"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
	}
	if _, err := Parse([]byte(base + "platforms: [{name: a, kind: asg, faults: [{at: 10s, kill: 1}, {kill_rate_per_hour: 30}]}]\n")); err != nil {
		t.Fatal(err)
	}
}
