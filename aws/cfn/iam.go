package cfn

// Resource type names of IAM.
const (
	TypeRole            = "AWS::IAM::Role"
	TypeInstanceProfile = "AWS::IAM::InstanceProfile"
)

// Role is AWS::IAM::Role.
type Role struct {
	AssumeRolePolicyDocument PolicyDocument `json:"AssumeRolePolicyDocument"`
	Description              string         `json:"Description,omitempty"`
	ManagedPolicyArns        []any          `json:"ManagedPolicyArns,omitempty"`
	Policies                 []InlinePolicy `json:"Policies,omitempty"`
	Tags                     []Tag          `json:"Tags,omitempty"`
}

// InlinePolicy is a policy embedded in a role.
type InlinePolicy struct {
	PolicyName     string         `json:"PolicyName"`
	PolicyDocument PolicyDocument `json:"PolicyDocument"`
}

// PolicyDocument is an IAM policy (or trust policy) document.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document.
type Statement struct {
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    []string       `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
	Sid       string         `json:"Sid,omitempty"`
}

// PolicyVersion is the current IAM policy language version.
const PolicyVersion = "2012-10-17"

// TrustPolicy lets an AWS service (e.g. "ecs-tasks.amazonaws.com") assume a role.
func TrustPolicy(service string) PolicyDocument {
	return PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Effect: "Allow", Principal: map[string]any{"Service": []string{service}}, Action: []string{"sts:AssumeRole"}}}}
}

// InstanceProfile is AWS::IAM::InstanceProfile.
type InstanceProfile struct {
	Roles []any `json:"Roles"`
}
