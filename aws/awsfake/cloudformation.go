package awsfake

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Stack states the fake moves through (the names are CloudFormation's).
const (
	statusCreateInProgress   = "CREATE_IN_PROGRESS"
	statusCreateComplete     = "CREATE_COMPLETE"
	statusCreateFailed       = "CREATE_FAILED"
	statusRollbackInProgress = "ROLLBACK_IN_PROGRESS"
	statusRollbackComplete   = "ROLLBACK_COMPLETE"
	statusDeleteInProgress   = "DELETE_IN_PROGRESS"
	statusDeleteComplete     = "DELETE_COMPLETE"
)

// cfnTime is CloudFormation's timestamp format in query answers.
const cfnTime = "2006-01-02T15:04:05.000Z"

type tag struct{ Key, Value string }

type param struct{ ParameterKey, ParameterValue string }

type resource struct{ id, typ string }

type event struct {
	t                    time.Time
	logicalID, typ, phys string
	status, reason       string
}

type stack struct {
	name, id       string
	status, reason string
	created        time.Time
	deleteAt       time.Time // when DeleteStack was accepted
	deleted        time.Time
	resources      []resource
	outputKeys     []string
	outputs        []param // key/value, set when the stack completes
	params         []param
	tags           []tag
	events         []event
	failReason     string
}

type cfnHandler func(*Fake, http.ResponseWriter, url.Values)

var cfnActions map[string]cfnHandler

func init() {
	cfnActions = map[string]cfnHandler{
		"CreateStack":            (*Fake).createStack,
		"DescribeStacks":         (*Fake).describeStacks,
		"DescribeStackEvents":    (*Fake).describeStackEvents,
		"ListStacks":             (*Fake).listStacks,
		"DeleteStack":            (*Fake).deleteStack,
		"DescribeStackResources": (*Fake).describeStackResources,
	}
}

// maxTemplateBody is CloudFormation's limit on TemplateBody, in bytes (CloudFormation
// quotas page: "Template body size in a request").
const maxTemplateBody = 51200

// stackName is CloudFormation's rule for stack names.
var stackName = regexp.MustCompile(`^[A-Za-z][-A-Za-z0-9]{0,127}$`)

// template is the part of a template the fake reads.
type template struct {
	Parameters map[string]struct {
		Default any `json:"Default"`
	} `json:"Parameters"`
	Resources map[string]struct {
		Type string `json:"Type"`
	} `json:"Resources"`
	Outputs map[string]json.RawMessage `json:"Outputs"`
}

// parseTemplate reads a JSON template body the way CloudFormation validates it: JSON,
// at least one resource, every resource typed.
func parseTemplate(body string) (template, error) {
	var t template
	if strings.TrimSpace(body) == "" {
		return t, fmt.Errorf("TemplateBody is required (this fake does not read TemplateURL)")
	}
	if err := json.Unmarshal([]byte(body), &t); err != nil {
		return t, fmt.Errorf("Template format error: JSON not well-formed: %v", err)
	}
	if len(t.Resources) == 0 {
		return t, fmt.Errorf("Template format error: At least one Resources member must be defined.")
	}
	for id, r := range t.Resources {
		if !strings.HasPrefix(r.Type, "AWS::") || strings.Count(r.Type, "::") != 2 {
			return t, fmt.Errorf("Template format error: Unrecognized resource types: [%s] (resource %s)", r.Type, id)
		}
	}
	return t, nil
}

// members reads a query-protocol list: prefix.member.1.field, prefix.member.2.field, ….
func members(form url.Values, prefix string, fields ...string) [][]string {
	var out [][]string
	for i := 1; ; i++ {
		row := make([]string, len(fields))
		found := false
		for j, fld := range fields {
			k := prefix + ".member." + strconv.Itoa(i)
			if fld != "" {
				k += "." + fld
			}
			if v, ok := form[k]; ok {
				row[j], found = v[0], true
			}
		}
		if !found {
			return out
		}
		out = append(out, row)
	}
}

func (f *Fake) createStack(w http.ResponseWriter, form url.Values) {
	name := form.Get("StackName")
	if !stackName.MatchString(name) {
		writeQueryError(w, http.StatusBadRequest, "ValidationError",
			fmt.Sprintf("1 validation error detected: Value '%s' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*", name))
		return
	}
	if n := len(form.Get("TemplateBody")); n > maxTemplateBody {
		writeQueryError(w, http.StatusBadRequest, "ValidationError",
			fmt.Sprintf("1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to %d (it has %d; use TemplateURL)", maxTemplateBody, n))
		return
	}
	t, err := parseTemplate(form.Get("TemplateBody"))
	if err != nil {
		writeQueryError(w, http.StatusBadRequest, "ValidationError", err.Error())
		return
	}
	var params []param
	given := map[string]bool{}
	for _, m := range members(form, "Parameters", "ParameterKey", "ParameterValue") {
		if _, ok := t.Parameters[m[0]]; !ok {
			writeQueryError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("Parameters: [%s] do not exist in the template", m[0]))
			return
		}
		params = append(params, param{m[0], m[1]})
		given[m[0]] = true
	}
	var missing []string
	for k, p := range t.Parameters {
		if !given[k] && p.Default == nil {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		writeQueryError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("Parameters: [%s] must have values", strings.Join(missing, ", ")))
		return
	}
	caps := map[string]bool{}
	for _, m := range members(form, "Capabilities", "") {
		caps[m[0]] = true
	}
	var res []resource
	iam := false
	for id, r := range t.Resources {
		res = append(res, resource{id, r.Type})
		iam = iam || strings.HasPrefix(r.Type, "AWS::IAM::")
	}
	sort.Slice(res, func(i, j int) bool { return res[i].id < res[j].id })
	if iam && !caps["CAPABILITY_IAM"] && !caps["CAPABILITY_NAMED_IAM"] {
		writeQueryError(w, http.StatusBadRequest, "InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_IAM]")
		return
	}
	var tags []tag
	for _, m := range members(form, "Tags", "Key", "Value") {
		tags = append(tags, tag{m[0], m[1]})
	}
	if len(tags) > 50 {
		writeQueryError(w, http.StatusBadRequest, "ValidationError", "at most 50 tags may be given")
		return
	}
	var outKeys []string
	for k := range t.Outputs {
		outKeys = append(outKeys, k)
	}
	sort.Strings(outKeys)

	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.cfg.Clock()
	for _, s := range f.stacks {
		f.advance(s, now)
		if s.name == name && s.status != statusDeleteComplete {
			writeQueryError(w, http.StatusBadRequest, "AlreadyExistsException", fmt.Sprintf("Stack [%s] already exists", name))
			return
		}
	}
	f.seq++
	s := &stack{name: name, status: statusCreateInProgress, reason: "User Initiated", created: now, resources: res,
		outputKeys: outKeys, params: params, tags: tags,
		id: fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s/%08d-fake-%04d", f.cfg.Region, f.cfg.Account, name, f.seq, f.seq)}
	for _, fl := range f.failures {
		if strings.Contains(name, fl.match) {
			s.failReason = fl.reason
		}
	}
	s.events = append(s.events, event{t: now, logicalID: name, typ: "AWS::CloudFormation::Stack", phys: s.id, status: statusCreateInProgress, reason: "User Initiated"})
	// Every resource starts at once (the fake knows no dependencies) and completes when
	// the stack does, so each resource's creation takes CreateDelay.
	for _, r := range res {
		s.events = append(s.events, event{t: now, logicalID: r.id, typ: r.typ, phys: f.physicalID(s, r), status: statusCreateInProgress, reason: "Resource creation Initiated"})
	}
	f.stacks = append(f.stacks, s)
	writeXML(w, struct {
		XMLName   xml.Name `xml:"CreateStackResponse"`
		StackID   string   `xml:"CreateStackResult>StackId"`
		RequestID string   `xml:"ResponseMetadata>RequestId"`
	}{StackID: s.id, RequestID: "fake"})
}

// advance moves s to the state it has reached by now, adding the events on the way.
// The caller holds f.mu.
func (f *Fake) advance(s *stack, now time.Time) {
	stackEvent := func(t time.Time, status, reason string) {
		s.status, s.reason = status, reason
		s.events = append(s.events, event{t: t, logicalID: s.name, typ: "AWS::CloudFormation::Stack", phys: s.id, status: status, reason: reason})
	}
	if s.status == statusCreateInProgress {
		done := s.created.Add(f.cfg.CreateDelay)
		if now.Before(done) {
			return
		}
		if s.failReason != "" {
			failed := s.resources[0]
			s.events = append(s.events, event{t: done, logicalID: failed.id, typ: failed.typ, status: statusCreateFailed, reason: s.failReason})
			stackEvent(done, statusCreateFailed, fmt.Sprintf("The following resource(s) failed to create: [%s]. Rollback requested by user.", failed.id))
			stackEvent(done, statusRollbackInProgress, "The following resource(s) failed to create: ["+failed.id+"]. Rollback requested by user.")
			stackEvent(done, statusRollbackComplete, "")
			return
		}
		for _, r := range s.resources {
			s.events = append(s.events, event{t: done, logicalID: r.id, typ: r.typ, phys: f.physicalID(s, r), status: statusCreateComplete})
		}
		for _, k := range s.outputKeys {
			v := "fake-" + k
			if k == "EndpointURL" {
				v = f.cfg.EndpointURL
			}
			s.outputs = append(s.outputs, param{k, v})
		}
		stackEvent(done, statusCreateComplete, "")
	}
	if s.status == statusDeleteInProgress {
		done := s.deleteAt.Add(f.cfg.DeleteDelay)
		if now.Before(done) {
			return
		}
		for i := len(s.resources) - 1; i >= 0; i-- {
			r := s.resources[i]
			s.events = append(s.events, event{t: done, logicalID: r.id, typ: r.typ, phys: f.physicalID(s, r), status: statusDeleteComplete})
		}
		s.deleted = done
		stackEvent(done, statusDeleteComplete, "")
	}
}

// find returns the stack named by nameOrID: by ID any stack, by name only one not yet
// deleted (as CloudFormation resolves names). The caller holds f.mu.
func (f *Fake) find(nameOrID string) *stack {
	now := f.cfg.Clock()
	for i := len(f.stacks) - 1; i >= 0; i-- {
		s := f.stacks[i]
		f.advance(s, now)
		if s.id == nameOrID || (s.name == nameOrID && s.status != statusDeleteComplete) {
			return s
		}
	}
	return nil
}

type xmlStack struct {
	StackID           string  `xml:"StackId"`
	StackName         string  `xml:"StackName"`
	StackStatus       string  `xml:"StackStatus"`
	StackStatusReason string  `xml:"StackStatusReason,omitempty"`
	CreationTime      string  `xml:"CreationTime"`
	DeletionTime      string  `xml:"DeletionTime,omitempty"`
	Parameters        []param `xml:"Parameters>member"`
	Outputs           []struct {
		OutputKey, OutputValue string
	} `xml:"Outputs>member"`
	Tags []tag `xml:"Tags>member"`
}

func toXMLStack(s *stack) xmlStack {
	x := xmlStack{StackID: s.id, StackName: s.name, StackStatus: s.status, StackStatusReason: s.reason,
		CreationTime: s.created.UTC().Format(cfnTime), Parameters: s.params, Tags: s.tags}
	if !s.deleted.IsZero() {
		x.DeletionTime = s.deleted.UTC().Format(cfnTime)
	}
	for _, o := range s.outputs {
		x.Outputs = append(x.Outputs, struct{ OutputKey, OutputValue string }{o.ParameterKey, o.ParameterValue})
	}
	return x
}

func (f *Fake) describeStacks(w http.ResponseWriter, form url.Values) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []xmlStack
	if name := form.Get("StackName"); name != "" {
		s := f.find(name)
		if s == nil {
			writeQueryError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("Stack with id %s does not exist", name))
			return
		}
		out = append(out, toXMLStack(s))
	} else {
		now := f.cfg.Clock()
		for _, s := range f.stacks {
			f.advance(s, now)
			if s.status != statusDeleteComplete {
				out = append(out, toXMLStack(s))
			}
		}
	}
	writeXML(w, struct {
		XMLName   xml.Name   `xml:"DescribeStacksResponse"`
		Stacks    []xmlStack `xml:"DescribeStacksResult>Stacks>member"`
		RequestID string     `xml:"ResponseMetadata>RequestId"`
	}{Stacks: out, RequestID: "fake"})
}

