// Package ecs is the part of Amazon ECS shared by the three container platform models —
// ECS on EC2 (package ecsec2), Fargate (package fargate) and ECS Managed Instances
// (package ecsmi): a service of tasks held at a desired count by a scheduler, the task
// lifecycle, ECS service auto scaling, the target group, and the Platform the runner
// drives. Container instances and task placement (binpack or spread) are in subpackage
// cluster; Fargate needs neither.
//
// The pieces and who owns what:
//
//	lb front door → lb.Balancer (target group) ⇄ Service (scheduler, task lifecycle)
//	    Service ⇄ Capacity (a cluster.Cluster of container instances, or Fargate)
//	    autoscale.Controller + ServiceCombiner (service auto scaling) → Service.SetDesired
//	    a capacity scaler (ecsec2: managed scaling; ecsmi: provisioning) → Cluster
//
// Lifecycle of one task, in ECS's own state names:
//
//	PROVISIONING ──placed──► PENDING ──(Fargate provisioning) image pull──► ACTIVATING
//	    (app started, registered with the target group) ──first healthy check──► RUNNING
//	    ──scale-in / replace──► DEACTIVATING (draining) ──drained──► STOPPED
//
// A task is an app process (a fleet.Machine started by the world's fleet.Driver) with its
// own CPU and memory limit: its reservation. A task that exits on its own (crash,
// OutOfMemory) or fails its ELB health checks is stopped with that reason and replaced.
//
// Like the fleet, nothing here starts a process or reads a clock directly: time comes
// from a platform.Clock and processes from a fleet.Driver, so the same scheduler, placement
// and scaling code runs live (wall clock, real processes) and in the simulator (virtual
// clock, modelled machines). With the simulator's fleet.EventDriver the service starts
// apps on the clock's goroutine and learns of readiness and exits through callbacks
// (Service.startEvented), as the fleet does; live runs use goroutines.
package ecs
