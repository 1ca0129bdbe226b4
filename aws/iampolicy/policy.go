// Package iampolicy keeps deploybench's published IAM policy (docs/aws-iam-policy.json)
// honest: it parses an IAM policy document, answers whether it allows an action, and
// finds — by type-checking the repository's Go code — every AWS SDK operation the code
// calls, so a test fails the day a new call lands without a policy entry.
package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Document is an IAM policy document (the subset deploybench's policy uses).
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy. Action, NotAction and Resource accept IAM's
// string-or-list form.
type Statement struct {
	Sid       string          `json:"Sid,omitempty"`
	Effect    string          `json:"Effect"`
	Action    StringList      `json:"Action,omitempty"`
	NotAction StringList      `json:"NotAction,omitempty"`
	Resource  StringList      `json:"Resource,omitempty"`
	Condition json.RawMessage `json:"Condition,omitempty"`
}

// StringList is a JSON string or list of strings, as IAM writes Action and Resource.
type StringList []string

// UnmarshalJSON accepts "a" or ["a", "b"].
func (l *StringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = StringList{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("want a string or a list of strings: %v", err)
	}
	*l = list
	return nil
}

// Parse decodes and checks a policy document: version 2012-10-17, each statement with an
// Effect of Allow or Deny, an Action (NotAction is refused: a least-privilege policy
// names what it grants), a Resource, and actions shaped "service:Action".
func Parse(data []byte) (*Document, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Document
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("iam policy: %v (want a JSON policy document with Version and Statement)", err)
	}
	if d.Version != "2012-10-17" {
		return nil, fmt.Errorf(`iam policy: Version %q: use "2012-10-17"`, d.Version)
	}
	if len(d.Statement) == 0 {
		return nil, fmt.Errorf("iam policy: Statement is empty: add the statements that grant the actions")
	}
	for i, s := range d.Statement {
		if s.Effect != "Allow" && s.Effect != "Deny" {
			return nil, fmt.Errorf("iam policy: Statement[%d].Effect %q: use Allow or Deny", i, s.Effect)
		}
		if len(s.NotAction) > 0 {
			return nil, fmt.Errorf("iam policy: Statement[%d].NotAction: name the actions in Action instead", i)
		}
		if len(s.Action) == 0 {
			return nil, fmt.Errorf("iam policy: Statement[%d].Action is empty: list the actions it grants", i)
		}
		if len(s.Resource) == 0 {
			return nil, fmt.Errorf("iam policy: Statement[%d].Resource is empty: give ARNs or \"*\"", i)
		}
		for j, a := range s.Action {
			svc, name, ok := strings.Cut(a, ":")
			if !ok || svc == "" || name == "" || strings.ContainsAny(a, " \t") {
				return nil, fmt.Errorf("iam policy: Statement[%d].Action[%d] %q: write service:Action, e.g. ecr:PutImage", i, j, a)
			}
		}
	}
	return &d, nil
}

// Allows reports whether some Allow statement grants action (on some resource) and no
// Deny statement denies it. Matching follows IAM: case-insensitive, with * and ? wildcards.
// Resources and conditions are not evaluated: the question is whether the action is
// granted at all, which is what a missing policy entry breaks.
func (d *Document) Allows(action string) bool {
	allowed := false
	for _, s := range d.Statement {
		for _, pat := range s.Action {
			if !match(strings.ToLower(pat), strings.ToLower(action)) {
				continue
			}
			if s.Effect == "Deny" && len(s.Resource) == 1 && s.Resource[0] == "*" && len(s.Condition) == 0 {
				return false
			}
			if s.Effect == "Allow" {
				allowed = true
			}
		}
	}
	return allowed
}

// Missing returns the actions of want that d does not allow, sorted.
func (d *Document) Missing(want []string) []string {
	var out []string
	for _, a := range want {
		if !d.Allows(a) {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// Actions returns every action pattern the Allow statements list, sorted and unique.
func (d *Document) Actions() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, a := range s.Action {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return out
}

// match reports whether s matches the IAM pattern p (* any run, ? one character).
func match(p, s string) bool {
	// Iterative glob with backtracking on the last star: linear enough for IAM's short
	// patterns and free of recursion on hostile input.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
