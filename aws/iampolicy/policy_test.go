package iampolicy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// policyFile is the published policy, relative to this package.
var policyFile = filepath.Join("..", "..", "docs", "aws-iam-policy.json")

// repoRoot is the module root, relative to this package.
const repoRoot = "../.."

// testSupport are the package path segments that only tests and the offline demo run:
// they serve fake AWS APIs and never call real AWS.
var testSupport = []string{"awsfake", "testdata"}

func loadPolicy(t *testing.T) *Document {
	t.Helper()
	data, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPolicyCoversSDKCalls is the guard: every SDK operation the repository's code calls
// (found by type-checking it) and every registry action a push needs must be allowed by
// docs/aws-iam-policy.json.
func TestPolicyCoversSDKCalls(t *testing.T) {
	d := loadPolicy(t)
	calls, err := Scan(repoRoot, testSupport, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 {
		t.Fatal("the scan found no SDK call at all; it is broken")
	}
	for _, c := range calls {
		a, err := c.Action()
		if err != nil {
			t.Error(err)
			continue
		}
		if !d.Allows(a) {
			t.Errorf("%s calls %s, which %s does not allow: add %q to it", c.Pos, a, policyFile, a)
		}
	}
	for _, a := range append(append([]string(nil), PushActions...), StackActions...) {
		if !d.Allows(a) {
			t.Errorf("%s does not allow %s: add it", policyFile, a)
		}
	}
}

// TestPolicyFitsAManagedPolicy checks the size limit of a customer managed policy
// (6,144 characters without whitespace, IAM quotas page), so users can attach it as is.
func TestPolicyFitsAManagedPolicy(t *testing.T) {
	data, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`\s`).ReplaceAll(data, nil)); n > 6144 {
		t.Errorf("%s has %d non-whitespace characters, over IAM's 6,144 for a managed policy", policyFile, n)
	}
}

// TestPolicyScoped checks that nothing grants a whole service and that IAM and
// CloudFormation writes are confined to deploybench-* names.
func TestPolicyScoped(t *testing.T) {
	d := loadPolicy(t)
	for _, s := range d.Statement {
		for _, a := range s.Action {
			if a == "*" || strings.HasSuffix(a, ":*") {
				t.Errorf("statement %s grants %s: name the actions", s.Sid, a)
			}
			if strings.HasPrefix(a, "iam:") && a != "iam:CreateServiceLinkedRole" {
				for _, r := range s.Resource {
					if !strings.Contains(r, "/deploybench-") {
						t.Errorf("statement %s grants %s on %s: scope it to deploybench-* roles", s.Sid, a, r)
					}
				}
			}
			if a == "cloudformation:CreateStack" || a == "cloudformation:DeleteStack" {
				if !slices.Equal(s.Resource, StringList{"arn:aws:cloudformation:*:*:stack/deploybench-*/*"}) {
					t.Errorf("statement %s grants %s on %v: scope it to deploybench-* stacks", s.Sid, a, s.Resource)
				}
			}
		}
	}
}

// without returns a copy of d with action removed from every statement's exact list.
func without(t *testing.T, d *Document, action string) *Document {
	t.Helper()
	b, _ := json.Marshal(d)
	var c Document
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	for i := range c.Statement {
		c.Statement[i].Action = slices.DeleteFunc(c.Statement[i].Action, func(a string) bool { return a == action })
	}
	return &c
}

// TestMissingActionFails removes, one at a time, each action the code calls and checks
// the coverage check names it.
func TestMissingActionFails(t *testing.T) {
	d := loadPolicy(t)
	tests := []string{
		"cloudformation:CreateStack", "cloudformation:DeleteStack", "cloudformation:DescribeStackEvents",
		"cloudwatch:GetMetricData", "ecr:GetAuthorizationToken", "ecr:CreateRepository",
		"ecr:PutImage", "sts:GetCallerIdentity", "iam:PassRole",
	}
	for _, action := range tests {
		t.Run(action, func(t *testing.T) {
			if !d.Allows(action) {
				t.Fatalf("the published policy does not allow %s", action)
			}
			broken := without(t, d, action)
			if got := broken.Missing([]string{action, "sts:GetCallerIdentity"}); len(got) == 0 || got[0] != action && !slices.Contains(got, action) {
				t.Fatalf("Missing = %v, want it to name %s", got, action)
			}
		})
	}
}

func TestAllows(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":["ec2:Describe*","S3:GetObject","lambda:Get?"],"Resource":"*"},
	 {"Effect":"Allow","Action":"ecr:PutImage","Resource":"*"},
	 {"Effect":"Allow","Action":"iam:PassRole","Resource":"*"},
	 {"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}]}`
	d, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		action string
		want   bool
	}{
		{"ec2:DescribeVpcs", true}, {"EC2:describeVPCS", true}, {"ec2:CreateVpc", false},
		{"s3:getobject", true}, {"ecr:PutImage", true}, {"ecr:PutImageX", false},
		{"lambda:GetX", true}, {"lambda:Get", false}, {"iam:PassRole", false}, {"sts:GetCallerIdentity", false},
	} {
		if got := d.Allows(tt.action); got != tt.want {
			t.Errorf("Allows(%s) = %v, want %v", tt.action, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"not json", `{`, "want a JSON policy document"},
		{"old version", `{"Version":"2008-10-17","Statement":[]}`, `use "2012-10-17"`},
		{"no statements", `{"Version":"2012-10-17","Statement":[]}`, "Statement is empty"},
		{"bad effect", `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"a:b","Resource":"*"}]}`, "Effect"},
		{"not action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"a:b","Resource":"*"}]}`, "NotAction"},
		{"no resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b"}]}`, "Resource is empty"},
		{"bad action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecrPutImage","Resource":"*"}]}`, "write service:Action"},
		{"unknown field", `{"Version":"2012-10-17","Statment":[]}`, "unknown field"},
		{"action number", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":3,"Resource":"*"}]}`, "string or a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse = %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

// TestScanFixture checks each way of reaching an operation on a fixture package.
func TestScanFixture(t *testing.T) {
	calls, err := Scan(".", nil, "./testdata/calls")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range calls {
		a, err := c.Action()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(c.Pos, "testdata/calls/calls.go:") {
			t.Errorf("%s: position %q not relative to the scanned root", a, c.Pos)
		}
		got = append(got, a)
	}
	want := []string{"cloudformation:DeleteStack", "cloudformation:ListStacks", "ecr:PutImage", "sts:GetCallerIdentity"}
	if !slices.Equal(got, want) {
		t.Errorf("Scan found %v, want %v", got, want)
	}
}

func TestUnknownServiceHasNoAction(t *testing.T) {
	_, err := Call{Service: "s3", Op: "GetObject", Pos: "x.go:1"}.Action()
	if err == nil || !strings.Contains(err.Error(), "add it to iamPrefixes") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	data, _ := os.ReadFile(policyFile)
	f.Add(data)
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse(b)
		if err != nil {
			return
		}
		for _, a := range d.Actions() {
			if !strings.Contains(a, ":") {
				t.Fatalf("accepted action %q", a)
			}
		}
		_ = d.Allows("ecr:PutImage")
	})
}

func FuzzMatch(f *testing.F) {
	f.Add("ec2:Describe*", "ec2:DescribeVpcs")
	f.Add("*a*b?c", "xxaxxbyc")
	f.Fuzz(func(t *testing.T, p, s string) {
		if !strings.ContainsAny(s, "*?") && !match(s, s) {
			t.Fatalf("%q does not match itself", s)
		}
		if !match("*", s) {
			t.Fatalf("* does not match %q", s)
		}
		_ = match(p, s)
	})
}
