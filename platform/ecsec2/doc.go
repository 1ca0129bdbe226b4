// Package ecsec2 is the ECS on EC2 platform model: an ECS service (package ecs) whose
// tasks are placed (binpack or spread) on a cluster of container instances, an Auto
// Scaling group run by a capacity provider with managed scaling. Two levels of scaling:
// service auto scaling changes the task count; managed scaling keeps the metric
// CapacityProviderReservation (instances the tasks need over instances running) at the
// target capacity, adding instances when tasks wait in PROVISIONING and removing empty
// ones (managed termination protection keeps instances that run tasks). The EC2
// instances are billed whether tasks use them or not, plus the ALB.
//
// A task's CPU allowance is its own reservation: each task is its own process limited to
// cpu/1024 vCPUs (and its memory), and an instance's registered CPU and memory only bound
// how many tasks fit on it. Real ECS CPU units are a relative share, so a task may burst
// into CPU its neighbours leave idle; here it never does, which keeps the measured
// utilisation of a task a share of what it reserved. The instances run no process of
// their own.
package ecsec2
