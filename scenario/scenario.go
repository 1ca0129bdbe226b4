package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Scenario is one comparison to run.
type Scenario struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	// Region prices the run; default us-east-1.
	Region string `yaml:"region,omitempty"`
	// Timescale divides control-plane delays (boot, alarm periods, cooldowns, warm-up,
	// keep-alive); request service time is never compressed. Default 1.
	Timescale float64 `yaml:"timescale,omitempty"`
	// VCPUFraction is the share of a host core one emulated vCPU gets. Default 0.25.
	VCPUFraction float64 `yaml:"vcpu_fraction,omitempty"`
	// Runtime is the backend that starts instances: "process" (default) or "docker".
	Runtime string `yaml:"runtime,omitempty"`
	App     App    `yaml:"app"`
	// Load is the load every platform receives (the load generator's configuration).
	Load yaml.Node `yaml:"load,omitempty"`
	// Phases, instead of Load, run several loads in turn against each platform, each
	// reported as its own row (e.g. 5, 10, 100 and 1,000 parallel requests).
	Phases []Phase `yaml:"phases,omitempty"`
	// Warmup requests are sent (and not measured) once a platform is up.
	Warmup int `yaml:"warmup,omitempty"`
	// SLO is a threshold list like "p95<300ms,errors<1%".
	SLO string `yaml:"slo,omitempty"`
	// Traffic is the production traffic monthly costs are projected for.
	Traffic   *Traffic   `yaml:"traffic,omitempty"`
	Platforms []Platform `yaml:"platforms"`

	// Dir is the directory of the scenario file: relative paths in it (request bodies,
	// traces) are resolved against it. Empty for built-in scenarios.
	Dir string `yaml:"-"`
}

// Resolve returns path relative to the scenario file's directory, unless it is absolute
// or the scenario has no file.
func (s *Scenario) Resolve(path string) string {
	if path == "" || s.Dir == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(s.Dir, path)
}

// App is the service under test.
type App struct {
	// Builtin selects the built-in digit classifier: "mlp" or "svm".
	Builtin string `yaml:"builtin,omitempty"`
	// Command runs a user's HTTP server; "{port}" is replaced by the port it must listen on
	// (PORT is also set in its environment).
	Command []string `yaml:"command,omitempty"`
	// Image runs a container image (runtime: docker).
	Image string `yaml:"image,omitempty"`
	// ImageArchive is a `docker save` tarball that holds Image; it is loaded into the
	// engine before the run.
	ImageArchive string `yaml:"image_archive,omitempty"`
	// Env adds environment variables.
	Env map[string]string `yaml:"env,omitempty"`
	// HealthPath is polled for readiness; default /healthz for the built-in app, / otherwise.
	HealthPath string `yaml:"health_path,omitempty"`
	// Path is the request path the load targets; default /predict for the built-in app.
	Path string `yaml:"path,omitempty"`
	// StartupTimeout bounds exec → healthy; default 60s.
	StartupTimeout Duration `yaml:"startup_timeout,omitempty"`
	// MemoryMiB is the app's expected memory need, for Lambda and task sizing checks.
	MemoryMiB int `yaml:"memory_mib,omitempty"`
	// HandlerType is what the app speaks: "http" (default: an HTTP server on PORT, which
	// Lambda runs with the web adapter model) or "runtime-api" (a Lambda handler image,
	// e.g. built with aws-lambda-go, run through the Runtime Interface Emulator; lambda
	// platforms on runtime docker only).
	HandlerType string `yaml:"handler_type,omitempty"`
}

// Handler types of App.HandlerType.
const (
	HandlerHTTP       = "http"
	HandlerRuntimeAPI = "runtime-api"
)

// Phase is one named load of a scenario with phases.
type Phase struct {
	Name string    `yaml:"name"`
	Load yaml.Node `yaml:"load"`
}

