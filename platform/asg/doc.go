// Package asg is the EC2 Auto Scaling group platform model: a launch template, min,
// desired and max capacity, scaling policies (target tracking on average CPU or ALB
// request count per target, step, simple) run by the autoscale Controller, health check
// replacement, and an Application Load Balancer (package lb) as the front door.
//
// The pieces and who owns what:
//
//	lb.Proxy (front door, live only) → lb.Balancer (targets, health) ⇄ fleet.Fleet
//	(instance lifecycle) ← autoscale.Controller (alarms, policies) ← autoscale.Metric
//	(CPUUtilization from the fleet's samples, ALBRequestCountPerTarget from the balancer)
//
// Everything runs on the clock and driver of a fleet.World, so the simulator runs this
// same package with a virtual clock, modelled machines and a modelled Prober.
package asg
