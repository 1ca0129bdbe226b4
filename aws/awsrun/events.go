package awsrun

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deploybench/deploybench/platform"
)

// resourceTime is how long CloudFormation took to create one resource, from its
// CREATE_IN_PROGRESS to its CREATE_COMPLETE event.
type resourceTime struct {
	logicalID, typ string
	start, done    time.Time
}

// resourceTimes reads a completed stack's events and times each resource's creation.
func resourceTimes(ctx context.Context, cf CloudFormationAPI, ref stackRef) ([]resourceTime, error) {
	byID := map[string]*resourceTime{}
	p := cloudformation.NewDescribeStackEventsPaginator(cf, &cloudformation.DescribeStackEventsInput{StackName: aws.String(ref.id)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range page.StackEvents {
			id := aws.ToString(e.LogicalResourceId)
			if id == ref.name || e.Timestamp == nil {
				continue
			}
			rt := byID[id]
			if rt == nil {
				rt = &resourceTime{logicalID: id, typ: aws.ToString(e.ResourceType)}
				byID[id] = rt
			}
			switch e.ResourceStatus {
			case cfntypes.ResourceStatusCreateInProgress:
				// The first one: a resource may report progress more than once.
				if rt.start.IsZero() || e.Timestamp.Before(rt.start) {
					rt.start = *e.Timestamp
				}
			case cfntypes.ResourceStatusCreateComplete:
				rt.done = *e.Timestamp
			}
		}
	}
	var out []resourceTime
	for _, rt := range byID {
		if !rt.start.IsZero() && !rt.done.IsZero() && !rt.done.Before(rt.start) {
			out = append(out, *rt)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].start.Before(out[j].start) || out[i].start.Equal(out[j].start) && out[i].logicalID < out[j].logicalID
	})
	return out, nil
}

// stackEvents turns resource creation times into platform events, in the vocabulary local
// runs use where CloudFormation measures the same thing: an EC2 instance's CREATE_COMPLETE
// comes when it is running (launch → running, before the OS has booted), and an ECS
// service's when its tasks are running and the service is stable (task start plus the
// load balancer's health checks). Every resource also gets a stack_resource event.
func stackEvents(rts []resourceTime) []platform.Event {
	var out []platform.Event
	for _, rt := range rts {
		took := rt.done.Sub(rt.start).Round(time.Millisecond)
		out = append(out, platform.Event{At: rt.done, Kind: "stack_resource", Instance: rt.logicalID,
			Detail: fmt.Sprintf("%s created in %s", rt.typ, took)})
		switch rt.typ {
		case "AWS::EC2::Instance":
			out = append(out, platform.Event{At: rt.done, Kind: "boot_done", Instance: rt.logicalID,
				Detail: "launch→running (CloudFormation, OS boot not included) " + took.String()})
		case "AWS::ECS::Service":
			out = append(out, platform.Event{At: rt.done, Kind: "task_running", Instance: rt.logicalID,
				Detail: "service create→stable (CloudFormation, health checks included) " + took.String()})
		}
	}
	return out
}
