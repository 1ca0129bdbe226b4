// Package cfn is a small typed model of an AWS CloudFormation template: the template
// itself, its parameters, conditions, resources and outputs, the intrinsic functions
// (Ref, Fn::GetAtt, Fn::Sub, ...) and typed property structs for the resource types
// deploybench exports. Templates are built from these Go values and written as JSON with
// (*Template).JSON, so that the export is checked by the compiler and the same scenario
// always gives the same bytes.
//
// The property structs cover only the properties deploybench sets; their JSON names are
// the CloudFormation property names, and every field is omitted when empty so that
// CloudFormation's own defaults apply. Any field that may hold an intrinsic function is
// typed any.
package cfn
