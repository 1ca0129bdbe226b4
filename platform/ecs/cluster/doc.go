// Package cluster is the container-instance side of ECS on EC2 and ECS Managed
// Instances: a Cluster of instances with their registered CPU and memory, task placement
// on them (binpack or spread), the per-instance image cache, and the instances' billing
// records. It implements ecs.Capacity for the service scheduler; the capacity scalers —
// managed scaling in package ecsec2, the Managed Instances provisioner in package ecsmi —
// drive it with Launch and Terminate. Like the rest of package ecs it runs on a
// platform.Clock and starts no process: a task's process belongs to the task.
package cluster
