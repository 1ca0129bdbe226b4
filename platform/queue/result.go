package queue

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/deploybench/deploybench/pricing"
	"github.com/deploybench/deploybench/pricing/billing"
)

// Result is what a run measured. Durations are platform time in seconds: wall time ×
// timescale, because every delay and every job's work was compressed alike.
type Result struct {
	Jobs                 int     `json:"jobs"`
	JobWorkS             float64 `json:"job_work_s"`
	TaskCPU              float64 `json:"task_cpu"`
	TaskMemoryGB         float64 `json:"task_memory_gb"`
	Arch                 string  `json:"arch"`
	MinTasks             int     `json:"min_tasks"`
	MaxTasks             int     `json:"max_tasks"`
	TargetBacklogPerTask float64 `json:"target_backlog_per_task"`
	Timescale            float64 `json:"timescale"`
	Broker               string  `json:"broker"`
	Region               string  `json:"region"`

	// IdleTasksMax is the most tasks seen during the idle phase (0 expected).
	IdleTasksMax int `json:"idle_tasks_max"`
	// TimeToFirstTaskS is first job enqueued → first task RUNNING.
	TimeToFirstTaskS float64 `json:"time_to_first_task_s"`
	// DrainS is first job enqueued → last job done; BackToZeroS → no task left.
	DrainS      float64 `json:"drain_s"`
	BackToZeroS float64 `json:"back_to_zero_s"`
	// Completed counts completion records; Redelivered those delivered more than once.
	Completed   int `json:"completed"`
	Redelivered int `json:"redelivered"`
	// Classified counts jobs whose digit the workers read; Accuracy the share read right.
	Classified int     `json:"classified"`
	Accuracy   float64 `json:"accuracy,omitempty"`
	// Latency is enqueue → done over every job.
	LatencyP50S float64 `json:"latency_p50_s"`
	LatencyP95S float64 `json:"latency_p95_s"`
	LatencyMaxS float64 `json:"latency_max_s"`
	// TasksStarted counts tasks run; PeakTasks the most running at once.
	TasksStarted int `json:"tasks_started"`
	PeakTasks    int `json:"peak_tasks"`
	// TaskSeconds is the billed-from-pull task time (before the 1-minute minimum);
	// CostUSD the Fargate bill, CostPer1000Jobs that ÷ jobs × 1,000.
	TaskSeconds     float64 `json:"task_seconds"`
	CostUSD         float64 `json:"cost_usd"`
	CostPer1000Jobs float64 `json:"cost_per_1000_jobs_usd"`
	// Timeline is the scaler's datapoints; Events the platform's events.
	Timeline []TimelinePoint `json:"timeline"`
	Events   []EventPoint    `json:"events"`
}

// TimelinePoint is one scaler datapoint at T seconds of platform time since the start.
type TimelinePoint struct {
	T       float64 `json:"t"`
	Backlog int     `json:"backlog"`
	Running int     `json:"running"`
	Desired int     `json:"desired"`
}

// EventPoint is one platform event at T seconds of platform time since the start.
type EventPoint struct {
	T      float64 `json:"t"`
	Kind   string  `json:"kind"`
	ID     string  `json:"id,omitempty"`
	Detail string  `json:"detail,omitempty"`
}

// Run is the whole scenario: idle (0 tasks) → a burst of cfg.Jobs jobs → workers start
// and drain the queue → back to 0 tasks. Everything it started is stopped on return.
func Run(ctx context.Context, cfg Config, env Env) (*Result, error) {
	b, err := Start(ctx, cfg, env)
	if err != nil {
		return nil, err
	}
	defer b.Close(context.Background())
	cfg = b.cfg
	idle := make(chan struct{})
	t := b.clock.AfterFunc(cfg.wall(cfg.Idle), func() { close(idle) })
	select {
	case <-idle:
	case <-ctx.Done():
		t.Stop()
		return nil, fmt.Errorf("queue: idle phase: %w", ctx.Err())
	}
	jobs, err := b.Jobs("job", cfg.Jobs)
	if err != nil {
		return nil, err
	}
	if err := b.Enqueue(ctx, jobs...); err != nil {
		return nil, err
	}
	if err := b.WaitDone(ctx, cfg.Jobs); err != nil {
		return nil, fmt.Errorf("queue: waiting for %d jobs to be done: %w", cfg.Jobs, err)
	}
	if err := b.WaitTasks(ctx, cfg.MinTasks); err != nil {
		return nil, fmt.Errorf("queue: waiting for the service to scale back to %d tasks: %w", cfg.MinTasks, err)
	}
	return b.Result(ctx)
}