// Traffic is production traffic for cost projection.
type Traffic struct {
	// RequestsPerDay is the mean daily request count.
	RequestsPerDay float64 `yaml:"requests_per_day"`
	// Shape is "flat" or "diurnal" (peak ≈ 2× mean, trough ≈ 0.2× mean). Default flat.
	Shape string `yaml:"shape,omitempty"`
}

// Platform is one platform to compare; exactly one kind-specific section is set and its
// contents are decoded by that platform kind.
type Platform struct {
	Name string `yaml:"name"`
	Kind string `yaml:"kind"`
	// Runtime overrides the scenario's runtime for this platform.
	Runtime string `yaml:"runtime,omitempty"`
	// Settings is the kind-specific section (instance type, min/max, policies, ...).
	Settings yaml.Node `yaml:"settings,omitempty"`
	// Faults are injected while the load runs (EC2 and ASG).
	Faults []Fault `yaml:"faults,omitempty"`
}

// Fault is something that goes wrong on purpose, timed from the start of the load.
type Fault struct {
	// At is when the fault happens, from the start of the load.
	At Duration `yaml:"at,omitempty"`
	// Kill terminates this many in-service instances at once (a crash: no drain).
	Kill int `yaml:"kill,omitempty"`
	// SpotInterruption sends this many in-service instances a Spot interruption notice
	// (2 minutes, divided by the timescale); they are then terminated.
	SpotInterruption int `yaml:"spot_interruption,omitempty"`
	// KillRatePerHour kills in-service instances at random at this rate (per hour of
	// platform time), from At on.
	KillRatePerHour float64 `yaml:"kill_rate_per_hour,omitempty"`
}

// FaultKinds are the platform kinds that support faults.
var FaultKinds = []string{"ec2", "asg"}

// Duration is a time.Duration written as "30s", "2m" or "150ms" in YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: want a duration like 30s", n.Line)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration (use e.g. 500ms, 30s, 2m)", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Kinds are the platform kinds deploybench models.
var Kinds = []string{"ec2", "asg", "ecs-ec2", "fargate", "ecs-mi", "lambda"}

// Defaults applied by Parse.
const (
	DefaultRegion       = "us-east-1"
	DefaultVCPUFraction = 0.25
	DefaultTimescale    = 1
)

// ErrInvalid marks scenario errors caused by the file's content.
var ErrInvalid = errors.New("invalid scenario")

// invalid builds an error naming the field path.
func invalid(path, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalid, path, fmt.Sprintf(format, args...))
}

// ReadFile parses and validates the scenario file at path.
func ReadFile(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	s, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.Dir = filepath.Dir(path)
	return s, nil
}

// Parse decodes a scenario strictly (unknown keys are errors), applies defaults and
// validates it.
func Parse(b []byte) (*Scenario, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: the file is empty (run 'deploybench init' for a commented example)", ErrInvalid)
		}
		return nil, fmt.Errorf("%w: %s", ErrInvalid, yamlError(err))
	}
	s.applyDefaults()
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// yamlError turns yaml.v3's multi-line errors into one line and explains unknown fields.
func yamlError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n", "")
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if strings.Contains(l, "not found in type") {
			// "line 3: field nmae not found in type scenario.Scenario"
			l = l[:strings.Index(l, " not found in type")] + " is not a known key (check the spelling; 'deploybench init' writes every key)"
		}
		lines[i] = l
	}
	return strings.Join(lines, "; ")
}

func (s *Scenario) applyDefaults() {
	if s.Region == "" {
		s.Region = DefaultRegion
	}
	if s.Timescale == 0 {
		s.Timescale = DefaultTimescale
	}
	if s.VCPUFraction == 0 {
		s.VCPUFraction = DefaultVCPUFraction
	}
	if s.Runtime == "" {
		s.Runtime = "process"
	}
	if s.App.Builtin == "" && len(s.App.Command) == 0 && s.App.Image == "" {
		s.App.Builtin = "mlp"
	}
	if s.App.HealthPath == "" {
		s.App.HealthPath = "/"
		if s.App.Builtin != "" {
			s.App.HealthPath = "/healthz"
		}
	}
	if s.App.Path == "" {
		s.App.Path = "/"
		if s.App.Builtin != "" {
			s.App.Path = "/predict"
		}
	}
	if s.App.HandlerType == "" {
		s.App.HandlerType = HandlerHTTP
	}
	if s.App.StartupTimeout == 0 {
		s.App.StartupTimeout = Duration(60 * time.Second)
	}
	if s.Traffic != nil && s.Traffic.Shape == "" {
		s.Traffic.Shape = "flat"
	}
}

