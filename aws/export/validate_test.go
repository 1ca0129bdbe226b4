package export

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/deploybench/deploybench/aws/cfn"
)

// This file validates exported templates the way CloudFormation would before creating
// anything, without AWS:
//
//   - every resource's Properties against the resource type's registry schema (copied
//     into testdata/schemas from the public aws-cloudformation/rain repository). Values
//     that are intrinsic functions (an object with one key, Ref, Condition or Fn::*) are
//     not type-checked: CloudFormation resolves them at deploy time, so a schema error
//     located at or under such a value is skipped (inside anyOf/oneOf a branch counts as
//     matching when its only errors are skipped ones);
//   - our own checks: every Ref, Fn::GetAtt, ${...} in Fn::Sub, DependsOn and condition
//     names something that exists (and GetAtt an attribute the schema declares); every
//     resource whose schema has a Tags property carries the run-id and scenario tags; no
//     security group admits a CIDR except the load balancer's (or, without a load
//     balancer, the instance's), and that one only AllowedCidr; EndpointURL is output.

// problem is one finding, named by resource and JSON path so that tests can assert it.
type problem struct {
	LogicalID string
	Path      string // JSON pointer under the resource, e.g. /Properties/Role
	Check     string // schema, ref, getatt, tags, ingress, output, type
	Msg       string
	Kind      jsonschema.ErrorKind // set for schema problems
}

func (p problem) String() string {
	return fmt.Sprintf("%s %s%s: %s", p.Check, p.LogicalID, p.Path, p.Msg)
}

// registry holds the compiled schema of every resource type in testdata/schemas.
type registry struct {
	schemas map[string]*jsonschema.Schema
	raw     map[string]map[string]any // type → schema document
}

var loadRegistry = sync.OnceValues(func() (*registry, error) {
	files, err := filepath.Glob(filepath.Join("testdata", "schemas", "*.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no schemas in testdata/schemas: %v", err)
	}
	c := jsonschema.NewCompiler()
	// Registry schemas are draft-07 documents whose $schema names CloudFormation's own
	// meta-schema, which is not fetched: it is dropped and draft 7 assumed.
	c.DefaultDraft(jsonschema.Draft7)
	c.UseRegexpEngine(lenientRegexp)
	r := &registry{schemas: map[string]*jsonschema.Schema{}, raw: map[string]map[string]any{}}
	urls := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		m := doc.(map[string]any)
		delete(m, "$schema")
		delete(m, "$id")
		typ, _ := m["typeName"].(string)
		url := "file:///schemas/" + filepath.Base(f)
		if err := c.AddResource(url, m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		urls[typ], r.raw[typ] = url, m
	}
	for typ, url := range urls {
		s, err := c.Compile(url)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", typ, err)
		}
		r.schemas[typ] = s
	}
	return r, nil
})

// lenientRegexp compiles a schema pattern with Go's regexp; the few registry patterns
// that use look-behind, which Go does not support, match anything (so they are not
// checked).
func lenientRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp.Compile(s)
	if err != nil {
		return anyString(s), nil
	}
	return re, nil
}

type anyString string

func (a anyString) String() string            { return string(a) }
func (a anyString) MatchString(s string) bool { return true }

// decodeTemplate turns a template into the generic JSON CloudFormation reads.
func decodeTemplate(t *testing.T, tpl *cfn.Template) map[string]any {
	t.Helper()
	b, err := tpl.JSON()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc.(map[string]any)
}

// validate runs every check on a decoded template.
func validate(reg *registry, doc map[string]any) []problem {
	var out []problem
	resources, _ := doc["Resources"].(map[string]any)
	for _, id := range sortedAnyKeys(resources) {
		res, _ := resources[id].(map[string]any)
		typ, _ := res["Type"].(string)
		s, ok := reg.schemas[typ]
		if !ok {
			out = append(out, problem{LogicalID: id, Path: "/Type", Check: "type", Msg: fmt.Sprintf("no registry schema for %s in testdata/schemas", typ)})
			continue
		}
		props, ok := res["Properties"]
		if !ok {
			props = map[string]any{}
		}
		if err := s.Validate(props); err != nil {
			ve, ok := err.(*jsonschema.ValidationError)
			if !ok {
				out = append(out, problem{LogicalID: id, Check: "schema", Msg: err.Error()})
				continue
			}
			skip := intrinsicPaths(props, "")
			for _, leaf := range failing(ve, skip) {
				out = append(out, problem{LogicalID: id, Path: "/Properties" + pointer(leaf.InstanceLocation), Check: "schema",
					Msg: leaf.ErrorKind.LocalizedString(printer), Kind: leaf.ErrorKind})
			}
		}
		out = append(out, checkTags(reg, id, typ, res)...)
	}
	out = append(out, checkRefs(reg, doc)...)
	out = append(out, checkIngress(doc)...)
	if outs, _ := doc["Outputs"].(map[string]any); outs[OutputEndpoint] == nil {
		out = append(out, problem{Check: "output", Msg: "no " + OutputEndpoint + " output"})
	}
	return out
}

