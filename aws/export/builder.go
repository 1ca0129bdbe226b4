package export

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/scenario"
)

// builder fills the template of one platform.
type builder struct {
	sc    *scenario.Scenario
	p     scenario.Platform
	opts  Options
	t     *cfn.Template
	notes []string
}

func newBuilder(sc *scenario.Scenario, p scenario.Platform, opts Options) *builder {
	b := &builder{sc: sc, p: p, opts: opts, t: cfn.New("")}
	b.commonParameters()
	return b
}

// finish drops the parameters nothing refers to (a function needs no VPC, CIDR or, as
// a Lambda handler, port), so that creating the stack asks only for what it uses, and
// describes the template.
func (b *builder) finish() error {
	raw, err := b.t.JSON()
	if err != nil {
		return err
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	used := map[string]bool{}
	referencedNames(doc, used)
	for name := range b.t.Parameters {
		if !used[name] {
			delete(b.t.Parameters, name)
		}
	}
	desc := fmt.Sprintf("deploybench scenario %q, platform %q (%s), exported from the scenario's settings. Parameters: %s (required)",
		b.sc.Name, b.p.Name, b.p.Kind, ParamImageURI)
	if _, ok := b.t.Parameters[ParamVpcID]; ok {
		desc += fmt.Sprintf("; %s and %s (empty: a VPC with two public subnets is created)", ParamVpcID, ParamSubnetIDs)
	}
	if _, ok := b.t.Parameters[ParamAllowedCidr]; ok {
		desc += "; " + ParamAllowedCidr + " (who may reach the endpoint)"
	}
	b.t.Description = desc + "; " + ParamRunID + " (the run-id tag)."
	return nil
}

var subName = regexp.MustCompile(`\$\{([^!}][^}.]*)[}.]`)

// referencedNames adds every name a Ref or an Fn::Sub ${...} in v refers to.
func referencedNames(v any, used map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		if name, arg, ok := cfn.IsIntrinsic(x); ok {
			switch name {
			case "Ref":
				if s, ok := arg.(string); ok {
					used[s] = true
				}
			case "Fn::Sub":
				str, _ := arg.(string)
				if a, ok := arg.([]any); ok && len(a) > 0 {
					str, _ = a[0].(string)
				}
				for _, m := range subName.FindAllStringSubmatch(str, -1) {
					used[m[1]] = true
				}
			}
		}
		for _, e := range x {
			referencedNames(e, used)
		}
	case []any:
		for _, e := range x {
			referencedNames(e, used)
		}
	}
}

// note records a difference between the template and the local model.
func (b *builder) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

// add adds a resource.
func (b *builder) add(id, typ string, props any, dependsOn ...string) {
	b.t.Add(id, cfn.Resource{Type: typ, Properties: props, DependsOn: dependsOn})
}

func (b *builder) commonParameters() {
	allowed := cfn.Parameter{Type: "String",
		Description:           "IPv4 range allowed to reach the endpoint, e.g. your address/32. No default unless the export named one: nothing is open to the internet unless you say so.",
		AllowedPattern:        `^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$`,
		ConstraintDescription: "an IPv4 CIDR such as 203.0.113.7/32"}
	if b.opts.AllowedCIDR != "" {
		allowed.Default = b.opts.AllowedCIDR
	}
	b.t.Parameters[ParamImageURI] = cfn.Parameter{Type: "String",
		Description: "Container image the platform runs (an ECR URI such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:tag)"}
	b.t.Parameters[ParamVpcID] = cfn.Parameter{Type: "String", Default: "",
		Description: "Existing VPC to use; empty creates a VPC with two public subnets in two availability zones"}
	b.t.Parameters[ParamSubnetIDs] = cfn.Parameter{Type: "CommaDelimitedList", Default: "",
		Description: "Two or more public subnets of VpcId in different availability zones (used only when VpcId is set)"}
	b.t.Parameters[ParamAllowedCidr] = allowed
	b.t.Parameters[ParamRunID] = cfn.Parameter{Type: "String", Default: b.opts.RunID,
		Description: "Run id the resources are tagged with (" + TagRunID + ")", AllowedPattern: `^[a-z0-9][a-z0-9-]{0,31}$`}
	b.t.Parameters[ParamAppPort] = cfn.Parameter{Type: "Number", Default: fmt.Sprint(DefaultAppPort),
		Description: "Port the app listens on in its container (it is also given as PORT)"}
}

