package awsrun

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/deploybench/deploybench/aws/awsfake"
	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/results"
	"github.com/deploybench/deploybench/scenario"
)

// standIn is the classifier every faked stack's EndpointURL points at, shared by the
// package's tests (it loads the model once).
var standIn struct {
	once sync.Once
	c    *awsfake.Classifier
	err  error
}

func classifier(t *testing.T) string {
	t.Helper()
	standIn.once.Do(func() { standIn.c, standIn.err = awsfake.StartClassifier("127.0.0.1:0") })
	if standIn.err != nil {
		t.Fatal(standIn.err)
	}
	return standIn.c.URL
}

func TestMain(m *testing.M) {
	code := m.Run()
	if standIn.c != nil {
		standIn.c.Close()
	}
	os.Exit(code)
}

// fakeAWS starts the fake with short delays and returns it with SDK clients pointed at it.
func fakeAWS(t *testing.T, cfg awsfake.Config) (*awsfake.Server, Clients) {
	t.Helper()
	if cfg.EndpointURL == "" {
		cfg.EndpointURL = classifier(t)
	}
	s, err := awsfake.Start("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, NewClients(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(s.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKE", "secret", "")})
}

func testScenario(t *testing.T) (*scenario.Scenario, []byte) {
	t.Helper()
	b, err := os.ReadFile("testdata/scenario.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenario.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return s, b
}

// testExport stands in for the CloudFormation export: one hand-written template per
// platform, named the way the export names stacks.
func testExport(s *scenario.Scenario, runID string) ([]Stack, error) {
	var out []Stack
	for _, p := range s.Platforms {
		b, err := os.ReadFile(filepath.Join("testdata", p.Kind+".json"))
		if err != nil {
			return nil, err
		}
		out = append(out, Stack{Platform: p.Name, Kind: p.Kind, Name: "deploybench-" + runID + "-" + p.Name, Template: b})
	}
	return out, nil
}

// fakePusher records pushes instead of talking to a registry.
type fakePusher struct {
	mu     sync.Mutex
	pushes []string
}

func (p *fakePusher) Push(_ context.Context, localImage, repo string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pushes = append(p.pushes, localImage+" → "+repo)
	return "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + repo + "@sha256:0123", nil
}

func options(t *testing.T, c Clients, out *bytes.Buffer) Options {
	t.Helper()
	s, yaml := testScenario(t)
	return Options{Scenario: s, ScenarioYAML: yaml, OutDir: t.TempDir(), Export: testExport, Clients: c, Region: "us-east-1",
		RunID: "r1", ImageURI: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1", Yes: true, Parallel: 2, Poll: 10 * time.Millisecond,
		CreateTimeout: time.Minute, Out: out}
}

// Must show 2: plan → image → create → wait → load → CloudWatch → delete, no stack left.
func TestRunFullFlow(t *testing.T) {
	fake, c := fakeAWS(t, awsfake.Config{CreateDelay: 40 * time.Millisecond, DeleteDelay: 20 * time.Millisecond})
	var out bytes.Buffer
	o := options(t, c, &out)
	// The image step goes through the pusher hook: the scenario names a local image.
	o.ImageURI, o.Pusher = "", &fakePusher{}
	o.Scenario.App.Image = "deploybench-app:test"
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if left := fake.Stacks(); len(left) != 0 {
		t.Errorf("stacks left in the fake: %+v", left)
	}
	if n := fake.Calls("cloudformation:CreateStack"); n != 2 {
		t.Errorf("CreateStack called %d times, want 2", n)
	}
	if p := o.Pusher.(*fakePusher).pushes; len(p) != 1 || p[0] != "deploybench-app:test → deploybench" {
		t.Errorf("pushes %v", p)
	}
	for _, want := range []string{"stack deploybench-r1-ec2", "AWS::EC2::Instance", "estimated cost", "total", "image: pushing deploybench-app:test",
		"CREATE_COMPLETE", "Instance AWS::EC2::Instance CREATE_COMPLETE", "delete: every stack deleted"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	l, err := results.Read(o.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	if l.Run.Source != results.SourceAWS || l.Run.Partial || len(l.Run.Platforms) != 2 {
		t.Fatalf("run.json: source %q partial %v, %d platforms", l.Run.Source, l.Run.Partial, len(l.Run.Platforms))
	}
	for _, p := range l.Run.Platforms {
		if p.Status != "ok" || p.Requests < 10 || p.Errors != 0 || p.LatencyMs.P50 <= 0 || p.RunCost <= 0 {
			t.Errorf("platform %s: %+v", p.Name, p)
		}
		if len(l.Timelines[p.Name]) == 0 {
			t.Errorf("platform %s: no timeline", p.Name)
		}
		if _, err := os.Stat(filepath.Join(o.OutDir, p.Name, "cloudwatch.json")); err != nil {
			t.Errorf("platform %s: %v", p.Name, err)
		}
	}
	if lam := l.Run.Platforms[1]; lam.PeakCapacity != 3 || !strings.Contains(strings.Join(lam.Notes, ";"), "init duration mean") {
		t.Errorf("lambda CloudWatch summary: peak %d, notes %v", lam.PeakCapacity, lam.Notes)
	}
	// Lambda's row is priced with the duration CloudWatch measured (≈20 ms in the fake),
	// not the plan's 1 s bound.
	if lam := l.Run.Platforms[1]; lam.RunCost <= 0 || lam.RunCost > float64(lam.Requests)*1*0.1*0.0000166667+1e-6 {
		t.Errorf("lambda run cost %v for %d requests: not priced at the measured duration", lam.RunCost, lam.Requests)
	}
	// The stack's creation is kept as events: the instance's launch → running time among them.
	var boot bool
	for _, e := range l.Events["ec2"] {
		boot = boot || e.Kind == "boot_done" && strings.HasPrefix(e.Detail, "launch→running") && !strings.HasSuffix(e.Detail, " 0s")
	}
	if !boot {
		t.Errorf("no boot_done event with a duration for ec2: %+v", l.Events["ec2"])
	}
	metrics := map[string]bool{}
	for _, q := range fake.MetricQueries() {
		metrics[q.Namespace+"/"+q.MetricName] = true
	}
	for _, m := range []string{"AWS/EC2/CPUUtilization", "AWS/ApplicationELB/RequestCount", "AWS/ApplicationELB/TargetResponseTime",
		"AWS/Lambda/ConcurrentExecutions", "AWS/Lambda/Duration", "LambdaInsights/init_duration"} {
		if !metrics[m] {
			t.Errorf("CloudWatch was not asked for %s (asked: %v)", m, metrics)
		}
	}
	// Every operation the fake saw is in Operations, and every one in Operations was called.
	if got := fake.Operations(); !reflect.DeepEqual(got, Operations) {
		t.Errorf("operations called %v, Operations lists %v", got, Operations)
	}
	if res.RunID != "r1" || res.Estimate.Total <= 0 {
		t.Errorf("result %+v", res)
	}
}

func TestRunInterruptedMidCreate(t *testing.T) {
	tests := []struct {
		name       string
		secondStop bool // a second Ctrl-C: stop waiting for the deletion
	}{
		{"one Ctrl-C deletes everything", false},
		{"a second Ctrl-C leaves stacks for cleanup", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Stacks never finish creating within the test.
			fake, c := fakeAWS(t, awsfake.Config{CreateDelay: time.Hour, DeleteDelay: 20 * time.Millisecond})
			var out bytes.Buffer
			o := options(t, c, &out)
			ctx, cancel := context.WithCancel(context.Background())
			cleanupCtx, cancelCleanup := context.WithCancel(context.Background())
			defer cancelCleanup()
			o.CleanupContext = cleanupCtx
			go func() {
				deadline := time.Now().Add(10 * time.Second)
				for fake.Calls("cloudformation:CreateStack") < 2 && time.Now().Before(deadline) {
					time.Sleep(5 * time.Millisecond)
				}
				if tt.secondStop {
					cancelCleanup()
				}
				cancel()
			}()
			res, err := Run(ctx, o)
			if err == nil {
				t.Fatal("an interrupted run returned no error")
			}
			if !tt.secondStop {
				if len(fake.Stacks()) != 0 || len(res.Left) != 0 {
					t.Fatalf("after one Ctrl-C: left %v, fake has %+v\n%s", res.Left, fake.Stacks(), out.String())
				}
				return
			}
			if !errors.Is(err, ErrStacksLeft) || len(res.Left) != 2 {
				t.Fatalf("err %v, left %v", err, res.Left)
			}
			if !strings.Contains(out.String(), "remove them with: deploybench aws cleanup --run-id r1 --region us-east-1") {
				t.Errorf("no cleanup command in the output:\n%s", out.String())
			}
			if n := len(fake.Stacks()); n != 2 {
				t.Fatalf("%d stacks in the fake, want the 2 left behind", n)
			}
			var cout bytes.Buffer
			found, err := Cleanup(context.Background(), c, CleanupOptions{RunID: "r1", Yes: true, Poll: 10 * time.Millisecond, Out: &cout})
			if err != nil || len(found) != 2 {
				t.Fatalf("cleanup: %v, found %d\n%s", err, len(found), cout.String())
			}
			if left := fake.Stacks(); len(left) != 0 {
				t.Errorf("after cleanup: %+v", left)
			}
		})
	}
}

// Must show 3: the plan has resources and an estimate; a lower --max-cost creates nothing.
func TestMaxCostRefuses(t *testing.T) {
	fake, c := fakeAWS(t, awsfake.Config{})
	var out bytes.Buffer
	o := options(t, c, &out)
	o.MaxCost = 0.001
	_, err := Run(context.Background(), o)
	if !errors.Is(err, ErrOverBudget) {
		t.Fatalf("err %v", err)
	}
	if n := fake.Calls("cloudformation:CreateStack"); n != 0 {
		t.Errorf("CreateStack called %d times", n)
	}
	for _, want := range []string{"AWS::Lambda::Function", "AWS::ElasticLoadBalancingV2::LoadBalancer", "total  "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, out.String())
		}
	}
}

