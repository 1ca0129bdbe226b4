package lambda

import "time"

// Memory and CPU. Source: [doc] Lambda quotas (gettingstarted-limits.html) and
// configuration-memory.html: memory 128–10,240 MB in 1 MB steps; CPU is allocated in
// proportion to memory, 1,769 MB having the equivalent of one vCPU, up to 6 vCPUs.
const (
	MinMemoryMB     = 128
	MaxMemoryMB     = 10240
	MBPerVCPU       = 1769
	MaxVCPU         = 6.0
	DefaultMemoryMB = 128 // the console/API default memory setting [doc]
)

// Architectures, as Lambda and the billing package name them. x86_64 is the default
// [doc] foundation-arch.html.
const (
	ArchX86     = "x86_64"
	ArchARM     = "arm64"
	DefaultArch = ArchX86
)

// Timeouts. Source: [doc] gettingstarted-limits.html / configuration-timeout.html:
// function timeout default 3 s, maximum 900 s; the INIT phase is limited to 10 s
// (lambda-runtime-environment.html) — an app not ready by then fails the invocation.
const (
	DefaultTimeout     = 3 * time.Second
	MaxTimeout         = 900 * time.Second
	DefaultInitTimeout = 10 * time.Second
)

// Concurrency and scaling. Source: [doc] lambda-concurrency.html and
// scaling-behavior.html: 1,000 concurrent executions per account and Region by default;
// each function scales by up to 1,000 new execution environments every 10 seconds;
// invocations beyond either limit are throttled with 429 TooManyRequestsException.
const (
	DefaultAccountConcurrency = 1000
	DefaultScalingRate        = 1000
	DefaultScalingWindow      = 10 * time.Second
)

// DefaultKeepAlive is how long an idle environment is kept before it is reclaimed. AWS
// documents no number; [3p] measurements report 5–15 minutes, about 10 observed, which is
// the default here. A control-plane delay: divided by the timescale.
const DefaultKeepAlive = 10 * time.Minute

// DefaultPlatformInit models the part of a cold start before the app's own start-up
// (placing the environment, fetching the code, starting the runtime). AWS documents no
// number; [3p] Go cold starts — where the app's init is negligible — are 50–100 ms at
// p50, so the lower end is taken as the platform's share; the app's real start comes on
// top. It is request latency, not billed (Lambda bills the INIT phase, which is the app's
// start here) and never compressed by the timescale.
const DefaultPlatformInit = 50 * time.Millisecond

// DefaultStopGrace is how long an environment's app gets after SIGTERM when it is
// reclaimed or the platform stops: the longest Shutdown phase Lambda allows, 2,000 ms
// with external extensions (0 ms without extensions, 500 ms with internal ones) [doc]
// lambda-runtime-environment.html. Process exit is not billed.
const DefaultStopGrace = 2 * time.Second

// DefaultSampleInterval is how often environments' CPU is measured for Status; a
// measurement period, not a control-plane delay, so never compressed.
const DefaultSampleInterval = time.Second
