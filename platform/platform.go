package platform

import (
	"context"
	"time"
)

// Platform is one deployment option under test (a single EC2 instance, an ASG behind an
// ALB, an ECS service, Lambda behind API Gateway, ...). The runner starts it, points the
// load generator at URL, polls Status for progress and timelines, and prices Usage.
type Platform interface {
	// Kind names the platform model: "ec2", "asg", "ecs-ec2", "fargate", "ecs-mi", "lambda".
	Kind() string
	// Start launches the initial capacity and returns once the front door accepts requests
	// and the initial capacity is in service, or ctx ends, or the start fails.
	Start(ctx context.Context) error
	// URL is the base URL of the front door (ALB, API Gateway or the instance itself).
	URL() string
	// Status is a snapshot of capacity and utilisation now.
	Status() Status
	// Stop terminates everything the platform started and stops its controllers.
	Stop(ctx context.Context) error
	// Usage returns the metered resource records so far (for billing).
	Usage() Usage
}

// Status is a point-in-time view of a platform's capacity.
type Status struct {
	At time.Time `json:"t"`
	// Desired is the capacity the control plane wants (instances, tasks or environments).
	Desired int `json:"desired"`
	// Pending counts capacity launching or booting; InService counts capacity serving;
	// Draining counts capacity being removed.
	Pending   int `json:"pending"`
	InService int `json:"in_service"`
	Draining  int `json:"draining"`
	// CPU is the average measured CPU utilisation (% of allowance) of in-service capacity.
	CPU float64 `json:"cpu_pct"`
	// MemoryMiB is the total measured memory of running capacity.
	MemoryMiB float64 `json:"memory_mib"`
}

// Event is something the control plane did or saw: a launch, a target turning healthy, a
// scaling decision, a cold start, a throttle.
type Event struct {
	At       time.Time `json:"t"`
	Kind     string    `json:"kind"`
	Instance string    `json:"instance,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// Usage is what a platform consumed, in the units its AWS bill is computed from.
type Usage struct {
	// Instances are EC2 instance lifetimes (EC2, ASG, ECS on EC2, ECS MI).
	Instances []InstanceRecord `json:"instances,omitempty"`
	// Tasks are Fargate task lifetimes.
	Tasks []TaskRecord `json:"tasks,omitempty"`
	// Lambda aggregates Lambda invocations.
	Lambda *LambdaRecord `json:"lambda,omitempty"`
	// Requests counts requests through the front door (API Gateway requests, ALB traffic).
	Requests int64 `json:"requests"`
	// FrontDoor names the billed front door: "alb", "apigw-http", "apigw-rest" or "".
	FrontDoor string `json:"front_door,omitempty"`
	// LBNewConnections, LBActiveConnectionsPeak and LBProcessedBytes are ALB LCU dimensions.
	LBNewConnections        int64 `json:"lb_new_connections,omitempty"`
	LBActiveConnectionsPeak int64 `json:"lb_active_connections_peak,omitempty"`
	LBProcessedBytes        int64 `json:"lb_processed_bytes,omitempty"`
	// LBLCUHours is the ALB's metered LCU-hours: for each LCU period, the LCU of its highest
	// dimension × the period's length in platform time. Zero when not metered.
	LBLCUHours float64 `json:"lb_lcu_hours,omitempty"`
	// Timescale is the time compression of the run (1 when none). Every time and duration
	// in a Usage is already uncompressed platform time, so pricing never needs it.
	Timescale float64 `json:"timescale,omitempty"`
	// Start and End bound the metered period.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// InstanceRecord is one EC2 instance's billed life: from launch to termination.
type InstanceRecord struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Purchase   string    `json:"purchase"` // on-demand, spot, ri-1y-no-upfront, ...
	LaunchedAt time.Time `json:"launched_at"`
	// EndedAt is zero while the instance still runs.
	EndedAt time.Time `json:"ended_at"`
	// ManagedFee marks ECS Managed Instances, billed the management fee on top.
	ManagedFee bool `json:"managed_fee,omitempty"`
	// SurplusVCPUHours is the burstable unlimited-mode surplus credit usage.
	SurplusVCPUHours float64 `json:"surplus_vcpu_hours,omitempty"`
}

// TaskRecord is one Fargate task's billed life: from image pull start to task end.
type TaskRecord struct {
	ID        string    `json:"id"`
	VCPU      float64   `json:"vcpu"`
	MemoryGB  float64   `json:"memory_gb"`
	Arch      string    `json:"arch"`
	Spot      bool      `json:"spot,omitempty"`
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at"`
}

// LambdaRecord aggregates Lambda usage.
type LambdaRecord struct {
	MemoryMB    int    `json:"memory_mb"`
	Arch        string `json:"arch"`
	Invocations int64  `json:"invocations"`
	// BilledMillis is the sum of per-invocation billed durations (1 ms granularity),
	// including INIT for cold starts.
	BilledMillis int64 `json:"billed_ms"`
	ColdStarts   int64 `json:"cold_starts"`
	Throttles    int64 `json:"throttles"`
}
