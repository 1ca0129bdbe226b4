package sim

import (
	"context"
	"errors"
	"math"
	"sync/atomic"
	"time"

	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/platform/lambda"
	"github.com/deploybench/deploybench/platform/lb"
)

// CPUModel is how a modelled instance turns CPU work into time.
//
// Requests share the instance's CPU as processor sharing (every request in service
// progresses at once), each at most at one core's speed (a request is single-threaded).
// That is what the live runs show: the Go HTTP server works on every request at once, and
// even with GOMAXPROCS 1 the network and system-call work of one request overlaps the
// computing of another. A c-server queue with c = GOMAXPROCS (first come first served)
// put the validation's EC2 median 16 % and p95 20 % above the live ones, against +10 % and
// −1 % for processor sharing (docs/simulation.md). Servers > 0 chooses that queue, for
// apps with a fixed number of workers.
//
// In a live run one emulated vCPU is a fraction of a host core enforced by a CFS quota: the
// app may run on up to HostCores cores at once until it has used its quota of the
// current 100 ms period, then waits for the next one. A lone short request thus runs at
// full speed even on a small allowance, and only sustained load meets the limit. The
// model reproduces that with the same period. With VCPUFraction 1 and HostCores equal to
// the allowance, the quota never binds and the model is a plain VM's.
type CPUModel struct {
	// VCPUFraction is the share of a host core one emulated vCPU gets (the scenario's).
	VCPUFraction float64
	// HostCores bounds how many cores the app may run on at once (the live host's).
	HostCores float64
	// Period is the CFS period (100 ms, the kernel's default cpu.cfs_period_us).
	Period time.Duration
	// Servers, when > 0, is how many requests one machine serves at once, the others
	// waiting first come first served (an app with that many workers); 0 is processor
	// sharing.
	Servers int
}

// DefaultCFSPeriod is the kernel's default cpu.cfs_period_us (100 000 µs), which the
// runtime's process backend keeps.
const DefaultCFSPeriod = 100 * time.Millisecond

// Completer hears of every finished request on a machine: the simulator's router.
type Completer interface {
	// Done is called when a request that arrived at arrived (ns) with tag completes.
	Done(m *Machine, arrived int64, tag int32)
}

// job is one request in service on a machine.
type job struct {
	finish  float64 // attained-service level at which it completes (core-seconds)
	arrived int64
	tag     int32
}

// Machine is a modelled instance running the app: it becomes ready after the calibrated
// start-up time, serves requests by processor sharing under its CPU allowance and reports
// cumulative CPU time through Sample. It implements fleet.EventMachine. All methods but
// Stop run on the engine's goroutine; Stop may come from the fleet's stop goroutine and
// only sets a flag.
type Machine struct {
	d    *Driver
	spec fleet.MachineSpec
	hid  int32
	// ticket is the load balancer's hold on the machine's registration, from the last
	// request routed to it (set by the router, which finishes requests with it).
	ticket lb.Ticket
	// env is the Lambda environment this machine is while it serves a request, envAt
	// when the request reached it and envExtra the rest of its invoke (set by the router).
	env      *lambda.Env
	envAt    int64
	envExtra int64 // the invoke's time beyond the work, still to come when the work is done (ns)

	allow   float64 // vCPU allowance (credits may lower it)
	quota   float64 // host core-seconds per period; +Inf when it cannot bind
	peak    float64 // cores the app may use at once
	period  int64
	started int64

	jobs      []job
	servers   int   // jobs in service at most; 0 when unlimited
	wait      []job // arrived, not yet in service (finish holds the work), from head
	head      int
	v         float64 // attained service of every job in service (core-seconds)
	last      int64
	used      float64 // core-seconds used in the current period
	periodEnd int64
	throttled bool
	unlimited bool    // no CFS quota binds (a VM, or an allowance of the host's cores)
	cores     float64 // host cores of the allowance, for the load curve
	arrWin    int64   // start of the current arrival-counting second
	arrN      int     // arrivals in it
	arrRate   float64 // arrivals per second in the last whole window
	busy      float64 // cumulative host core-seconds
	fluid     float64 // cores used by aggregated-mode load, besides requests in service
	gen       uint32
	next      int64 // time of the pending machine event; -1 when none

	onExit  func()
	ready   bool
	stopped atomic.Bool
	exited  bool
	done    chan struct{}
}

