// Package ec2 is the single-EC2-instance platform model: one instance of a type, reached
// directly at its own address (no load balancer), launched with EC2's modelled launch and
// boot delays, billed per second from launch to termination. It is the baseline the other
// platforms are compared with. Like every platform model it runs on a fleet.World, so the
// same code serves live runs and the simulator.
package ec2
