package export

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/deploybench/deploybench/scenario"
)

// scenarios are every built-in scenario plus the testdata scenarios that reach the
// settings the built-ins leave out (Spot, step and simple policies, request-count
// tracking, attribute requirements, provisioned concurrency, ...).
func scenarios(t *testing.T) map[string]*scenario.Scenario {
	t.Helper()
	out := map[string]*scenario.Scenario{}
	for _, name := range scenario.BuiltinNames() {
		raw, err := scenario.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := scenario.Parse(raw)
		if err != nil {
			t.Fatalf("builtin:%s: %v", name, err)
		}
		out["builtin:"+name] = sc
		// The same platforms with the app as a container image (runtime: docker) and, for
		// the Lambda platforms alone, as a Lambda handler image.
		img := *sc
		img.Runtime, img.App.Builtin, img.App.Image = "docker", "", "example/app:1"
		img.App.Env = map[string]string{"MODEL": "svm"}
		if err := img.Validate(); err != nil {
			t.Fatalf("builtin:%s as an image: %v", name, err)
		}
		out["builtin:"+name+"+image"] = &img
		var fns []scenario.Platform
		for _, p := range sc.Platforms {
			if p.Kind == "lambda" {
				fns = append(fns, p)
			}
		}
		if len(fns) > 0 {
			h := img
			h.App.HandlerType, h.Platforms = scenario.HandlerRuntimeAPI, fns
			if err := h.Validate(); err != nil {
				t.Fatalf("builtin:%s as a Lambda handler: %v", name, err)
			}
			out["builtin:"+name+"+handler"] = &h
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	for _, f := range files {
		sc, err := scenario.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = sc
	}
	return out
}

func mustRegistry(t *testing.T) *registry {
	t.Helper()
	reg, err := loadRegistry()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestSchemas exports every platform of every scenario and validates each template.
func TestSchemas(t *testing.T) {
	reg := mustRegistry(t)
	kinds := map[string]bool{}
	for name, sc := range scenarios(t) {
		stacks, err := CloudFormation(sc, Options{RunID: "test", AllowedCIDR: "203.0.113.7/32"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(stacks) != len(sc.Platforms) {
			t.Fatalf("%s: %d stacks for %d platforms", name, len(stacks), len(sc.Platforms))
		}
		for _, st := range stacks {
			kinds[st.Kind] = true
			t.Run(strings.ReplaceAll(name+"/"+st.Platform, " ", "_"), func(t *testing.T) {
				for _, p := range validate(reg, decodeTemplate(t, st.Template)) {
					t.Error(p)
				}
				b, err := st.Template.JSON()
				if err != nil {
					t.Fatal(err)
				}
				// CreateStack takes a TemplateBody of at most 51,200 bytes; larger ones must
				// go through S3.
				if len(b) > 51200 {
					t.Errorf("template is %d bytes, over CloudFormation's 51,200-byte TemplateBody limit", len(b))
				}
				if len(st.Name) > 128 || !stackNameOK.MatchString(st.Name) {
					t.Errorf("stack name %q is not valid", st.Name)
				}
			})
		}
	}
	for _, k := range scenario.Kinds {
		if !kinds[k] {
			t.Errorf("no scenario exports a %s platform", k)
		}
	}
}

// TestBrokenTemplates: each deliberately broken template fails with the specific error.
func TestBrokenTemplates(t *testing.T) {
	reg := mustRegistry(t)
	raw, _ := scenario.Builtin("demo")
	sc, err := scenario.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	stacks, err := CloudFormation(sc, Options{RunID: "test"})
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string]Stack{}
	for _, s := range stacks {
		byKind[s.Kind] = s
	}
	props := func(doc map[string]any, id string) map[string]any {
		return doc["Resources"].(map[string]any)[id].(map[string]any)["Properties"].(map[string]any)
	}
	for _, tc := range []struct {
		name   string
		kind   string
		breaks func(doc map[string]any)
		// want matches the one expected problem.
		id, path, check string
		want            func(p problem) bool
	}{
		{name: "missing required property", kind: "lambda", id: idFunction, path: "/Properties", check: "schema",
			breaks: func(doc map[string]any) { delete(props(doc, idFunction), "Role") },
			want: func(p problem) bool {
				k, ok := p.Kind.(*kind.Required)
				return ok && len(k.Missing) == 1 && k.Missing[0] == "Role"
			}},
		{name: "unknown property", kind: "fargate", id: idTargetGroup, path: "/Properties", check: "schema",
			breaks: func(doc map[string]any) { props(doc, idTargetGroup)["HealthCheckPathh"] = "/healthz" },
			want: func(p problem) bool {
				k, ok := p.Kind.(*kind.AdditionalProperties)
				return ok && len(k.Properties) == 1 && k.Properties[0] == "HealthCheckPathh"
			}},
		{name: "bad enum value", kind: "lambda", id: idFunction, path: "/Properties/PackageType", check: "schema",
			breaks: func(doc map[string]any) { props(doc, idFunction)["PackageType"] = "Docker" },
			want: func(p problem) bool {
				k, ok := p.Kind.(*kind.Enum)
				return ok && k.Got == "Docker"
			}},
		{name: "bad enum value in a nested definition", kind: "fargate", id: idService, path: "/Properties/NetworkConfiguration/AwsvpcConfiguration/AssignPublicIp", check: "schema",
			breaks: func(doc map[string]any) {
				props(doc, idService)["NetworkConfiguration"].(map[string]any)["AwsvpcConfiguration"].(map[string]any)["AssignPublicIp"] = "YES"
			},
			want: func(p problem) bool { _, ok := p.Kind.(*kind.Enum); return ok }},
		{name: "wrong type", kind: "lambda", id: idFunction, path: "/Properties/MemorySize", check: "schema",
			breaks: func(doc map[string]any) { props(doc, idFunction)["MemorySize"] = "1769" },
			want:   func(p problem) bool { _, ok := p.Kind.(*kind.Type); return ok }},
		{name: "dangling Ref", kind: "fargate", id: idService, path: "/Properties/Cluster", check: "ref",
			breaks: func(doc map[string]any) { props(doc, idService)["Cluster"] = map[string]any{"Ref": "NoSuchCluster"} },
			want:   func(p problem) bool { return strings.Contains(p.Msg, `"NoSuchCluster"`) }},
		{name: "dangling GetAtt", kind: "lambda", id: idFunction, path: "/Properties/Role", check: "getatt",
			breaks: func(doc map[string]any) {
				props(doc, idFunction)["Role"] = map[string]any{"Fn::GetAtt": []any{"NoSuchRole", "Arn"}}
			},
			want: func(p problem) bool { return strings.Contains(p.Msg, `"NoSuchRole"`) }},
		{name: "GetAtt of an attribute the type lacks", kind: "lambda", id: idFunction, path: "/Properties/Role", check: "getatt",
			breaks: func(doc map[string]any) {
				props(doc, idFunction)["Role"] = map[string]any{"Fn::GetAtt": []any{idFunctionRole, "Nope"}}
			},
			want: func(p problem) bool { return strings.Contains(p.Msg, "has no attribute Nope") }},
		{name: "dangling Sub variable", kind: "fargate", id: "Outputs." + OutputEndpoint, path: "/Value", check: "getatt",
			breaks: func(doc map[string]any) {
				doc["Outputs"].(map[string]any)[OutputEndpoint].(map[string]any)["Value"] = map[string]any{"Fn::Sub": "http://${Gone.DNSName}"}
			},
			want: func(p problem) bool { return strings.Contains(p.Msg, `"Gone"`) }},
		{name: "resource without the run-id tag", kind: "fargate", id: idCluster, path: "/Properties/Tags", check: "tags",
			breaks: func(doc map[string]any) {
				var keep []any
				for _, tag := range props(doc, idCluster)["Tags"].([]any) {
					if tag.(map[string]any)["Key"] != TagRunID {
						keep = append(keep, tag)
					}
				}
				props(doc, idCluster)["Tags"] = keep
			},
			want: func(p problem) bool { return strings.Contains(p.Msg, TagRunID) }},
		{name: "target open to the internet", kind: "asg", id: idTargetSG, path: "/Properties/SecurityGroupIngress/0", check: "ingress",
			breaks: func(doc map[string]any) {
				rule := props(doc, idTargetSG)["SecurityGroupIngress"].([]any)[0].(map[string]any)
				delete(rule, "SourceSecurityGroupId")
				rule["CidrIp"] = "0.0.0.0/0"
			},
			want: func(p problem) bool { return strings.Contains(p.Msg, "0.0.0.0/0") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, ok := byKind[tc.kind]
			if !ok {
				t.Fatalf("demo has no %s platform", tc.kind)
			}
			doc := decodeTemplate(t, st.Template)
			if ps := validate(reg, doc); len(ps) != 0 {
				t.Fatalf("the unbroken template fails: %v", ps)
			}
			tc.breaks(doc)
			ps := validate(reg, doc)
			if len(ps) != 1 {
				t.Fatalf("want exactly one problem, got %d: %v", len(ps), ps)
			}
			p := ps[0]
			if p.LogicalID != tc.id || p.Path != tc.path || p.Check != tc.check || !tc.want(p) {
				t.Fatalf("got %v (kind %T), want a %s problem at %s%s", p, p.Kind, tc.check, tc.id, tc.path)
			}
		})
	}
}

// TestIntrinsicsSkipped: an intrinsic function where the schema wants a number or an
// object is not a schema error (it is resolved at deploy time), and a real error beside
// it is still found.
func TestIntrinsicsSkipped(t *testing.T) {
	reg := mustRegistry(t)
	s := reg.schemas["AWS::Lambda::Function"]
	doc := map[string]any{
		"Code":       map[string]any{"ImageUri": map[string]any{"Ref": "ImageUri"}},
		"Role":       map[string]any{"Fn::GetAtt": []any{"R", "Arn"}},
		"MemorySize": map[string]any{"Ref": "Memory"},
		"Timeout":    map[string]any{"Fn::If": []any{"C", 3, 900}},
	}
	err := s.Validate(doc)
	if err == nil {
		t.Fatal("want the raw validation to fail on the intrinsic MemorySize")
	}
	if f := failing(err.(*jsonschema.ValidationError), intrinsicPaths(doc, "")); len(f) != 0 {
		t.Fatalf("intrinsic values were not skipped: %v", f)
	}
	doc["PackageType"] = "Docker"
	err = s.Validate(doc)
	if f := failing(err.(*jsonschema.ValidationError), intrinsicPaths(doc, "")); len(f) != 1 {
		t.Fatalf("want the PackageType error only, got %v", f)
	}
}

// TestSchemaFilesAreUsed: every schema in testdata is the schema of a type the export
// emits (none is copied without need), and NOTICE and LICENSE are beside them.
func TestSchemaFilesAreUsed(t *testing.T) {
	reg := mustRegistry(t)
	used := map[string]bool{}
	for _, sc := range scenarios(t) {
		stacks, err := CloudFormation(sc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range stacks {
			for _, r := range st.Resources() {
				used[r.Type] = true
			}
		}
	}
	for typ := range reg.schemas {
		if !used[typ] {
			t.Errorf("testdata/schemas holds %s, which no exported template uses", typ)
		}
	}
	for _, f := range []string{"LICENSE", "NOTICE"} {
		if _, err := os.Stat(filepath.Join("testdata", "schemas", f)); err != nil {
			t.Error(err)
		}
	}
}

var stackNameOK = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)