// Validate checks everything that does not depend on a platform kind's own settings.
func (s *Scenario) Validate() error {
	if s.Name == "" {
		return invalid("name", "is required (a short name for the report)")
	}
	if s.Timescale < 1 || s.Timescale > 3600 {
		return invalid("timescale", "%g is out of range (1 = real time … 3600)", s.Timescale)
	}
	if s.VCPUFraction <= 0 || s.VCPUFraction > 1 {
		return invalid("vcpu_fraction", "%g is out of range (0 < fraction ≤ 1 host core per emulated vCPU)", s.VCPUFraction)
	}
	if s.Runtime != "process" && s.Runtime != "docker" {
		return invalid("runtime", "%q is not a runtime (use process or docker)", s.Runtime)
	}
	n := 0
	for _, set := range []bool{s.App.Builtin != "", len(s.App.Command) > 0, s.App.Image != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return invalid("app", "set only one of builtin, command and image")
	}
	if s.App.Builtin != "" && s.App.Builtin != "mlp" && s.App.Builtin != "svm" {
		return invalid("app.builtin", "%q is not a built-in model (use mlp or svm)", s.App.Builtin)
	}
	if len(s.App.Command) > 0 && !strings.Contains(strings.Join(s.App.Command, " "), "{port}") {
		if _, ok := s.App.Env["PORT"]; ok {
			return invalid("app.env.PORT", "is set by deploybench; remove it")
		}
	}
	if s.App.ImageArchive != "" && s.App.Image == "" {
		return invalid("app.image_archive", "needs app.image, the NAME:TAG the archive holds")
	}
	if s.App.Image != "" && s.Runtime != "docker" {
		return invalid("app.image", "needs runtime: docker (the process runtime runs app.command or the built-in app)")
	}
	switch s.App.HandlerType {
	case HandlerHTTP:
	case HandlerRuntimeAPI:
		if s.App.Image == "" {
			return invalid("app.handler_type", "runtime-api needs app.image, a Lambda handler image (runtime: docker)")
		}
	default:
		return invalid("app.handler_type", "%q is not a handler type (use http, or runtime-api for a Lambda handler image)", s.App.HandlerType)
	}
	for _, p := range []struct{ name, v string }{{"app.health_path", s.App.HealthPath}, {"app.path", s.App.Path}} {
		if !strings.HasPrefix(p.v, "/") {
			return invalid(p.name, "%q must start with /", p.v)
		}
	}
	if s.Warmup < 0 {
		return invalid("warmup", "must be ≥ 0 requests")
	}
	switch {
	case s.Load.Kind == 0 && len(s.Phases) == 0:
		return invalid("load", "is required (e.g. load: {executor: constant_rate, rate: 20, duration: 30s}), or phases")
	case s.Load.Kind != 0 && len(s.Phases) > 0:
		return invalid("phases", "set either load or phases, not both")
	}
	phaseNames := map[string]bool{}
	for i, ph := range s.Phases {
		path := fmt.Sprintf("phases[%d]", i)
		if ph.Name == "" {
			return invalid(path+".name", "is required (it names the phase's rows in the report)")
		}
		if phaseNames[ph.Name] {
			return invalid(path+".name", "%q is used twice; names must be unique", ph.Name)
		}
		phaseNames[ph.Name] = true
		if ph.Load.Kind == 0 {
			return invalid(path+".load", "is required")
		}
	}
	if t := s.Traffic; t != nil {
		if t.RequestsPerDay <= 0 {
			return invalid("traffic.requests_per_day", "must be > 0")
		}
		if t.Shape != "flat" && t.Shape != "diurnal" {
			return invalid("traffic.shape", "%q is not a shape (use flat or diurnal)", t.Shape)
		}
	}
	if len(s.Platforms) == 0 {
		return invalid("platforms", "is empty: list at least one of %s", strings.Join(Kinds, ", "))
	}
	seen := map[string]bool{}
	for i, p := range s.Platforms {
		path := fmt.Sprintf("platforms[%d]", i)
		if p.Name == "" {
			return invalid(path+".name", "is required")
		}
		if seen[p.Name] {
			return invalid(path+".name", "%q is used twice; names must be unique", p.Name)
		}
		seen[p.Name] = true
		if !contains(Kinds, p.Kind) {
			return invalid(path+".kind", "%q is not a platform kind (use one of %s)", p.Kind, strings.Join(Kinds, ", "))
		}
		if p.Runtime != "" && p.Runtime != "process" && p.Runtime != "docker" {
			return invalid(path+".runtime", "%q is not a runtime (use process or docker)", p.Runtime)
		}
		if s.App.HandlerType == HandlerRuntimeAPI {
			if p.Kind != "lambda" {
				return invalid(path+".kind", "%s cannot run app.handler_type runtime-api (a Lambda handler serves no HTTP): use lambda platforms only, or an HTTP app", p.Kind)
			}
			if s.RuntimeOf(p) != "docker" {
				return invalid(path+".runtime", "app.handler_type runtime-api runs through the Lambda Runtime Interface Emulator in a container: use runtime: docker")
			}
		}
		for j, f := range p.Faults {
			fp := fmt.Sprintf("%s.faults[%d]", path, j)
			if !contains(FaultKinds, p.Kind) {
				return invalid(fp, "faults are supported on %s platforms, not %s", strings.Join(FaultKinds, " and "), p.Kind)
			}
			n := 0
			for _, set := range []bool{f.Kill > 0, f.SpotInterruption > 0, f.KillRatePerHour > 0} {
				if set {
					n++
				}
			}
			if n != 1 || f.Kill < 0 || f.SpotInterruption < 0 || f.KillRatePerHour < 0 {
				return invalid(fp, "set exactly one of kill: N, spot_interruption: N or kill_rate_per_hour: R (all > 0)")
			}
		}
	}
	return nil
}