func TestNotConfirmed(t *testing.T) {
	tests := []struct {
		name    string
		confirm func(string) (bool, error)
	}{
		{"no terminal", nil},
		{"answered no", func(string) (bool, error) { return false, nil }},
		{"stdin closed", func(string) (bool, error) { return false, errors.New("EOF") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c := fakeAWS(t, awsfake.Config{})
			var out bytes.Buffer
			o := options(t, c, &out)
			o.Yes, o.Confirm = false, tt.confirm
			if _, err := Run(context.Background(), o); !errors.Is(err, ErrNotConfirmed) {
				t.Fatalf("err %v", err)
			}
			if n := fake.Calls("cloudformation:CreateStack"); n != 0 {
				t.Errorf("CreateStack called %d times", n)
			}
		})
	}
}

func TestCreateFailedDeletesEverything(t *testing.T) {
	fake, c := fakeAWS(t, awsfake.Config{CreateDelay: 30 * time.Millisecond, DeleteDelay: 20 * time.Millisecond})
	fake.FailStacks("lambda", "Resource handler returned message: \"Memory size 1024 exceeds the account limit\"")
	var out bytes.Buffer
	o := options(t, c, &out)
	_, err := Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "ROLLBACK_COMPLETE") || !strings.Contains(err.Error(), "exceeds the account limit") {
		t.Fatalf("err %v", err)
	}
	if left := fake.Stacks(); len(left) != 0 {
		t.Errorf("stacks left: %+v", left)
	}
	if fake.Calls("cloudformation:DeleteStack") != 2 {
		t.Errorf("DeleteStack called %d times, want 2", fake.Calls("cloudformation:DeleteStack"))
	}
	l, err := results.Read(o.OutDir)
	if err != nil || !l.Run.Partial {
		t.Errorf("results after a failed create: %v, %+v", err, l)
	}
}

func TestPlanRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Options)
		want   string
	}{
		{"parameter without default", func(o *Options) {
			o.Export = func(s *scenario.Scenario, id string) ([]Stack, error) {
				st, err := testExport(s, id)
				st[0].Template = []byte(`{"Parameters":{"VpcId":{"Type":"String"}},"Resources":{"A":{"Type":"AWS::EC2::VPC"}},"Outputs":{"EndpointURL":{"Value":"x"}}}`)
				return st, err
			}
		}, "--parameter VpcId=VALUE"},
		{"unknown parameter", func(o *Options) { o.Parameters = map[string]string{"Nope": "1"} }, "--parameter Nope"},
		{"no endpoint output", func(o *Options) {
			o.Export = func(s *scenario.Scenario, id string) ([]Stack, error) {
				return []Stack{{Platform: "ec2", Kind: "ec2", Name: "x", Template: []byte(`{"Resources":{"A":{"Type":"AWS::EC2::VPC"}}}`)}}, nil
			}
		}, "no EndpointURL output"},
		{"no image", func(o *Options) { o.ImageURI = "" }, "--image-uri"},
		{"bad run id", func(o *Options) { o.RunID = "Bad_ID" }, "--run-id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c := fakeAWS(t, awsfake.Config{})
			var out bytes.Buffer
			o := options(t, c, &out)
			tt.change(&o)
			_, err := Run(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, scenario.ErrInvalid) && tt.name != "no endpoint output" {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
			if fake.Calls("cloudformation:CreateStack") != 0 {
				t.Error("a stack was created")
			}
		})
	}
}

