package cfn

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func sample() *Template {
	t := New("sample")
	t.Parameters["Image"] = Parameter{Type: "String"}
	t.Conditions["Always"] = Equals("a", "a")
	t.Add("Zeta", Resource{Type: TypeLogGroup, Properties: LogGroup{RetentionInDays: 1, Tags: []Tag{{Key: "k", Value: Ref("Image")}}}})
	t.Add("Alpha", Resource{Type: TypeCluster, Condition: "Always", DependsOn: []string{"Zeta"}})
	t.Outputs["Out"] = Output{Value: GetAtt("Zeta", "Arn")}
	return t
}

// TestJSONDeterministic: the same template gives the same bytes, with every object's keys
// sorted and the format version first-class.
func TestJSONDeterministic(t *testing.T) {
	a, err := sample().JSON()
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		b, err := sample().JSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("two encodings of the same template differ")
		}
	}
	s := string(a)
	if strings.Index(s, `"Alpha": {`) > strings.Index(s, `"Zeta": {`) {
		t.Error("resources are not sorted")
	}
	if strings.Index(s, `"RetentionInDays"`) > strings.Index(s, `"Tags"`) {
		t.Error("property keys are not sorted")
	}
	var back map[string]any
	if err := json.Unmarshal(a, &back); err != nil {
		t.Fatal(err)
	}
	if back["AWSTemplateFormatVersion"] != FormatVersion {
		t.Errorf("format version %v", back["AWSTemplateFormatVersion"])
	}
	if !strings.Contains(s, "\n  \"Resources\"") {
		t.Error("not indented")
	}
}

func TestDuplicateLogicalID(t *testing.T) {
	tpl := sample()
	tpl.Add("Zeta", Resource{Type: TypeCluster})
	if _, err := tpl.JSON(); err == nil || !strings.Contains(err.Error(), `"Zeta"`) {
		t.Fatalf("want a duplicate ID error naming Zeta, got %v", err)
	}
}

func TestIntrinsics(t *testing.T) {
	for _, tc := range []struct {
		v    any
		name string
		ok   bool
	}{
		{Ref("X"), "Ref", true},
		{GetAtt("X", "Arn"), "Fn::GetAtt", true},
		{Sub("${X}"), "Fn::Sub", true},
		{If("C", 1, 2), "Fn::If", true},
		{Select(0, GetAZs()), "Fn::Select", true},
		{Join(",", "a"), "Fn::Join", true},
		{Base64("x"), "Fn::Base64", true},
		{Condition("C"), "Condition", true},
		{map[string]any{"Ref": "X"}, "Ref", true},
		{map[string]any{"Ref": "X", "Other": 1}, "", false},
		{map[string]any{"Key": "X"}, "", false},
		{"Ref", "", false},
		{nil, "", false},
	} {
		name, _, ok := IsIntrinsic(tc.v)
		if name != tc.name || ok != tc.ok {
			t.Errorf("IsIntrinsic(%v) = %q, %v; want %q, %v", tc.v, name, ok, tc.name, tc.ok)
		}
	}
	b, _ := json.Marshal(GetAtt("LB", "DNSName"))
	if string(b) != `{"Fn::GetAtt":["LB","DNSName"]}` {
		t.Errorf("GetAtt encodes as %s", b)
	}
}
