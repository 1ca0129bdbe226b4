package queue

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/deploybench/deploybench/mnist"
	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/fleet"
)

// WorkerDriver makes the fleet Driver that starts worker tasks, once the broker's URL and
// stream are known (live: a runtime backend running RunWorker; see LiveDriver).
type WorkerDriver func(natsURL, stream string) (fleet.Driver, error)

// Env is the world a Bench runs in.
type Env struct {
	// Clock is the platform clock (the wall clock when nil).
	Clock platform.Clock
	// Driver starts the workers; required.
	Driver WorkerDriver
	// OnEvent receives every platform event (task lifecycle, scaling); may be nil.
	OnEvent func(platform.Event)
	// TempDir holds the embedded broker's store ("" = system temp).
	TempDir string
}

// Bench is a running queue-workers platform: the broker, the service and its scaler.
type Bench struct {
	cfg    Config
	clock  platform.Clock
	broker *Broker
	log    *ecs.Log
	svc    *ecs.Service
	scaler *Scaler
	start  time.Time

	mu        sync.Mutex
	firstJob  time.Time
	enqueued  int
	closeOnce sync.Once
	closeErr  error
}

// fargateCapacity is Fargate as an ecs.Capacity: room for every task at once, after the
// provisioning delay, with a full image pull.
type fargateCapacity struct{ provision, pull time.Duration }

func (c fargateCapacity) Place(string) (ecs.Placement, bool) {
	return ecs.Placement{HostType: "fargate", Provision: c.provision, Pull: c.pull}, true
}
func (fargateCapacity) Release(string)                     {}
func (fargateCapacity) SetWaiting(int)                     {}
func (fargateCapacity) Records() []platform.InstanceRecord { return nil }
func (fargateCapacity) Close()                             {}

// Start brings the platform up idle: broker ready, service at 0 tasks, scaler running.
func Start(ctx context.Context, cfg Config, env Env) (*Bench, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if env.Driver == nil {
		return nil, errors.New("queue: Env.Driver is required")
	}
	clock := env.Clock
	if clock == nil {
		clock = platform.WallClock{}
	}
	broker, err := StartBroker(ctx, BrokerOptions{URL: cfg.NATSURL, Stream: cfg.Stream, AckWait: cfg.wall(cfg.AckWait), TempDir: env.TempDir})
	if err != nil {
		return nil, err
	}
	drv, err := env.Driver(broker.URL(), broker.Stream())
	if err != nil {
		_ = broker.Close()
		return nil, err
	}
	log := ecs.NewLog(clock, env.OnEvent)
	svc, err := ecs.NewService(ecs.ServiceOptions{
		Clock: clock, Driver: drv, Log: log, Prefix: "worker",
		Capacity: fargateCapacity{provision: cfg.wall(cfg.ProvisioningDelay),
			pull: cfg.wall(ecs.PullDuration(cfg.ImageSizeMB, cfg.PullThroughputMBps))},
		VCPU: cfg.TaskCPU, MemoryMiB: int(cfg.TaskMemoryGB*1024 + 0.5), Arch: cfg.Arch, Timescale: cfg.Timescale,
	})
	if err != nil {
		_ = broker.Close()
		return nil, err
	}
	b := &Bench{cfg: cfg, clock: clock, broker: broker, log: log, svc: svc, start: clock.Now()}
	svc.SetDesired(cfg.MinTasks)
	b.scaler = NewScaler(clock, broker, svc, cfg.Policy(), cfg.wall(cfg.MetricPeriod),
		func(reason string) { log.Emit("scaling", "service", reason) })
	b.scaler.Start()
	return b, nil
}

// Broker is the bench's queue.
func (b *Bench) Broker() *Broker { return b.broker }

// Service is the bench's ECS service.
func (b *Bench) Service() *ecs.Service { return b.svc }

// Config is the bench's config, defaults applied.
func (b *Bench) Config() Config { return b.cfg }

// Jobs returns n jobs of the configured work, IDs prefix-000001…, each with a test digit
// when the config classifies.
func (b *Bench) Jobs(prefix string, n int) ([]Job, error) {
	var test *mnist.Dataset
	if b.cfg.Classify {
		split, err := mnist.Embedded()
		if err != nil {
			return nil, fmt.Errorf("queue: digits for the jobs: %w", err)
		}
		test = split.Test
	}
	jobs := make([]Job, n)
	for i := range jobs {
		jobs[i] = Job{ID: fmt.Sprintf("%s-%06d", prefix, i+1), WorkMS: b.cfg.JobWork.Milliseconds(),
			BurnUS: b.cfg.wall(b.cfg.JobWork).Microseconds()}
		if test != nil {
			k := i % test.Len()
			jobs[i].Digit, jobs[i].Label = test.Images[k*mnist.Pixels:(k+1)*mnist.Pixels], int(test.Labels[k])
		}
	}
	return jobs, nil
}

// Enqueue stamps and publishes jobs.
func (b *Bench) Enqueue(ctx context.Context, jobs ...Job) error {
	now := b.clock.Now()
	b.mu.Lock()
	if b.firstJob.IsZero() && len(jobs) > 0 {
		b.firstJob = now
	}
	b.mu.Unlock()
	for i := range jobs {
		jobs[i].EnqueuedAt = time.Now().UnixNano()
	}
	n, err := b.broker.Enqueue(ctx, jobs...)
	b.mu.Lock()
	b.enqueued += n
	b.mu.Unlock()
	if err == nil {
		b.log.Emit("jobs_enqueued", "queue", fmt.Sprintf("%d jobs", n))
	}
	return err
}

// WaitDone waits until n jobs have a completion record.
func (b *Bench) WaitDone(ctx context.Context, n int) error {
	return poll(ctx, func() (bool, error) {
		done, err := b.broker.Done(ctx)
		return done >= n, err
	})
}

// WaitTasks waits until the service has exactly n running tasks and desired n, with no
// task in another state.
func (b *Bench) WaitTasks(ctx context.Context, n int) error {
	return poll(ctx, func() (bool, error) {
		return b.svc.Desired() == n && b.svc.Running() == n && len(activeTasks(b.svc)) == n, nil
	})
}

func activeTasks(svc *ecs.Service) []ecs.TaskInfo {
	var out []ecs.TaskInfo
	for _, t := range svc.Tasks() {
		if t.State != ecs.Stopped {
			out = append(out, t)
		}
	}
	return out
}

// poll checks cond every 20 ms of wall time until it holds, fails or ctx ends.
func poll(ctx context.Context, cond func() (bool, error)) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		ok, err := cond()
		if err != nil && ctx.Err() == nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Close stops the scaler and every task, then the broker (removing an embedded store).
func (b *Bench) Close(ctx context.Context) error {
	b.closeOnce.Do(func() {
		b.scaler.Stop()
		err := b.svc.Close(ctx)
		b.closeErr = errors.Join(err, b.broker.Close())
	})
	return b.closeErr
}
