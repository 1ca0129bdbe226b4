// Package queue is the queue-driven worker platform: an ECS service (package ecs, on
// Fargate-like capacity) whose tasks pull jobs from a queue instead of serving HTTP, and
// which scales on the queue's backlog per task, down to zero tasks when the queue is empty
// and back up from zero when jobs arrive.
//
// The pieces:
//
//	Broker (NATS JetStream: work-queue stream, explicit acks, Nats-Msg-Id dedup,
//	        a KV bucket of completion records keyed by job ID)
//	    ⇄ workers (real processes started by the fleet Driver; RunWorker is their loop)
//	Scaler (platform.Clock ticks) ── Backlog() ──► BacklogPolicy.Decide ──► ecs.Service.SetDesired
//	Bench: broker + service + scaler, a burst of jobs, the figures (time to first task,
//	       job latency, cost per 1,000 jobs, tasks over time)
//
// The broker is real: by default nats-server runs embedded in this process on 127.0.0.1
// (random port, temporary store removed on Close); an external NATS URL can be used
// instead. A job is acknowledged only after its completion record exists, so a worker
// killed mid-job leaves its job unacknowledged and JetStream redelivers it after the
// AckWait; the completion record is created with a create-if-absent write, so a job is
// completed at most once even when it is delivered more than once.
//
// The control logic — BacklogPolicy (pure) and Scaler (a loop on platform.Clock over two
// small interfaces) — never touches NATS or processes, so the simulator can reuse it with
// a modelled backlog and a modelled service.
//
// Time compression: control-plane delays (Fargate provisioning, image pull, metric
// periods, AckWait) and the jobs' own work are divided by the timescale, so figures
// reported in platform time (latencies, task durations, cost) are wall time × timescale.
package queue
