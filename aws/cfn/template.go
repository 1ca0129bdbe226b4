package cfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// FormatVersion is the only AWSTemplateFormatVersion CloudFormation knows.
const FormatVersion = "2010-09-09"

// Template is a CloudFormation template.
type Template struct {
	AWSTemplateFormatVersion string               `json:"AWSTemplateFormatVersion"`
	Description              string               `json:"Description,omitempty"`
	Parameters               map[string]Parameter `json:"Parameters,omitempty"`
	Rules                    map[string]Rule      `json:"Rules,omitempty"`
	Conditions               map[string]any       `json:"Conditions,omitempty"`
	Resources                map[string]Resource  `json:"Resources"`
	Outputs                  map[string]Output    `json:"Outputs,omitempty"`

	dups []string // logical IDs added twice, reported by JSON
}

// New returns an empty template with the format version and description set.
func New(description string) *Template {
	return &Template{AWSTemplateFormatVersion: FormatVersion, Description: description,
		Parameters: map[string]Parameter{}, Rules: map[string]Rule{}, Conditions: map[string]any{},
		Resources: map[string]Resource{}, Outputs: map[string]Output{}}
}

// Parameter is a template parameter, set when the stack is created.
type Parameter struct {
	Type                  string   `json:"Type"`
	Description           string   `json:"Description,omitempty"`
	Default               any      `json:"Default,omitempty"`
	AllowedPattern        string   `json:"AllowedPattern,omitempty"`
	AllowedValues         []string `json:"AllowedValues,omitempty"`
	ConstraintDescription string   `json:"ConstraintDescription,omitempty"`
	MinValue              *int     `json:"MinValue,omitempty"`
	MaxValue              *int     `json:"MaxValue,omitempty"`
}

// Rule checks parameter values before anything is created: when RuleCondition holds,
// every assertion must.
type Rule struct {
	RuleCondition any         `json:"RuleCondition,omitempty"`
	Assertions    []Assertion `json:"Assertions"`
}

// Assertion is one check of a rule, with the message CloudFormation shows when it fails.
type Assertion struct {
	Assert            any    `json:"Assert"`
	AssertDescription string `json:"AssertDescription,omitempty"`
}

// Resource is one resource of a template. Properties is a typed property struct of this
// package (or, for types it does not model, any JSON-encodable value).
type Resource struct {
	Type       string   `json:"Type"`
	Condition  string   `json:"Condition,omitempty"`
	DependsOn  []string `json:"DependsOn,omitempty"`
	Metadata   any      `json:"Metadata,omitempty"`
	Properties any      `json:"Properties,omitempty"`
}

// Output is a stack output.
type Output struct {
	Description string `json:"Description,omitempty"`
	Value       any    `json:"Value"`
	Condition   string `json:"Condition,omitempty"`
}

// Add adds a resource under logicalID; adding the same ID twice is a programming error
// that JSON reports.
func (t *Template) Add(logicalID string, r Resource) {
	if _, dup := t.Resources[logicalID]; dup {
		t.dups = append(t.dups, logicalID)
	}
	t.Resources[logicalID] = r
}

// LogicalIDs returns the resource IDs, sorted.
func (t *Template) LogicalIDs() []string {
	ids := make([]string, 0, len(t.Resources))
	for id := range t.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// JSON writes the template as indented JSON with every object's keys sorted, so that a
// template built from the same input always has the same bytes (golden files, diffs).
func (t *Template) JSON() ([]byte, error) {
	if len(t.dups) > 0 {
		return nil, fmt.Errorf("cfn: logical ID %q is used twice", t.dups[0])
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("cfn: %w", err)
	}
	// Struct fields encode in declaration order; a round trip through generic values
	// sorts every object's keys. UseNumber keeps numbers exactly as written.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("cfn: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("cfn: %w", err)
	}
	return buf.Bytes(), nil
}
