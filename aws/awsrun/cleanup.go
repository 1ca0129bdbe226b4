package awsrun

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// CleanupOptions selects the stacks a cleanup deletes.
type CleanupOptions struct {
	// RunID, if set, selects only that run's stacks.
	RunID string
	// OlderThan, if positive, selects only stacks created longer ago than this.
	OlderThan time.Duration
	// Yes skips the confirmation; otherwise Confirm must return true.
	Yes     bool
	Confirm func(prompt string) (bool, error)
	// Poll is the interval between DescribeStacks calls; default 5 s.
	Poll time.Duration
	// Now is the clock the age is measured against; default time.Now.
	Now func() time.Time
	// Out receives the list and progress lines.
	Out io.Writer
}

// FoundStack is a deploybench stack a cleanup found.
type FoundStack struct {
	Name, ID, Status, RunID, Platform string
	Created                           time.Time
}

// FindStacks lists the deploybench stacks (tagged deploybench:run-id) that still exist,
// filtered by run ID and age.
func FindStacks(ctx context.Context, cf CloudFormationAPI, runID string, olderThan time.Duration, now time.Time) ([]FoundStack, error) {
	var out []FoundStack
	in := &cloudformation.DescribeStacksInput{}
	for {
		d, err := cf.DescribeStacks(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("DescribeStacks: %w", err)
		}
		for _, s := range d.Stacks {
			tags := map[string]string{}
			for _, t := range s.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			id, ok := tags[TagRunID]
			if !ok || (runID != "" && id != runID) || s.StackStatus == cfntypes.StackStatusDeleteComplete {
				continue
			}
			created := aws.ToTime(s.CreationTime)
			if olderThan > 0 && now.Sub(created) < olderThan {
				continue
			}
			out = append(out, FoundStack{Name: aws.ToString(s.StackName), ID: aws.ToString(s.StackId), Status: string(s.StackStatus),
				RunID: id, Platform: tags[TagPlatform], Created: created})
		}
		if d.NextToken == nil {
			return out, nil
		}
		in.NextToken = d.NextToken
	}
}

// Cleanup finds deploybench's stacks, prints them, and after confirmation deletes them
// and waits until they are gone. It returns the stacks it deleted.
func Cleanup(ctx context.Context, c Clients, o CleanupOptions) ([]FoundStack, error) {
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.RunID != "" && !runIDPattern.MatchString(o.RunID) {
		return nil, fmt.Errorf("--run-id %q is not a deploybench run ID (lower-case letters, digits and dashes)", o.RunID)
	}
	if o.OlderThan < 0 {
		return nil, fmt.Errorf("--older-than %s is negative; give an age like 2h", o.OlderThan)
	}
	now := o.Now()
	found, err := FindStacks(ctx, c.CloudFormation, o.RunID, o.OlderThan, now)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		fmt.Fprintln(o.Out, "no deploybench stacks to delete")
		return nil, nil
	}
	fmt.Fprintf(o.Out, "%d deploybench stacks:\n", len(found))
	for _, f := range found {
		fmt.Fprintf(o.Out, "  %s  run %s  platform %s  %s  created %s (%s ago)\n", f.Name, f.RunID, f.Platform, f.Status,
			f.Created.UTC().Format(time.RFC3339), now.Sub(f.Created).Round(time.Second))
	}
	if !o.Yes {
		if o.Confirm == nil {
			return nil, fmt.Errorf("%w: pass --yes to delete them, or run in a terminal to confirm", ErrNotConfirmed)
		}
		ok, err := o.Confirm(fmt.Sprintf("delete these %d stacks? type yes to continue: ", len(found)))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotConfirmed, err)
		}
		if !ok {
			return nil, fmt.Errorf("%w: nothing was deleted", ErrNotConfirmed)
		}
	}
	refs := make([]stackRef, len(found))
	for i, f := range found {
		refs[i] = stackRef{f.Name, f.ID}
	}
	left, err := deleteAll(ctx, c.CloudFormation, refs, o.Poll, &lineWriter{w: o.Out})
	if len(left) > 0 {
		return found, fmt.Errorf("%w: %d of %d stacks not deleted: %s", ErrStacksLeft, len(left), len(found), oneLine(err))
	}
	fmt.Fprintf(o.Out, "deleted %d stacks\n", len(found))
	return found, nil
}
