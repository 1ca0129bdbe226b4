package export

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"

	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/scenario"
)

// Options tune an export.
type Options struct {
	// RunID names and tags the stacks of one run (lower-case letters, digits and
	// hyphens, at most 32 characters). Empty: DefaultRunID.
	RunID string
	// AllowedCIDR is the IPv4 range allowed to reach the endpoint (the ALB, or the
	// instance of an ec2 platform), e.g. "203.0.113.7/32". It becomes the AllowedCidr
	// parameter's default. Empty (the default) leaves the parameter without a default, so
	// that CloudFormation refuses to create a stack until someone names the range on
	// purpose: nothing is ever opened to the whole internet by default.
	AllowedCIDR string
	// ManagedInstances exports ecs-mi platforms as ECS Managed Instances proper: an
	// AWS::ECS::CapacityProvider with ManagedInstancesProvider. Off (the default), they
	// are exported as an Auto Scaling group capacity provider with the same attribute-based
	// instance selection, because the registry schema the tests validate against lacks
	// ManagedInstancesProvider; with it on, that one resource is checked only against newer
	// schemas (see docs/export.md).
	ManagedInstances bool
}

// DefaultRunID is the run id of an export that names none.
const DefaultRunID = "export"

// ErrInvalid marks errors caused by the scenario or the options; the CLI exits 2.
var ErrInvalid = errors.New("invalid export input")

// Names shared with the deploying side: the template parameters, the endpoint output
// and the tag keys.
const (
	ParamImageURI    = "ImageUri"
	ParamVpcID       = "VpcId"
	ParamSubnetIDs   = "SubnetIds"
	ParamAllowedCidr = "AllowedCidr"
	ParamRunID       = "RunId"
	ParamAppPort     = "AppPort"
	ParamAmiID       = "AmiId"
	OutputEndpoint   = "EndpointURL"
	// OutputLogGroup (ECS and Lambda stacks), OutputCluster and OutputService (ECS
	// stacks) name what a run reads back besides the stack's resources.
	OutputLogGroup = "LogGroupName"
	OutputCluster  = "ClusterName"
	OutputService  = "ServiceName"

	TagRunID    = "deploybench:run-id"
	TagScenario = "deploybench:scenario"
	TagPlatform = "deploybench:platform"
)

// DefaultAppPort is the port the app listens on inside its container: deploybench's
// images read PORT and default to 8080.
const DefaultAppPort = 8080

// Stack is the template of one platform of a scenario.
type Stack struct {
	// Platform is the scenario platform's name.
	Platform string
	// Kind is the platform kind: ec2, asg, ecs-ec2, fargate, ecs-mi or lambda.
	Kind string
	// Name is a valid CloudFormation stack name:
	// deploybench-<scenario>-<platform>-<runid>, sanitised, at most 128 characters.
	Name string
	// Template is the CloudFormation template.
	Template *cfn.Template
	// Notes say where the template differs from the scenario's local model (a value AWS
	// does not accept, a feature the schema lacks), one sentence each.
	Notes []string
}

// Resource is one resource of a stack, for a plan printout.
type Resource struct {
	LogicalID string
	Type      string
	// Condition is set when the resource is created only under a condition (the VPC
	// resources: only when no VpcId is given).
	Condition string
}

// Resources lists the stack's resources sorted by logical ID.
func (s Stack) Resources() []Resource {
	var out []Resource
	for _, id := range s.Template.LogicalIDs() {
		r := s.Template.Resources[id]
		out = append(out, Resource{LogicalID: id, Type: r.Type, Condition: r.Condition})
	}
	return out
}

