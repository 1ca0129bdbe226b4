package awsrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// Tag keys every stack of a run carries; CloudFormation propagates stack tags to the
// resources it creates.
const (
	TagRunID    = "deploybench:run-id"
	TagScenario = "deploybench:scenario"
	TagPlatform = "deploybench:platform"
)

// stackRef is a stack the run (or a cleanup) has created or found.
type stackRef struct {
	name, id string
}

// created tracks the stacks a run created, for deletion whatever happens.
type created struct {
	mu   sync.Mutex
	refs []stackRef
}

func (c *created) add(r stackRef) {
	c.mu.Lock()
	c.refs = append(c.refs, r)
	c.mu.Unlock()
}

func (c *created) list() []stackRef {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]stackRef(nil), c.refs...)
}

// lineWriter serialises progress lines written from several goroutines.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
}

// stackCreate is one stack to create with its parameters and tags.
type stackCreate struct {
	stack  Stack
	params map[string]string
	tags   map[string]string
}

// createdStack is a stack that reached CREATE_COMPLETE.
type createdStack struct {
	Stack
	id       string
	endpoint string
	took     time.Duration
	// resources are the resources' creation times, from the stack's events.
	resources []resourceTime
}

// createAll creates the stacks, at most parallel at once, and waits for each to
// complete. Every stack CreateStack accepted is recorded in track before anything else,
// so that the caller can delete it whatever happens next. The first failure stops
// creating further stacks and is returned.
func createAll(ctx context.Context, cf CloudFormationAPI, reqs []stackCreate, parallel int, poll, timeout time.Duration, track *created, out *lineWriter) ([]createdStack, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	res := make([]createdStack, len(reqs))
	errs := make([]error, len(reqs))
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i, rq := range reqs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			res[i], errs[i] = createOne(ctx, cf, rq, poll, timeout, track, out)
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	// The first real failure, not the cancellations it caused in the others.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

func createOne(ctx context.Context, cf CloudFormationAPI, rq stackCreate, poll, timeout time.Duration, track *created, out *lineWriter) (createdStack, error) {
	st := rq.stack
	in := &cloudformation.CreateStackInput{
		StackName:    aws.String(st.Name),
		TemplateBody: aws.String(string(st.Template)),
		// The templates create IAM roles for instances, tasks and functions.
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam, cfntypes.CapabilityCapabilityNamedIam},
	}
	for _, k := range sortedKeys(rq.params) {
		in.Parameters = append(in.Parameters, cfntypes.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(rq.params[k])})
	}
	for _, k := range sortedKeys(rq.tags) {
		in.Tags = append(in.Tags, cfntypes.Tag{Key: aws.String(k), Value: aws.String(rq.tags[k])})
	}
	if err := ctx.Err(); err != nil {
		return createdStack{}, err
	}
	start := time.Now()
	// Once sent, the call is seen through even if the run is interrupted meanwhile:
	// otherwise a stack could exist that the run does not know to delete.
	cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	o, err := cf.CreateStack(cctx, in)
	ccancel()
	if err != nil {
		return createdStack{}, fmt.Errorf("stack %s: CreateStack: %w", st.Name, err)
	}
	ref := stackRef{st.Name, aws.ToString(o.StackId)}
	track.add(ref)
	out.printf("  %s: CREATE_IN_PROGRESS", st.Name)
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s, err := waitStack(wctx, cf, ref, poll, out)
	if err != nil {
		if wctx.Err() != nil && ctx.Err() == nil {
			return createdStack{}, fmt.Errorf("stack %s: not complete after %s (raise --create-timeout?)", st.Name, timeout)
		}
		return createdStack{}, err
	}
	if s.StackStatus != cfntypes.StackStatusCreateComplete {
		return createdStack{}, fmt.Errorf("stack %s: %s: %s", st.Name, s.StackStatus, failureReason(ctx, cf, ref, s))
	}
	cs := createdStack{Stack: st, id: ref.id, took: time.Since(start)}
	// Resource creation times are measurements worth keeping, not a reason to fail.
	cs.resources, _ = resourceTimes(ctx, cf, ref)
	for _, op := range s.Outputs {
		if aws.ToString(op.OutputKey) == EndpointOutput {
			cs.endpoint = aws.ToString(op.OutputValue)
		}
	}
	if cs.endpoint == "" {
		return createdStack{}, fmt.Errorf("stack %s: CREATE_COMPLETE but no %s output", st.Name, EndpointOutput)
	}
	out.printf("  %s: CREATE_COMPLETE in %s, endpoint %s", st.Name, cs.took.Round(time.Millisecond), cs.endpoint)
	return cs, nil
}