// tags are the tags of every taggable resource.
func (b *builder) tags() []cfn.Tag {
	return []cfn.Tag{
		{Key: TagRunID, Value: cfn.Ref(ParamRunID)},
		{Key: TagScenario, Value: tagValue(b.sc.Name)},
		{Key: TagPlatform, Value: tagValue(b.p.Name)},
	}
}

// namedTags adds a Name tag (shown in the EC2 console).
func (b *builder) namedTags(name string) []cfn.Tag {
	return append(b.tags(), cfn.Tag{Key: "Name", Value: cfn.Sub("${AWS::StackName}-" + name)})
}

// asgTags are the tags of an Auto Scaling group, propagated to its instances.
func (b *builder) asgTags() []cfn.ASGTag {
	var out []cfn.ASGTag
	for _, t := range b.namedTags("instance") {
		out = append(out, cfn.ASGTag{Key: t.Key, Value: t.Value, PropagateAtLaunch: true})
	}
	return out
}

// mapTags are the tags of resource types that take a map (API Gateway v2).
func (b *builder) mapTags() map[string]any {
	m := map[string]any{}
	for _, t := range b.tags() {
		m[t.Key] = t.Value
	}
	return m
}

// output sets the EndpointURL output.
func (b *builder) output(value any, description string) {
	b.t.Outputs[OutputEndpoint] = cfn.Output{Description: description, Value: value}
}

// role adds an IAM role the service principal assumes.
func (b *builder) role(id, service, description string, managed []any, inline ...cfn.InlinePolicy) {
	b.add(id, cfn.TypeRole, cfn.Role{AssumeRolePolicyDocument: cfn.TrustPolicy(service), Description: description,
		ManagedPolicyArns: managed, Policies: inline, Tags: b.tags()})
}

// managedPolicy is the ARN of an AWS managed policy in the stack's partition.
func managedPolicy(path string) any {
	return cfn.Sub("arn:${AWS::Partition}:iam::aws:policy/" + path)
}

// ecrPull is the inline policy that lets a role pull images from ECR. The repository is
// not known to the template (ImageUri is a parameter and may name another account), so
// the pull actions are granted on any repository; they only read images.
func ecrPull() cfn.InlinePolicy {
	return cfn.InlinePolicy{PolicyName: "ecr-pull", PolicyDocument: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: []cfn.Statement{{
		Effect: "Allow", Resource: "*",
		Action: []string{"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
	}}}}
}

// logWrite lets a role write to one log group.
func logWrite(logGroupID string) cfn.InlinePolicy {
	return cfn.InlinePolicy{PolicyName: "logs-write", PolicyDocument: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: []cfn.Statement{{
		Effect: "Allow", Resource: cfn.GetAtt(logGroupID, "Arn"),
		Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"},
	}}}}
}

// logGroup adds the log group of the app's output, kept one day: a benchmark's logs are
// for debugging the run, not for keeping.
func (b *builder) logGroup(id string) {
	b.add(id, cfn.TypeLogGroup, cfn.LogGroup{RetentionInDays: 1, Tags: b.tags()})
}

// archNote tells that ImageUri must run on arm64 when the platform does.
func (b *builder) archNote(arch string) {
	if arch == "arm64" {
		b.note("arm64: ImageUri must be an arm64 (or multi-architecture) image")
	}
}

// seconds converts a duration setting to whole seconds, rounding up so that a short
// non-zero setting never becomes 0.
func seconds(d interface{ Seconds() float64 }) int {
	s := d.Seconds()
	n := int(s)
	if float64(n) < s {
		n++
	}
	return n
}

// clamp bounds v to [lo, hi] and notes the change under field.
func (b *builder) clamp(field string, v, lo, hi int) int {
	switch {
	case v < lo:
		b.note("%s: %d is below AWS's minimum %d; exported as %d", field, v, lo, lo)
		return lo
	case v > hi:
		b.note("%s: %d is above AWS's maximum %d; exported as %d", field, v, hi, hi)
		return hi
	}
	return v
}