type xmlEvent struct {
	StackID              string `xml:"StackId"`
	EventID              string `xml:"EventId"`
	StackName            string `xml:"StackName"`
	LogicalResourceID    string `xml:"LogicalResourceId"`
	PhysicalResourceID   string `xml:"PhysicalResourceId,omitempty"`
	ResourceType         string `xml:"ResourceType"`
	Timestamp            string `xml:"Timestamp"`
	ResourceStatus       string `xml:"ResourceStatus"`
	ResourceStatusReason string `xml:"ResourceStatusReason,omitempty"`
}

func (f *Fake) describeStackEvents(w http.ResponseWriter, form url.Values) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := form.Get("StackName")
	s := f.find(name)
	if s == nil {
		writeQueryError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("Stack [%s] does not exist", name))
		return
	}
	var out []xmlEvent
	// Newest first, as CloudFormation lists them.
	for i := len(s.events) - 1; i >= 0; i-- {
		e := s.events[i]
		out = append(out, xmlEvent{StackID: s.id, EventID: fmt.Sprintf("%s-%d", e.logicalID, i), StackName: s.name,
			LogicalResourceID: e.logicalID, PhysicalResourceID: e.phys, ResourceType: e.typ,
			Timestamp: e.t.UTC().Format(cfnTime), ResourceStatus: e.status, ResourceStatusReason: e.reason})
	}
	writeXML(w, struct {
		XMLName   xml.Name   `xml:"DescribeStackEventsResponse"`
		Events    []xmlEvent `xml:"DescribeStackEventsResult>StackEvents>member"`
		RequestID string     `xml:"ResponseMetadata>RequestId"`
	}{Events: out, RequestID: "fake"})
}