var _ fleet.EventMachine = (*Machine)(nil)

// Addr implements fleet.Machine; machines have no address, only an ID.
func (m *Machine) Addr() string { return "sim:" + m.spec.Name }

// Spec is what the fleet asked for.
func (m *Machine) Spec() fleet.MachineSpec { return m.spec }

// WaitReady implements fleet.Machine; the fleet uses OnReady with an EventDriver.
func (m *Machine) WaitReady(ctx context.Context) error {
	return errors.New("sim: WaitReady is not used with an event driver")
}

// OnReady implements fleet.EventMachine: ready after the calibrated start-up time.
func (m *Machine) OnReady(f func(error)) {
	m.d.eng.AfterFunc(m.d.cal.StartupTime(), func() {
		m.ready = true
		f(nil)
	})
}

// OnExit implements fleet.EventMachine. Modelled apps never crash on their own; Stop is
// not reported as an exit because the fleet has already terminated the instance then.
func (m *Machine) OnExit(f func()) { m.onExit = f }

// Sample implements fleet.Machine: cumulative CPU in emulated vCPU-seconds.
func (m *Machine) Sample() (fleet.Sample, error) {
	m.advance(m.d.eng.Nanos())
	return fleet.Sample{At: m.d.eng.Now(), CPUSeconds: m.busy / m.d.cpu.VCPUFraction,
		MemoryBytes: uint64(m.d.cal.MemoryMiB * (1 << 20))}, nil
}

// SetVCPU implements fleet.Machine (burstable instances out of credits).
func (m *Machine) SetVCPU(vcpu float64) error {
	m.advance(m.d.eng.Nanos())
	m.setAllowance(vcpu)
	m.reschedule()
	return nil
}

func (m *Machine) setAllowance(vcpu float64) {
	m.allow = vcpu
	cores := vcpu * m.d.cpu.VCPUFraction
	m.cores = cores
	m.peak = m.d.cpu.HostCores
	if m.peak <= 0 || m.d.cpu.VCPUFraction >= 1 { // a VM: its vCPUs are its cores
		m.peak = cores
	}
	m.quota = math.Inf(1)
	if cores < m.peak {
		m.quota = cores * float64(m.period) / 1e9
	}
	m.unlimited = math.IsInf(m.quota, 1)
}

// Stop implements fleet.Machine. It may be called from any goroutine.
func (m *Machine) Stop(grace time.Duration) error {
	if !m.stopped.Swap(true) {
		close(m.done)
	}
	return nil
}

// Done implements fleet.Machine.
func (m *Machine) Done() <-chan struct{} { return m.done }

// ExitReason implements fleet.Machine.
func (m *Machine) ExitReason() string {
	if m.stopped.Load() {
		return "signal: terminated"
	}
	return ""
}

// InFlight is how many requests the machine is serving or holding.
func (m *Machine) InFlight() int { return len(m.jobs) + len(m.wait) - m.head }

// rate is each job's speed (cores) while not throttled.
func (m *Machine) rate() float64 {
	n := float64(len(m.jobs))
	if n == 0 {
		return 0
	}
	// min(1, peak/n) without math.Min's NaN and signed-zero cases, which cannot occur
	// here (peak ≥ 0, n ≥ 1): this runs several times per request.
	if r := m.peak / n; r < 1 {
		return r
	}
	return 1
}

// advance brings the attained service and CPU time up to now.
func (m *Machine) advance(now int64) {
	if m.fluid > 0 && now > m.last {
		m.busy += m.fluid * float64(now-m.last) / 1e9
	}
	if m.unlimited && m.last < now { // no quota: no periods to track
		if len(m.jobs) > 0 {
			dt := float64(now-m.last) / 1e9
			r := m.rate()
			m.v += r * dt
			m.busy += r * float64(len(m.jobs)) * dt
		}
		m.last = now
		return
	}
	for m.last < now {
		seg := now
		if m.periodEnd <= m.last {
			m.rollPeriod(m.last)
		}
		if m.periodEnd < seg {
			seg = m.periodEnd
		}
		if !m.throttled && len(m.jobs) > 0 {
			dt := float64(seg-m.last) / 1e9
			r := m.rate()
			m.v += r * dt
			w := r * float64(len(m.jobs)) * dt
			m.busy += w
			m.used += w
		}
		m.last = seg
		if m.last == m.periodEnd {
			m.rollPeriod(m.last)
		}
	}
}