// Result computes the figures so far; call it once the jobs are done and the service is
// back to its minimum.
func (b *Bench) Result(ctx context.Context) (*Result, error) {
	cfg := b.cfg
	r := &Result{Jobs: cfg.Jobs, JobWorkS: cfg.JobWork.Seconds(), TaskCPU: cfg.TaskCPU, TaskMemoryGB: cfg.TaskMemoryGB,
		Arch: cfg.Arch, MinTasks: cfg.MinTasks, MaxTasks: cfg.MaxTasks, TargetBacklogPerTask: cfg.TargetBacklogPerTask,
		Timescale: cfg.Timescale, Broker: "embedded nats-server", Region: cfg.Region}
	if cfg.NATSURL != "" {
		r.Broker = cfg.NATSURL
	}
	ps := func(d time.Duration) float64 { return round3(d.Seconds() * cfg.Timescale) }
	b.mu.Lock()
	first := b.firstJob
	b.mu.Unlock()

	for _, p := range b.scaler.Points() {
		r.Timeline = append(r.Timeline, TimelinePoint{T: ps(p.At.Sub(b.start)), Backlog: p.Backlog, Running: p.Running, Desired: p.Desired})
		if first.IsZero() || p.At.Before(first) {
			r.IdleTasksMax = max(r.IdleTasksMax, p.Running, p.Desired)
		}
		r.PeakTasks = max(r.PeakTasks, p.Running)
	}
	// The run ends as soon as the service is back to its minimum, usually between two
	// datapoints: a final point shows where it ended.
	if backlog, err := b.broker.Backlog(ctx); err == nil {
		r.Timeline = append(r.Timeline, TimelinePoint{T: ps(b.clock.Now().Sub(b.start)), Backlog: backlog,
			Running: b.svc.Running(), Desired: b.svc.Desired()})
	}
	var lastStop time.Time
	for _, e := range b.log.Events() {
		r.Events = append(r.Events, EventPoint{T: ps(e.At.Sub(b.start)), Kind: e.Kind, ID: e.Instance, Detail: e.Detail})
		switch e.Kind {
		case "task_running":
			if !first.IsZero() && !e.At.Before(first) && r.TimeToFirstTaskS == 0 {
				r.TimeToFirstTaskS = ps(e.At.Sub(first))
			}
		case "task_stopped":
			lastStop = e.At
		case "task_provisioning":
			r.TasksStarted++
		}
	}
	if !first.IsZero() && lastStop.After(first) && b.svc.Desired() == 0 {
		r.BackToZeroS = ps(lastStop.Sub(first))
	}
	if err := b.latencies(ctx, r, first); err != nil {
		return nil, err
	}
	if err := b.cost(r); err != nil {
		return nil, err
	}
	return r, nil
}

func (b *Bench) latencies(ctx context.Context, r *Result, first time.Time) error {
	comps, err := b.broker.Completions(ctx)
	if err != nil {
		return err
	}
	lat := make([]float64, 0, len(comps))
	var lastDone int64
	for _, c := range comps {
		lat = append(lat, float64(c.DoneAt-c.EnqueuedAt)/1e9*b.cfg.Timescale)
		lastDone = max(lastDone, c.DoneAt)
		if c.Deliveries > 1 {
			r.Redelivered++
		}
		if c.Predicted >= 0 {
			r.Classified++
			if c.Predicted == c.Label {
				r.Accuracy++
			}
		}
	}
	r.Completed = len(comps)
	if r.Classified > 0 {
		r.Accuracy = round3(r.Accuracy / float64(r.Classified))
	}
	slices.Sort(lat)
	r.LatencyP50S, r.LatencyP95S = round3(percentile(lat, 50)), round3(percentile(lat, 95))
	if len(lat) > 0 {
		r.LatencyMaxS = round3(lat[len(lat)-1])
	}
	if !first.IsZero() && lastDone > 0 {
		// The completion times are wall clock; first is the platform clock, which is the
		// wall clock whenever real workers run.
		r.DrainS = round3(float64(lastDone-first.UnixNano()) / 1e9 * b.cfg.Timescale)
	}
	return nil
}

func (b *Bench) cost(r *Result) error {
	cat, err := pricing.Embedded()
	if err != nil {
		return err
	}
	book, err := cat.Book(b.cfg.Region)
	if err != nil {
		return fmt.Errorf("queue.region: %w", err)
	}
	now := b.svc.PlatformTime(b.clock.Now())
	var u billing.Usage
	for _, rec := range b.svc.Records() {
		end := rec.EndedAt
		if end.IsZero() {
			end = now
		}
		r.TaskSeconds += end.Sub(rec.StartedAt).Seconds()
		u.Tasks = append(u.Tasks, billing.TaskUsage{ID: rec.ID, VCPU: rec.VCPU, MemoryGB: rec.MemoryGB, Arch: rec.Arch,
			Spot: rec.Spot, Start: rec.StartedAt, End: end})
	}
	r.TaskSeconds = round3(r.TaskSeconds)
	bill, err := billing.Price(book, u)
	if err != nil {
		return fmt.Errorf("queue: pricing the tasks: %w", err)
	}
	r.CostUSD = bill.Total()
	if r.Jobs > 0 {
		r.CostPer1000Jobs = r.CostUSD / float64(r.Jobs) * 1000
	}
	return nil
}

// percentile is the nearest-rank percentile of sorted xs (0 when empty).
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