func (f *Fake) listStacks(w http.ResponseWriter, form url.Values) {
	filter := map[string]bool{}
	for _, m := range members(form, "StackStatusFilter", "") {
		filter[m[0]] = true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	type summary struct {
		StackID           string `xml:"StackId"`
		StackName         string `xml:"StackName"`
		StackStatus       string `xml:"StackStatus"`
		StackStatusReason string `xml:"StackStatusReason,omitempty"`
		CreationTime      string `xml:"CreationTime"`
		DeletionTime      string `xml:"DeletionTime,omitempty"`
	}
	var out []summary
	now := f.cfg.Clock()
	for _, s := range f.stacks {
		f.advance(s, now)
		if len(filter) > 0 && !filter[s.status] {
			continue
		}
		x := toXMLStack(s)
		out = append(out, summary{x.StackID, x.StackName, x.StackStatus, x.StackStatusReason, x.CreationTime, x.DeletionTime})
	}
	writeXML(w, struct {
		XMLName   xml.Name  `xml:"ListStacksResponse"`
		Summaries []summary `xml:"ListStacksResult>StackSummaries>member"`
		RequestID string    `xml:"ResponseMetadata>RequestId"`
	}{Summaries: out, RequestID: "fake"})
}

func (f *Fake) deleteStack(w http.ResponseWriter, form url.Values) {
	f.mu.Lock()
	defer f.mu.Unlock()
	// Deleting a stack that does not exist succeeds, as in CloudFormation.
	if s := f.find(form.Get("StackName")); s != nil && s.status != statusDeleteInProgress && s.status != statusDeleteComplete {
		s.deleteAt = f.cfg.Clock()
		s.status, s.reason = statusDeleteInProgress, "User Initiated"
		s.events = append(s.events, event{t: s.deleteAt, logicalID: s.name, typ: "AWS::CloudFormation::Stack", phys: s.id, status: statusDeleteInProgress, reason: "User Initiated"})
		f.advance(s, s.deleteAt)
	}
	writeXML(w, struct {
		XMLName   xml.Name `xml:"DeleteStackResponse"`
		RequestID string   `xml:"ResponseMetadata>RequestId"`
	}{RequestID: "fake"})
}

// physicalID is the ID CloudFormation would report for r: the shapes CloudWatch
// dimensions are derived from (an ARN for load balancers and ECS services, a name for
// Auto Scaling groups, clusters and functions, i-… for instances).
func (f *Fake) physicalID(s *stack, r resource) string {
	name := strings.ToLower(s.name + "-" + r.id)
	switch r.typ {
	case "AWS::ElasticLoadBalancingV2::LoadBalancer":
		return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/app/%.32s/50dc6c495c0c9188", f.cfg.Region, f.cfg.Account, name)
	case "AWS::ECS::Service":
		return fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s-cluster/%s", f.cfg.Region, f.cfg.Account, strings.ToLower(s.name), name)
	case "AWS::ECS::Cluster":
		return strings.ToLower(s.name) + "-cluster"
	case "AWS::EC2::Instance":
		h := fnv.New64a()
		h.Write([]byte(s.id + "/" + r.id))
		return fmt.Sprintf("i-%017x", h.Sum64()>>4)
	}
	return name
}

func (f *Fake) describeStackResources(w http.ResponseWriter, form url.Values) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := form.Get("StackName")
	s := f.find(name)
	if s == nil {
		writeQueryError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("Stack with id %s does not exist", name))
		return
	}
	type xmlResource struct {
		StackName          string `xml:"StackName"`
		StackID            string `xml:"StackId"`
		LogicalResourceID  string `xml:"LogicalResourceId"`
		PhysicalResourceID string `xml:"PhysicalResourceId,omitempty"`
		ResourceType       string `xml:"ResourceType"`
		Timestamp          string `xml:"Timestamp"`
		ResourceStatus     string `xml:"ResourceStatus"`
	}
	var out []xmlResource
	// Resources exist from the moment the stack completes until it is deleted.
	if s.status == statusCreateComplete || s.status == statusDeleteInProgress {
		for _, r := range s.resources {
			st := statusCreateComplete
			if s.status == statusDeleteInProgress {
				st = statusDeleteInProgress
			}
			out = append(out, xmlResource{s.name, s.id, r.id, f.physicalID(s, r), r.typ, s.created.Add(f.cfg.CreateDelay).UTC().Format(cfnTime), st})
		}
	}
	writeXML(w, struct {
		XMLName   xml.Name      `xml:"DescribeStackResourcesResponse"`
		Resources []xmlResource `xml:"DescribeStackResourcesResult>StackResources>member"`
		RequestID string        `xml:"ResponseMetadata>RequestId"`
	}{Resources: out, RequestID: "fake"})
}
