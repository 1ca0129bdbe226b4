package cfn

// Fn is an intrinsic function call: a JSON object with one key, the function's name
// (Ref, Fn::GetAtt, ...), whose value is the argument. Validation code recognises
// intrinsic values by that shape.
type Fn map[string]any

// Ref refers to a parameter's value, a resource's primary ID or a pseudo parameter.
func Ref(name string) Fn { return Fn{"Ref": name} }

// GetAtt reads an attribute of a resource.
func GetAtt(logicalID, attr string) Fn { return Fn{"Fn::GetAtt": []string{logicalID, attr}} }

// Sub substitutes ${Name} and ${Resource.Attr} in s.
func Sub(s string) Fn { return Fn{"Fn::Sub": s} }

// SubVars substitutes in s with extra variables.
func SubVars(s string, vars map[string]any) Fn { return Fn{"Fn::Sub": []any{s, vars}} }

// Join joins values with a separator.
func Join(sep string, values ...any) Fn { return Fn{"Fn::Join": []any{sep, values}} }

// Select picks the index-th element of a list.
func Select(index int, list any) Fn { return Fn{"Fn::Select": []any{index, list}} }

// GetAZs lists the availability zones of the stack's region.
func GetAZs() Fn { return Fn{"Fn::GetAZs": ""} }

// Base64 encodes a value (EC2 user data).
func Base64(v any) Fn { return Fn{"Fn::Base64": v} }

// If is v when the condition holds, else otherwise.
func If(condition string, v, otherwise any) Fn { return Fn{"Fn::If": []any{condition, v, otherwise}} }

// Equals is a condition: a equals b.
func Equals(a, b any) Fn { return Fn{"Fn::Equals": []any{a, b}} }

// Not negates a condition.
func Not(condition any) Fn { return Fn{"Fn::Not": []any{condition}} }

// Contains is a rule function: the list holds the value.
func Contains(list, value any) Fn { return Fn{"Fn::Contains": []any{list, value}} }

// Condition refers to a named condition inside another condition.
func Condition(name string) Fn { return Fn{"Condition": name} }

// NoValue removes a property when used as its value (usually inside If).
func NoValue() Fn { return Ref("AWS::NoValue") }

// Pseudo parameters CloudFormation defines in every template.
const (
	AccountID = "AWS::AccountId"
	Partition = "AWS::Partition"
	Region    = "AWS::Region"
	StackName = "AWS::StackName"
	StackID   = "AWS::StackId"
	URLSuffix = "AWS::URLSuffix"
	NoValueID = "AWS::NoValue"
	NotifARNs = "AWS::NotificationARNs"
)

// PseudoParameters are the names Ref accepts without a parameter or resource.
var PseudoParameters = []string{AccountID, Partition, Region, StackName, StackID, URLSuffix, NoValueID, NotifARNs}

// IsIntrinsic reports whether v, decoded from JSON, is an intrinsic function call: an
// object with one key, Ref, Condition or Fn::*.
func IsIntrinsic(v any) (name string, arg any, ok bool) {
	var m map[string]any
	switch x := v.(type) {
	case map[string]any:
		m = x
	case Fn:
		m = x
	default:
		return "", nil, false
	}
	if len(m) != 1 {
		return "", nil, false
	}
	for k, a := range m {
		if k == "Ref" || k == "Condition" || len(k) > 4 && k[:4] == "Fn::" {
			return k, a, true
		}
	}
	return "", nil, false
}