// ParameterNames lists the template's parameters, sorted. A template has only the
// parameters it uses: ImageUri and RunId always; VpcId, SubnetIds and AllowedCidr
// unless it is a function's; AppPort unless it is a Lambda handler's; AmiId where
// instances are launched (with a default).
func (s Stack) ParameterNames() []string {
	names := make([]string, 0, len(s.Template.Parameters))
	for k := range s.Template.Parameters {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Capabilities are what CreateStack must acknowledge: the templates create IAM roles
// (with generated names, so CAPABILITY_NAMED_IAM is not needed).
var Capabilities = []string{"CAPABILITY_IAM"}

// FileName is a file name for the stack's template: the sanitised platform name plus
// ".json".
func (s Stack) FileName() string { return sanitize(s.Platform, 64) + ".json" }

var runIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// Validate checks the options, naming the field and the fix.
func (o Options) Validate() error {
	if err := ValidRunID(o.RunID); o.RunID != "" && err != nil {
		return fmt.Errorf("%w: run id: %v", ErrInvalid, err)
	}
	if err := ValidCIDR(o.AllowedCIDR); o.AllowedCIDR != "" && err != nil {
		return fmt.Errorf("%w: allowed CIDR: %v", ErrInvalid, err)
	}
	return nil
}

// ValidRunID reports whether id can name and tag stacks, saying how to fix it.
func ValidRunID(id string) error {
	if !runIDPattern.MatchString(id) {
		return fmt.Errorf("%q is not a run id: use 1–32 lower-case letters, digits and hyphens, starting with a letter or digit", id)
	}
	return nil
}

// ValidCIDR reports whether s is an IPv4 range security groups accept, saying how to
// fix it.
func ValidCIDR(s string) error {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil || !p.Addr().Is4():
		return fmt.Errorf("%q is not an IPv4 range: write one like 203.0.113.7/32", s)
	case p.Masked() != p:
		return fmt.Errorf("%q has host bits set: did you mean %s?", s, p.Masked())
	}
	return nil
}

// CloudFormation builds one stack per platform of sc, in the scenario's order.
func CloudFormation(sc *scenario.Scenario, opts Options) ([]Stack, error) {
	if sc == nil {
		return nil, fmt.Errorf("%w: no scenario", ErrInvalid)
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.RunID == "" {
		opts.RunID = DefaultRunID
	}
	var stacks []Stack
	names := map[string]string{}
	files := map[string]string{}
	for i, p := range sc.Platforms {
		build, ok := builders[p.Kind]
		if !ok {
			return nil, fmt.Errorf("%w: platforms[%d].kind: %q cannot be exported (kinds: %s)", ErrInvalid, i, p.Kind, strings.Join(Kinds(), ", "))
		}
		b := newBuilder(sc, p, opts)
		if err := build(b); err != nil {
			return nil, fmt.Errorf("%w: platforms[%d] (%s): %v", ErrInvalid, i, p.Name, err)
		}
		if err := b.finish(); err != nil {
			return nil, err
		}
		st := Stack{Platform: p.Name, Kind: p.Kind, Name: StackName(sc.Name, p.Name, opts.RunID), Template: b.t, Notes: b.notes}
		if other, dup := names[st.Name]; dup {
			return nil, fmt.Errorf("%w: platforms %q and %q give the same stack name %s (rename one)", ErrInvalid, other, p.Name, st.Name)
		}
		if other, dup := files[st.FileName()]; dup {
			return nil, fmt.Errorf("%w: platforms %q and %q give the same file name %s (rename one)", ErrInvalid, other, p.Name, st.FileName())
		}
		names[st.Name], files[st.FileName()] = p.Name, p.Name
		stacks = append(stacks, st)
	}
	return stacks, nil
}

// builders maps a platform kind to the function that fills its template.
var builders = map[string]func(*builder) error{}

// Kinds lists the platform kinds that can be exported.
func Kinds() []string {
	var ks []string
	for k := range builders {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// StackName is deploybench-<scenario>-<platform>-<runid>, reduced to what CloudFormation
// accepts (letters, digits, hyphens, starting with a letter, at most 128 characters); a
// name that would be longer is cut and ends in a hash of the whole so that names stay
// distinct.
func StackName(scenarioName, platform, runID string) string {
	full := sanitize("deploybench-"+scenarioName+"-"+platform+"-"+runID, 1<<10)
	full = strings.ReplaceAll(full, ".", "-")
	full = strings.ReplaceAll(full, "_", "-")
	full = collapse(full)
	if len(full) <= 128 {
		return full
	}
	sum := sha256.Sum256([]byte(full))
	return strings.TrimRight(full[:119], "-") + "-" + hex.EncodeToString(sum[:4])
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9._-]+`)

// sanitize lower-cases s and replaces runs of other characters with one hyphen.
func sanitize(s string, maxLen int) string {
	s = unsafeChars.ReplaceAllString(strings.ToLower(s), "-")
	s = strings.Trim(collapse(s), "-.")
	if s == "" {
		s = "x"
	}
	if len(s) > maxLen {
		s = strings.TrimRight(s[:maxLen], "-.")
	}
	return s
}

func collapse(s string) string {
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	return s
}

var tagUnsafe = regexp.MustCompile(`[^\p{L}\p{Z}\p{N}_.:/=+\-@]+`)

// tagValue reduces s to the characters AWS tag values accept, at most 256.
func tagValue(s string) string {
	s = tagUnsafe.ReplaceAllString(s, "-")
	if len(s) > 256 {
		s = s[:256]
	}
	return s
}