// The estimate is the hand computation from the catalog's rates.
func TestEstimateByHand(t *testing.T) {
	s, _ := testScenario(t)
	stacks, err := testExport(s, "r1")
	if err != nil {
		t.Fatal(err)
	}
	tpls := make([]*template, len(stacks))
	for i, st := range stacks {
		if tpls[i], err = parseTemplate(st.Name, st.Template); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	book, err := cat.Book("us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	const requests = 22.0
	dur := 30 * time.Minute
	e, err := estimate(stacks, tpls, s, book, dur, requests)
	if err != nil {
		t.Fatal(err)
	}
	od, _ := book.OnDemand("t3.micro")
	alb := book.MustRate(pricing.RateALBHour) + book.MustRate(pricing.RateALBLCUHour)
	lambda := requests*1*1*book.Tiers(pricing.RateLambdaX86GBSecond)[0].Rate + requests/1e6*book.MustRate(pricing.RateLambdaRequestsPerMillion)
	apigw := requests / 1e6 * book.Tiers(pricing.RateAPIGatewayHTTP)[0].Rate
	want := (od+alb)*0.5 + lambda + apigw
	if math.Abs(e.Total-want) > 1e-12 || len(e.Items) != 4 {
		t.Errorf("total %v, want %v; items %+v", e.Total, want, e.Items)
	}
}

func TestPlanned(t *testing.T) {
	s, err := scenario.Parse([]byte(`
name: p
app: {builtin: mlp}
load:
  executor: ramping_rate
  start_rate: 10
  stages: [{duration: 10s, target: 30}, {duration: 20s, target: 30}]
platforms: [{name: e, kind: ec2, settings: {instance_type: t3.micro}}]
`))
	if err != nil {
		t.Fatal(err)
	}
	ph, err := loadPhases(s, "")
	if err != nil {
		t.Fatal(err)
	}
	d, n := planned(ph[0].cfg)
	if d != 30*time.Second || n != 200+600 {
		t.Errorf("planned %v, %v requests; want 30s, 800", d, n)
	}
}

func TestCheckEndpoint(t *testing.T) {
	tests := []struct {
		endpoint string
		ci, ok   bool
	}{
		{"", false, true},
		{"", true, false},
		{"http://127.0.0.1:4566", true, true},
		{"http://localhost:4566", true, true},
		{"http://[::1]:4566", true, true},
		{"https://cloudformation.us-east-1.amazonaws.com", true, false},
		{"http://10.0.0.5:4566", true, false},
		{"https://cloudformation.us-east-1.amazonaws.com", false, true},
		{"127.0.0.1:4566", false, false},
	}
	for _, tt := range tests {
		err := CheckEndpoint(tt.endpoint, tt.ci)
		if (err == nil) != tt.ok {
			t.Errorf("CheckEndpoint(%q, ci=%v) = %v", tt.endpoint, tt.ci, err)
		}
	}
}

// Operations is kept in step with the interfaces the package calls AWS through.
func TestOperationsMatchInterfaces(t *testing.T) {
	var got []string
	for svc, typ := range map[string]reflect.Type{
		"cloudformation": reflect.TypeFor[CloudFormationAPI](),
		"cloudwatch":     reflect.TypeFor[CloudWatchAPI](),
		"sts":            reflect.TypeFor[STSAPI](),
	} {
		for i := 0; i < typ.NumMethod(); i++ {
			got = append(got, svc+":"+typ.Method(i).Name)
		}
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, Operations) {
		t.Errorf("interfaces call %v, Operations lists %v", got, Operations)
	}
}

func TestCleanupOlderThan(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	fake, c := fakeAWS(t, awsfake.Config{Clock: clock})
	tpl, _ := os.ReadFile("testdata/lambda.json")
	create := func(name string, tags map[string]string) {
		t.Helper()
		_, err := createOne(context.Background(), c.CloudFormation, stackCreate{stack: Stack{Name: name, Template: tpl},
			params: map[string]string{"ImageURI": "x"}, tags: tags}, time.Millisecond, time.Minute, &created{}, &lineWriter{w: &bytes.Buffer{}})
		if err != nil {
			t.Fatal(err)
		}
	}
	create("old", map[string]string{TagRunID: "r-old"})
	create("users-own", map[string]string{"team": "x"})
	mu.Lock()
	now = now.Add(3 * time.Hour)
	mu.Unlock()
	create("new", map[string]string{TagRunID: "r-new"})
	var out bytes.Buffer
	found, err := Cleanup(context.Background(), c, CleanupOptions{OlderThan: 2 * time.Hour, Yes: true, Poll: time.Millisecond, Now: clock, Out: &out})
	if err != nil || len(found) != 1 || found[0].Name != "old" {
		t.Fatalf("found %+v, err %v\n%s", found, err, out.String())
	}
	var names []string
	for _, s := range fake.Stacks() {
		names = append(names, s.Name)
	}
	if !reflect.DeepEqual(names, []string{"users-own", "new"}) {
		t.Errorf("stacks after cleanup: %v", names)
	}
	// Without --yes and without a terminal nothing is deleted.
	if _, err := Cleanup(context.Background(), c, CleanupOptions{Poll: time.Millisecond, Out: &out}); !errors.Is(err, ErrNotConfirmed) {
		t.Errorf("unconfirmed cleanup: %v", err)
	}
	if len(fake.Stacks()) != 2 {
		t.Error("an unconfirmed cleanup deleted stacks")
	}
}

func TestEstimateMixedInstances(t *testing.T) {
	tpl := []byte(`{"Resources":{"Group":{"Type":"AWS::AutoScaling::AutoScalingGroup","Properties":{"MaxSize":"2",
	  "MixedInstancesPolicy":{"LaunchTemplate":{"Overrides":[{"InstanceRequirements":{"VCpuCount":{"Min":2},"MemoryMiB":{"Min":4096},
	  "AllowedInstanceTypes":["m5.*","c5.*"]}}]}}}}},"Outputs":{"EndpointURL":{"Value":"x"}}}`)
	tp, err := parseTemplate("s", tpl)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	book, _ := cat.Book("us-east-1")
	items, _, err := priceStack(Stack{Name: "s"}, tp, nil, book, 1, 0, 0)
	if err != nil || len(items) != 1 {
		t.Fatalf("%v %+v", err, items)
	}
	od, _ := book.OnDemand("c5.large")
	if !strings.Contains(items[0].What, "2 × c5.large") || items[0].Hourly != 2*od {
		t.Errorf("item %+v, want 2 × c5.large at %v/h", items[0], od)
	}
}