// waitStack polls the stack until it leaves every *_IN_PROGRESS state, printing the
// stack events it has not printed yet.
func waitStack(ctx context.Context, cf CloudFormationAPI, ref stackRef, poll time.Duration, out *lineWriter) (cfntypes.Stack, error) {
	seen := map[string]bool{}
	for {
		printEvents(ctx, cf, ref, seen, out)
		d, err := cf.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(ref.id)})
		if err != nil {
			return cfntypes.Stack{}, fmt.Errorf("stack %s: DescribeStacks: %w", ref.name, err)
		}
		if len(d.Stacks) == 0 {
			return cfntypes.Stack{}, fmt.Errorf("stack %s: DescribeStacks returned no stack", ref.name)
		}
		s := d.Stacks[0]
		if !strings.HasSuffix(string(s.StackStatus), "_IN_PROGRESS") {
			printEvents(ctx, cf, ref, seen, out)
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// printEvents prints the stack's new events, oldest first. Events are progress only: an
// error reading them is not a reason to stop waiting.
func printEvents(ctx context.Context, cf CloudFormationAPI, ref stackRef, seen map[string]bool, out *lineWriter) {
	ev, err := cf.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(ref.id)})
	if err != nil {
		return
	}
	for i := len(ev.StackEvents) - 1; i >= 0; i-- {
		e := ev.StackEvents[i]
		id := aws.ToString(e.EventId)
		if seen[id] {
			continue
		}
		seen[id] = true
		if aws.ToString(e.LogicalResourceId) == ref.name && e.ResourceStatus == cfntypes.ResourceStatusCreateInProgress {
			continue // the stack's own first event; createOne printed it
		}
		line := fmt.Sprintf("  %s: %s %s %s", ref.name, aws.ToString(e.LogicalResourceId), aws.ToString(e.ResourceType), e.ResourceStatus)
		if r := aws.ToString(e.ResourceStatusReason); r != "" {
			line += " — " + r
		}
		out.printf("%s", line)
	}
}

// failureReason explains a stack that did not complete: its own status reason and the
// first resource that failed, with the reason CloudFormation gave.
func failureReason(ctx context.Context, cf CloudFormationAPI, ref stackRef, s cfntypes.Stack) string {
	reason := aws.ToString(s.StackStatusReason)
	ev, err := cf.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(ref.id)})
	if err == nil {
		for i := len(ev.StackEvents) - 1; i >= 0; i-- {
			e := ev.StackEvents[i]
			if strings.HasSuffix(string(e.ResourceStatus), "_FAILED") && aws.ToString(e.LogicalResourceId) != ref.name {
				return fmt.Sprintf("%s %s: %s", aws.ToString(e.LogicalResourceId), e.ResourceStatus, aws.ToString(e.ResourceStatusReason))
			}
		}
	}
	if reason == "" {
		reason = "no reason given"
	}
	return reason
}

// deleteAll deletes the stacks and waits until each is DELETE_COMPLETE. It returns the
// stacks not known to be deleted when it returns (on error or when ctx ends).
func deleteAll(ctx context.Context, cf CloudFormationAPI, refs []stackRef, poll time.Duration, out *lineWriter) (left []stackRef, err error) {
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, ref := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if e := deleteOne(ctx, cf, ref, poll, out); e != nil {
				mu.Lock()
				left = append(left, ref)
				errs = append(errs, e)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Slice(left, func(i, j int) bool { return left[i].name < left[j].name })
	return left, errors.Join(errs...)
}

// deleteOne deletes a stack and waits for DELETE_COMPLETE. If the stack was busy (a
// creation or rollback still running) and the delete did not take, it asks again once the
// stack has settled.
func deleteOne(ctx context.Context, cf CloudFormationAPI, ref stackRef, poll time.Duration, out *lineWriter) error {
	var deleteErr error
	requested := false
	for {
		if !requested {
			if _, deleteErr = cf.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(ref.id)}); deleteErr == nil {
				requested = true
				out.printf("  %s: DELETE_IN_PROGRESS", ref.name)
			} else if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		d, err := cf.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(ref.id)})
		if err != nil {
			return fmt.Errorf("stack %s: DescribeStacks: %w", ref.name, err)
		}
		if len(d.Stacks) == 0 {
			return nil
		}
		s := d.Stacks[0]
		switch status := string(s.StackStatus); {
		case s.StackStatus == cfntypes.StackStatusDeleteComplete:
			out.printf("  %s: DELETE_COMPLETE", ref.name)
			return nil
		case s.StackStatus == cfntypes.StackStatusDeleteFailed:
			return fmt.Errorf("stack %s: DELETE_FAILED: %s", ref.name, failureReason(ctx, cf, ref, s))
		case s.StackStatus == cfntypes.StackStatusDeleteInProgress:
		case strings.HasSuffix(status, "_IN_PROGRESS"):
			requested = false // busy: ask again when it has settled
		default:
			if deleteErr != nil {
				return fmt.Errorf("stack %s: DeleteStack: %w", ref.name, deleteErr)
			}
			requested = false
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
