// Package fleet is the instance lifecycle shared by the VM platform models (ec2, asg and
// later ECS on EC2): it launches instances, models the EC2 launch and boot delays on the
// injected platform.Clock, starts the app through a Driver, registers it with a load
// balancer's target registry, holds a desired capacity, replaces instances that exit or
// turn unhealthy, samples CPU per instance for the autoscaler, applies the CPU-credit model
// of burstable types, and records every launch and termination for billing.
//
// The fleet never starts a process itself. A Driver turns a MachineSpec into a running
// Machine: in live runs the adapter in package live wraps a runtime backend (real
// processes in cgroups); the simulator implements the same two interfaces with modelled
// instances on a virtual clock. So the lifecycle below is the same code in both worlds.
//
// Lifecycle of one instance:
//
//	pending ──PendingDelay──► booting ──BootDelay──► starting ──app ready──► (registered)
//	    ──first healthy check──► in service ──scale-in / replace──► draining
//	    ──deregistration done──► terminated
//
// Without a target registry (a single EC2 instance reached directly) an instance is in
// service as soon as its app answers its health path.
package fleet