var printer = message.NewPrinter(language.English)

func pointer(loc []string) string {
	if len(loc) == 0 {
		return ""
	}
	return "/" + strings.Join(loc, "/")
}

// intrinsicPaths lists the JSON pointers of the intrinsic function values in v.
func intrinsicPaths(v any, at string) []string {
	if _, _, ok := cfn.IsIntrinsic(v); ok {
		return []string{at}
	}
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			out = append(out, intrinsicPaths(e, at+"/"+k)...)
		}
	case []any:
		for i, e := range x {
			out = append(out, intrinsicPaths(e, fmt.Sprintf("%s/%d", at, i))...)
		}
	}
	return out
}

// failing returns the leaf errors of e that are not excused by an intrinsic value: a
// leaf at or under an intrinsic path is excused; an anyOf/oneOf passes when any of its
// branches has only excused errors; any other node passes when all its causes do.
func failing(e *jsonschema.ValidationError, skip []string) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		loc := pointer(e.InstanceLocation)
		for _, s := range skip {
			if loc == s || strings.HasPrefix(loc, s+"/") {
				return nil
			}
		}
		return []*jsonschema.ValidationError{e}
	}
	var all []*jsonschema.ValidationError
	branch := false
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		branch = true
	}
	for _, c := range e.Causes {
		f := failing(c, skip)
		if branch && len(f) == 0 {
			return nil
		}
		all = append(all, f...)
	}
	return all
}

// checkTags: a resource whose schema has a Tags property carries both deploybench tags.
func checkTags(reg *registry, id, typ string, res map[string]any) []problem {
	schemaProps, _ := reg.raw[typ]["properties"].(map[string]any)
	if _, taggable := schemaProps["Tags"]; !taggable {
		return nil
	}
	props, _ := res["Properties"].(map[string]any)
	keys := map[string]bool{}
	switch tags := props["Tags"].(type) {
	case []any:
		for _, t := range tags {
			if m, ok := t.(map[string]any); ok {
				if k, ok := m["Key"].(string); ok {
					keys[k] = true
				}
			}
		}
	case map[string]any:
		for k := range tags {
			keys[k] = true
		}
	}
	var out []problem
	for _, want := range []string{TagRunID, TagScenario} {
		if !keys[want] {
			out = append(out, problem{LogicalID: id, Path: "/Properties/Tags", Check: "tags", Msg: "missing tag " + want})
		}
	}
	return out
}

var subVar = regexp.MustCompile(`\$\{([^!}][^}]*)\}`)

