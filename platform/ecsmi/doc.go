// Package ecsmi is the Amazon ECS Managed Instances platform model: an ECS service
// (package ecs) whose tasks are packed, several per instance, on EC2 instances that AWS
// chooses, launches, and retires. The instance type comes from attribute requirements
// (vCPU and memory ranges, CPU manufacturer, architecture, accelerators, allowed and
// excluded types with wildcards) or, by default, the cost-optimised choice: the cheapest
// type in the pricing catalog that matches and holds a task. When tasks wait in
// PROVISIONING the provisioner launches instances for them at once (no alarm in between,
// unlike ECS on EC2's managed scaling); instances left empty for scale_in_after are
// terminated. Launches take longer than plain EC2. Billing: each instance's EC2 price
// plus the per-type management fee (InstanceRecord.ManagedFee), plus the ALB.
//
// As in package ecsec2, each task is its own process limited to its reservation; the
// instances run no process of their own. Workload consolidation of under-used (not
// empty) instances and the ~14-day instance replacement cycle are not modelled.
package ecsmi