// RuntimeOf is the runtime a platform runs on.
func (s *Scenario) RuntimeOf(p Platform) string {
	if p.Runtime != "" {
		return p.Runtime
	}
	return s.Runtime
}

// TrafficPerMonth is the projected requests per 30-day month, 0 when unset.
func (s *Scenario) TrafficPerMonth() float64 {
	if s.Traffic == nil {
		return 0
	}
	return s.Traffic.RequestsPerDay * 30
}

// TrafficText describes the projected traffic in words.
func (s *Scenario) TrafficText() string {
	if s.Traffic == nil {
		return ""
	}
	return fmt.Sprintf("%s requests/day, %s", humanCount(s.Traffic.RequestsPerDay), s.Traffic.Shape)
}

// DecodeStrict decodes a YAML node into v rejecting unknown keys, so settings sections
// are as strict as the top level.
func DecodeStrict(n *yaml.Node, v any) error {
	if n.Kind == 0 {
		return nil
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		// Line numbers would count from the start of the section, not of the file, so
		// they are dropped; the caller names the section.
		return errors.New(lineNo.ReplaceAllString(yamlError(err), ""))
	}
	return nil
}

var lineNo = regexp.MustCompile(`line \d+: `)

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func humanCount(v float64) string {
	switch {
	case v >= 1e9:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", v/1e9), ".0") + " B"
	case v >= 1e6:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", v/1e6), ".0") + " M"
	case v >= 1e3:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", v/1e3), ".0") + " k"
	}
	return fmt.Sprintf("%g", v)
}