// checkRefs checks that every name a template uses exists.
func checkRefs(reg *registry, doc map[string]any) []problem {
	resources, _ := doc["Resources"].(map[string]any)
	params, _ := doc["Parameters"].(map[string]any)
	conds, _ := doc["Conditions"].(map[string]any)
	var out []problem
	refOK := func(name string) bool {
		return resources[name] != nil || params[name] != nil || slices.Contains(cfn.PseudoParameters, name)
	}
	attrOK := func(id, attr string) string {
		res, ok := resources[id].(map[string]any)
		if !ok {
			return fmt.Sprintf("Fn::GetAtt names resource %q, which does not exist", id)
		}
		typ, _ := res["Type"].(string)
		raw := reg.raw[typ]
		ro, _ := raw["readOnlyProperties"].([]any)
		if slices.Contains(ro, any("/properties/"+attr)) {
			return ""
		}
		if props, _ := raw["properties"].(map[string]any); props[attr] != nil {
			return ""
		}
		return fmt.Sprintf("Fn::GetAtt %s.%s: %s has no attribute %s", id, attr, typ, attr)
	}
	var walk func(id, at string, v any, vars map[string]bool)
	walk = func(id, at string, v any, vars map[string]bool) {
		bad := func(msg string) { out = append(out, problem{LogicalID: id, Path: at, Check: "ref", Msg: msg}) }
		if name, arg, ok := cfn.IsIntrinsic(v); ok {
			switch name {
			case "Ref":
				if s, _ := arg.(string); !refOK(s) {
					bad(fmt.Sprintf("Ref %q names no resource, parameter or pseudo parameter", s))
				}
				return
			case "Condition":
				if s, _ := arg.(string); conds[s] == nil {
					bad(fmt.Sprintf("condition %q does not exist", s))
				}
				return
			case "Fn::GetAtt":
				parts, _ := arg.([]any)
				if len(parts) != 2 {
					bad("Fn::GetAtt needs [resource, attribute]")
					return
				}
				rid, _ := parts[0].(string)
				attr, _ := parts[1].(string)
				if msg := attrOK(rid, attr); msg != "" {
					out = append(out, problem{LogicalID: id, Path: at, Check: "getatt", Msg: msg})
				}
				return
			case "Fn::Sub":
				str, extra := "", map[string]bool{}
				switch a := arg.(type) {
				case string:
					str = a
				case []any:
					if len(a) == 2 {
						str, _ = a[0].(string)
						if m, ok := a[1].(map[string]any); ok {
							for k, e := range m {
								extra[k] = true
								walk(id, at+"/Fn::Sub/1/"+k, e, nil)
							}
						}
					}
				}
				for _, m := range subVar.FindAllStringSubmatch(str, -1) {
					name := m[1]
					if extra[name] {
						continue
					}
					if rid, attr, dotted := strings.Cut(name, "."); dotted && !slices.Contains(cfn.PseudoParameters, name) {
						if msg := attrOK(rid, attr); msg != "" {
							out = append(out, problem{LogicalID: id, Path: at, Check: "getatt", Msg: "Fn::Sub: " + msg})
						}
						continue
					}
					if !refOK(name) {
						bad(fmt.Sprintf("Fn::Sub ${%s} names no resource, parameter or pseudo parameter", name))
					}
				}
				return
			case "Fn::If":
				if a, ok := arg.([]any); ok && len(a) == 3 {
					if c, _ := a[0].(string); conds[c] == nil {
						bad(fmt.Sprintf("Fn::If condition %q does not exist", c))
					}
					walk(id, at+"/Fn::If/1", a[1], vars)
					walk(id, at+"/Fn::If/2", a[2], vars)
					return
				}
			}
		}
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(id, at+"/"+k, e, vars)
			}
		case []any:
			for i, e := range x {
				walk(id, fmt.Sprintf("%s/%d", at, i), e, vars)
			}
		}
	}
	for _, id := range sortedAnyKeys(resources) {
		res, _ := resources[id].(map[string]any)
		if c, ok := res["Condition"].(string); ok && conds[c] == nil {
			out = append(out, problem{LogicalID: id, Path: "/Condition", Check: "ref", Msg: fmt.Sprintf("condition %q does not exist", c)})
		}
		deps, _ := res["DependsOn"].([]any)
		for i, d := range deps {
			if s, _ := d.(string); resources[s] == nil {
				out = append(out, problem{LogicalID: id, Path: fmt.Sprintf("/DependsOn/%d", i), Check: "ref", Msg: fmt.Sprintf("DependsOn %q names no resource", s)})
			}
		}
		walk(id, "/Properties", res["Properties"], nil)
		walk(id, "/Metadata", res["Metadata"], nil)
	}
	for _, name := range sortedAnyKeys(conds) {
		walk("Conditions."+name, "", conds[name], nil)
	}
	rules, _ := doc["Rules"].(map[string]any)
	for _, name := range sortedAnyKeys(rules) {
		walk("Rules."+name, "", rules[name], nil)
	}
	if outs, ok := doc["Outputs"].(map[string]any); ok {
		for _, name := range sortedAnyKeys(outs) {
			walk("Outputs."+name, "", outs[name], nil)
		}
	}
	return out
}

// checkIngress: only the security group of the load balancer (or, in a template without
// one, of the instance) admits a CIDR, and only AllowedCidr; any other rule names a
// source security group of the template.
func checkIngress(doc map[string]any) []problem {
	resources, _ := doc["Resources"].(map[string]any)
	front := map[string]bool{} // security groups attached to a load balancer
	hasLB := false
	for _, v := range resources {
		res, _ := v.(map[string]any)
		if res["Type"] != cfn.TypeLoadBalancer {
			continue
		}
		hasLB = true
		props, _ := res["Properties"].(map[string]any)
		sgs, _ := props["SecurityGroups"].([]any)
		for _, sg := range sgs {
			if name, arg, ok := cfn.IsIntrinsic(sg); ok && name == "Fn::GetAtt" {
				front[fmt.Sprint(arg.([]any)[0])] = true
			}
		}
	}
	var out []problem
	for _, id := range sortedAnyKeys(resources) {
		res, _ := resources[id].(map[string]any)
		if res["Type"] != cfn.TypeSecurityGroup {
			continue
		}
		props, _ := res["Properties"].(map[string]any)
		rules, _ := props["SecurityGroupIngress"].([]any)
		for i, r := range rules {
			rule, _ := r.(map[string]any)
			at := fmt.Sprintf("/Properties/SecurityGroupIngress/%d", i)
			bad := func(msg string) { out = append(out, problem{LogicalID: id, Path: at, Check: "ingress", Msg: msg}) }
			if rule["CidrIpv6"] != nil {
				bad("admits an IPv6 range")
			}
			cidr, ok := rule["CidrIp"]
			if !ok {
				if rule["SourceSecurityGroupId"] == nil {
					bad("admits neither AllowedCidr nor a security group of the template")
				}
				continue
			}
			isAllowed := false
			if name, arg, ok := cfn.IsIntrinsic(cidr); ok && name == "Ref" && arg == ParamAllowedCidr {
				isAllowed = true
			}
			switch {
			case !isAllowed:
				bad(fmt.Sprintf("admits %v; only AllowedCidr may reach the template from outside", cidr))
			case hasLB && !front[id]:
				bad("admits AllowedCidr but is not the load balancer's security group; targets admit only the load balancer")
			}
		}
	}
	return out
}

func sortedAnyKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
