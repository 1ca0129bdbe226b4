package lambda

import (
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/fleet"
)

// envState is where an execution environment is in its life.
type envState int

const (
	stateInit envState = iota // INIT running (platform init, then the app starting)
	stateIdle                 // warm, waiting for a request
	stateBusy                 // serving one request
	stateGone                 // reclaimed, failed or stopped
)

// Env is one execution environment: an app process that serves one request at a time.
type Env struct {
	id          string
	seq         int // creation order
	provisioned bool

	// Fields below are guarded by the pool's lock.
	machine fleet.Machine
	state   envState
	// initDur is the measured INIT (app start → ready); unbilledInit is the part still to
	// be billed with the environment's first invocation (on-demand environments only).
	initDur      time.Duration
	unbilledInit time.Duration
	// cold is true while the environment serves the request that started it.
	cold    bool
	dead    bool // the app exited while serving
	held    bool // acquired and not yet released
	idleGen int
	reclaim platform.Timer
	// CPU measurement: the previous sample, and whether the environment was busy at any
	// point since it was taken.
	prev       fleet.Sample
	hasPrev    bool
	busySeen   bool
	cpuPct     float64
	memBytes   uint64
	lastIdleAt time.Time
}

// ID names the environment, e.g. "lambda-3".
func (e *Env) ID() string { return e.id }

// Addr is the host:port of the environment's app. Valid while the environment is held.
func (e *Env) Addr() string { return e.machine.Addr() }

// Cold reports whether the request holding the environment started it (a cold start).
func (e *Env) Cold() bool { return e.cold }

// InitDuration is the measured INIT of the environment (its app's start-up).
func (e *Env) InitDuration() time.Duration { return e.initDur }

// Provisioned reports whether the environment is one of the provisioned concurrency.
func (e *Env) Provisioned() bool { return e.provisioned }

// Outcome is how an invocation ended, as far as the environment is concerned.
type Outcome int

const (
	// Succeeded: the app answered (whatever its status); the environment stays warm.
	Succeeded Outcome = iota
	// Failed: the invocation failed but the environment is fine (payload too large).
	Failed
	// TimedOut: the function timeout cut the invocation; Lambda resets the environment,
	// so it is discarded and the next request starts a new one.
	TimedOut
	// Crashed: the app died or broke the connection; the environment is discarded.
	Crashed
)
