package sim

import (
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/load/schedule"
	"github.com/deploybench/deploybench/sim/engine"
)

// Source generates requests on the engine: open sources schedule arrivals themselves,
// closed ones react to completions.
type Source interface {
	// Begin schedules the first requests; start is the load's start (ns), send routes one
	// request with a tag the source gets back in Completed.
	Begin(eng *engine.Engine, start int64, send func(tag int32))
	// Completed is called when the request tagged tag has ended (served or failed).
	Completed(tag int32)
	// End is the offset (ns since start) at which the source stops, or -1 when it ends by
	// itself (batches, request counts).
	End() int64
	// Expected is the number of requests the source will send, or -1 when unknown.
	Expected() int64
}

// openSource replays a schedule through the load package's own pacer.
type openSource struct {
	sched    schedule.Schedule
	pacer    *schedule.Pacer
	limit    int64
	sent     int64
	eng      *engine.Engine
	start    int64
	send     func(int32)
	hid      int32
	duration time.Duration
}

// NewOpenSource returns a source that sends requests on sched with the given spacing
// (uniform or poisson) and seed, at most limit of them (0: no limit).
func NewOpenSource(sched schedule.Schedule, spacing schedule.Spacing, seed uint64, limit int64) Source {
	s := &openSource{sched: sched, limit: limit}
	s.pacer = schedule.NewPacer(&s.sched, spacing, seed)
	s.duration = s.sched.Duration()
	return s
}

// Begin implements Source.
func (s *openSource) Begin(eng *engine.Engine, start int64, send func(int32)) {
	s.eng, s.start, s.send = eng, start, send
	s.hid = eng.AddHandler(s)
	s.next()
}

func (s *openSource) next() {
	if s.limit > 0 && s.sent >= s.limit {
		return
	}
	off, ok := s.pacer.Next()
	if !ok {
		return
	}
	s.eng.ScheduleLane(s.start+int64(off), s.hid)
}

// Handle implements engine.Handler: one arrival.
func (s *openSource) Handle(int32, uint32) {
	s.sent++
	s.send(-1)
	s.next()
}

// Completed implements Source.
func (s *openSource) Completed(int32) {}

// End implements Source.
func (s *openSource) End() int64 { return int64(s.duration) }

// Expected implements Source.
func (s *openSource) Expected() int64 {
	n := int64(s.sched.Expected() + 0.5)
	if s.limit > 0 && s.limit < n {
		return s.limit
	}
	return n
}

// closedSource is the closed model: users that send, wait for the answer and think. A
// batch is a closed source whose users all wait for each other between rounds.
type closedSource struct {
	users    int
	think    load.Think
	duration time.Duration
	limit    int64
	batch    *load.Batch
	rng      *rand.Rand

	eng     *engine.Engine
	start   int64
	send    func(int32)
	hid     int32
	sent    int64
	rounds  int
	waiting int
}

// Handle implements engine.Handler: user arg sends its next request (or a batch starts).
func (s *closedSource) Handle(arg int32, _ uint32) {
	if s.batch != nil {
		s.rounds++
		s.waiting = s.batch.Parallel
		for i := 0; i < s.batch.Parallel; i++ {
			s.sent++
			s.send(int32(i))
		}
		return
	}
	if s.duration > 0 && s.eng.Nanos()-s.start >= int64(s.duration) {
		return
	}
	if s.limit > 0 && s.sent >= s.limit {
		return
	}
	s.sent++
	s.send(arg)
}

// Begin implements Source.
func (s *closedSource) Begin(eng *engine.Engine, start int64, send func(int32)) {
	s.eng, s.start, s.send = eng, start, send
	s.hid = eng.AddHandler(s)
	if s.batch != nil {
		eng.Schedule(start, s.hid, 0, 0)
		return
	}
	for u := 0; u < s.users; u++ {
		eng.Schedule(start, s.hid, int32(u), 0)
	}
}

// Completed implements Source.
func (s *closedSource) Completed(tag int32) {
	if s.batch != nil {
		s.waiting--
		if s.waiting == 0 && s.rounds < s.batch.Repeats {
			s.eng.Schedule(s.eng.Nanos()+int64(s.batch.Pause), s.hid, 0, 0)
		}
		return
	}
	th := int64(s.think.Min)
	if s.think.Max > s.think.Min {
		th += s.rng.Int64N(int64(s.think.Max - s.think.Min))
	}
	s.eng.Schedule(s.eng.Nanos()+th, s.hid, tag, 0)
}

// End implements Source.
func (s *closedSource) End() int64 {
	if s.batch == nil && s.duration > 0 {
		return int64(s.duration)
	}
	return -1
}

// Expected implements Source.
func (s *closedSource) Expected() int64 {
	if s.batch != nil {
		return int64(s.batch.Parallel * s.batch.Repeats)
	}
	return s.limit
}

// SourceFromLoad builds the source of a scenario's load: the same executors as a live
// run, with arrivals placed by the load package's pacer. seed overrides the load's own
// seed when non-zero.
func SourceFromLoad(c load.Config, seed uint64) (Source, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if seed == 0 {
		seed = c.Seed
	}
	if seed == 0 {
		seed = load.DefaultSeed
	}
	spacing := schedule.Uniform
	if c.Spacing != "" {
		sp, err := schedule.ParseSpacing(c.Spacing)
		if err != nil {
			return nil, fmt.Errorf("load.spacing: %v", err)
		}
		spacing = sp
	}
	switch c.Kind() {
	case load.ConstantRate:
		d := c.Duration.D()
		if d == 0 && c.Requests > 0 {
			d = time.Duration(float64(c.Requests)/c.Rate*float64(time.Second)) + time.Second
		}
		return NewOpenSource(schedule.Constant(c.Rate, d), spacing, seed, c.Requests), nil
	case load.RampingRate:
		st := make([]schedule.Stage, len(c.Stages))
		for i, g := range c.Stages {
			st[i] = schedule.Stage{Duration: g.Duration.D(), Target: g.Target}
		}
		return NewOpenSource(schedule.Ramp(c.StartRate, st), spacing, seed, 0), nil
	case load.TraceReplay:
		f, err := os.Open(c.Trace)
		if err != nil {
			return nil, fmt.Errorf("load.trace: %v", err)
		}
		defer f.Close()
		speed := c.TraceSpeedup
		if speed == 0 {
			speed = 1
		}
		sc, err := schedule.ParseTrace(f, speed)
		if err != nil {
			return nil, fmt.Errorf("load.trace: %v", err)
		}
		return NewOpenSource(sc, spacing, seed, 0), nil
	case load.Closed:
		return &closedSource{users: c.VUs, think: c.Think, duration: c.Duration.D(), limit: c.Requests,
			rng: rand.New(rand.NewPCG(seed, 0xc105ed))}, nil
	case load.BatchParallel:
		return &closedSource{batch: c.Batch, rng: rand.New(rand.NewPCG(seed, 0xba7c4))}, nil
	}
	return nil, fmt.Errorf("load: executor %q cannot be simulated", c.Kind())
}
