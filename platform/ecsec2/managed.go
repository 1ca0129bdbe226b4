package ecsec2

import (
	"fmt"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/autoscale"
	"github.com/deploybench/deploybench/platform/ecs"
	"github.com/deploybench/deploybench/platform/ecs/cluster"
)

// Required is M of CapacityProviderReservation: the instances the tasks need — those
// running at least one task, plus the fresh instances the tasks waiting in PROVISIONING
// would fill (perInstance tasks each). Source: [doc] cluster-auto-scaling.html.
func Required(busy, waiting, perInstance int) int {
	if waiting <= 0 || perInstance <= 0 {
		return busy
	}
	return busy + (waiting+perInstance-1)/perInstance
}

// scaler is capacity provider managed scaling: it publishes CapacityProviderReservation
// (M over N, with N the instances launched and not terminated) at every sample, runs the
// capacity provider's two alarms on it — AlarmHigh (above the target, 1 of 1 datapoints)
// and AlarmLow (below it, 15 of 15) — and, while one is in ALARM, sizes the group with
// autoscale.ManagedScaling.Decide on the current M and N. Scale-in terminates only empty
// instances past their warm-up (managed termination protection).
type scaler struct {
	clock    platform.Clock
	cluster  *cluster.Cluster
	log      *ecs.Log
	ms       autoscale.ManagedScaling // warm-up compressed
	min, max int
	metric   *autoscale.Metric
	high     autoscale.AlarmConfig
	low      autoscale.AlarmConfig
	sample   time.Duration
	every    time.Duration // alarm evaluation interval

	mu        sync.Mutex
	stopped   bool
	timer     platform.Timer
	nextEval  time.Time
	highState autoscale.AlarmState
	lowState  autoscale.AlarmState
	buf       []autoscale.Datapoint
}

func newScaler(clock platform.Clock, cluster *cluster.Cluster, log *ecs.Log, cfg Config) (*scaler, error) {
	d := autoscale.AWSDefaults()
	sd, err := d.Scaled(cfg.Timescale)
	if err != nil {
		return nil, err
	}
	ms := cfg.managedScaling().WithDefaults(d, cfg.Timescale)
	if err := ms.Validate(); err != nil {
		return nil, err
	}
	mc := autoscale.MetricConfig{Name: "CapacityProviderReservation", Period: d.MetricPeriod, Delay: cfg.ReservationMetricDelay}.Scaled(cfg.Timescale)
	if cfg.ReservationMetricDelay == 0 {
		mc.Delay = 0
	}
	m, err := autoscale.NewMetric(mc)
	if err != nil {
		return nil, err
	}
	return &scaler{
		clock: clock, cluster: cluster, log: log, ms: ms, min: cfg.Instances.Min, max: cfg.Instances.Max, metric: m,
		high: autoscale.AlarmConfig{Name: "CapacityProvider-AlarmHigh", Period: mc.Period, Comparison: autoscale.GreaterThanThreshold,
			Threshold: ms.TargetCapacity, EvaluationPeriods: d.CapacityScaleOutDatapoints, DatapointsToAlarm: d.CapacityScaleOutDatapoints},
		low: autoscale.AlarmConfig{Name: "CapacityProvider-AlarmLow", Period: mc.Period, Comparison: autoscale.LessThanThreshold,
			Threshold: ms.TargetCapacity, EvaluationPeriods: d.ScaleInDatapoints, DatapointsToAlarm: d.ScaleInDatapoints},
		sample: cfg.SampleInterval, every: sd.EvaluationInterval,
	}, nil
}

// observe returns M and N now, and the empty instances that may be terminated.
func (s *scaler) observe(now time.Time) (required, running int, idle []string) {
	pending, active, busy := 0, 0, 0
	for _, in := range s.cluster.Instances() {
		switch in.State {
		case cluster.InstancePending:
			pending++
		case cluster.InstanceActive:
			active++
			if in.Tasks > 0 {
				busy++
			} else if !now.Before(in.ActiveAt.Add(s.ms.InstanceWarmup)) {
				idle = append(idle, in.ID)
			}
		}
	}
	return Required(busy, s.cluster.Waiting(), s.cluster.TasksPerInstance()), pending + active, idle
}

func (s *scaler) start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextEval = s.clock.Now().Add(s.every)
	s.timer = s.clock.AfterFunc(s.sample, s.tick)
}

func (s *scaler) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	if s.timer != nil {
		s.timer.Stop()
	}
}

func (s *scaler) tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	now := s.clock.Now()
	m, n, idle := s.observe(now)
	s.metric.Put("cluster", now, autoscale.CapacityProviderReservation(m, n))
	if !now.Before(s.nextEval) {
		s.nextEval = s.nextEval.Add(s.every)
		s.evaluate(now, m, n, idle)
	}
	s.timer = s.clock.AfterFunc(s.sample, s.tick)
}

func (s *scaler) evaluate(now time.Time, m, n int, idle []string) {
	s.highState = s.alarm(now, s.high, s.highState)
	s.lowState = s.alarm(now, s.low, s.lowState)
	if s.highState != autoscale.Alarm && s.lowState != autoscale.Alarm {
		return
	}
	want := autoscale.Clamp(s.ms.Decide(m, n), s.min, s.max)
	reason := fmt.Sprintf("CapacityProviderReservation %.0f %% (M=%d, N=%d), target %g %%", autoscale.CapacityProviderReservation(m, n), m, n, s.ms.TargetCapacity)
	switch {
	case want > n && s.highState == autoscale.Alarm:
		s.log.Emit("capacity_scale", "", fmt.Sprintf("instances %d → %d: %s", n, want, reason))
		s.cluster.Launch(want-n, "managed scaling")
	case want < n && s.lowState == autoscale.Alarm:
		k := min(n-want, len(idle))
		if k == 0 {
			return
		}
		s.log.Emit("capacity_scale", "", fmt.Sprintf("instances %d → %d: %s", n, n-k, reason))
		for i := len(idle) - 1; i >= len(idle)-k; i-- { // newest empty instances first
			_ = s.cluster.Terminate(idle[i], "managed scaling scale-in")
		}
	}
}

func (s *scaler) alarm(now time.Time, a autoscale.AlarmConfig, prev autoscale.AlarmState) autoscale.AlarmState {
	s.buf = s.metric.Recent(s.buf, now, a.Period, a.EvaluationPeriods, autoscale.Average)
	st := a.Evaluate(prev, s.buf)
	if st != prev {
		v := "missing"
		if dp := s.buf[len(s.buf)-1]; dp.OK {
			v = fmt.Sprintf("%.0f", dp.Value)
		}
		s.log.Emit("capacity_alarm", "", fmt.Sprintf("%s %s (value %s)", a.Name, st, v))
	}
	return st
}