// rollPeriod starts the CFS period that contains t.
func (m *Machine) rollPeriod(t int64) {
	k := (t - m.started) / m.period
	m.periodEnd = m.started + (k+1)*m.period
	m.used = 0
	m.throttled = false
}

// reschedule makes sure a machine event is pending at the next instant something can
// happen: a completion, the quota running out, or the period ending while throttled.
// An event already pending earlier stays (it reschedules when it finds nothing to do), so
// arrivals under load, which only delay completions, add no event.
func (m *Machine) reschedule() {
	if len(m.jobs) == 0 {
		return
	}
	var at int64
	if m.throttled {
		at = m.periodEnd
	} else {
		r := m.rate()
		dt := (m.jobs[0].finish - m.v) / r
		if left := m.quota - m.used; !m.unlimited && left/(r*float64(len(m.jobs))) < dt {
			dt = left / (r * float64(len(m.jobs)))
		}
		if dt < 0 {
			dt = 0
		}
		at = m.last + int64(math.Ceil(dt*1e9))
	}
	if m.next >= m.d.eng.Nanos() && m.next <= at {
		return
	}
	m.gen++
	m.next = at
	m.d.eng.Schedule(at, m.hid, 0, m.gen)
}

// Handle implements engine.Handler: the machine's own event.
func (m *Machine) Handle(_ int32, gen uint32) {
	if gen != m.gen {
		return
	}
	now := m.d.eng.Nanos()
	m.next = -1
	m.advance(now)
	if !math.IsInf(m.quota, 1) && m.used >= m.quota-1e-12 && !m.throttled && now < m.periodEnd {
		m.throttled = true
	}
	for len(m.jobs) > 0 && m.jobs[0].finish <= m.v+1e-9 {
		j := m.popJob()
		// The next in line starts before the answer goes out: a request the answer
		// prompts (a closed-model user's next one) queues behind it.
		m.startNext()
		m.d.done.Done(m, j.arrived, j.tag)
	}
	m.reschedule()
}

// Arrive starts serving a request of work core-seconds (as measured at a low rate) that
// arrived at arrived; the work is scaled by the calibration's load curve at the machine's
// current arrival rate.
func (m *Machine) Arrive(work float64, arrived int64, tag int32) {
	now := m.d.eng.Nanos()
	if el := now - m.arrWin; el >= int64(time.Second) {
		m.arrRate = float64(m.arrN) * 1e9 / float64(el)
		m.arrWin, m.arrN = now, 0
	}
	m.arrN++
	work *= m.d.curve.Factor(m.arrRate, m.cores)
	m.advance(now)
	if m.servers > 0 && len(m.jobs) >= m.servers {
		m.wait = append(m.wait, job{finish: work, arrived: arrived, tag: tag})
		return // nothing in service changes speed
	}
	m.pushJob(job{finish: m.v + work, arrived: arrived, tag: tag})
	m.reschedule()
}

// startNext puts the longest-waiting request in service, if one waits.
func (m *Machine) startNext() {
	if m.head == len(m.wait) {
		return
	}
	j := m.wait[m.head]
	m.wait[m.head] = job{}
	m.head++
	switch {
	case m.head == len(m.wait):
		m.wait, m.head = m.wait[:0], 0
	case m.head >= 1024 && m.head*2 >= len(m.wait): // a queue that never empties
		n := copy(m.wait, m.wait[m.head:])
		m.wait, m.head = m.wait[:n], 0
	}
	j.finish += m.v
	m.pushJob(j)
}

// The jobs form a binary min-heap on finish; sifting moves a hole and writes the job once.
func (m *Machine) pushJob(j job) {
	m.jobs = append(m.jobs, j)
	h := m.jobs
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p].finish <= j.finish {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = j
}

func (m *Machine) popJob() job {
	h := m.jobs
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	m.jobs = h
	if n == 0 {
		return top
	}
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && h[r].finish < h[l].finish {
			c = r
		}
		if last.finish <= h[c].finish {
			break
		}
		h[i] = h[c]
		i = c
	}
	h[i] = last
	return top
}
