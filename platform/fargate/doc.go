// Package fargate is the AWS Fargate platform model: an ECS service (package ecs) whose
// tasks each get their own right-sized capacity — no instances to place on or scale.
// A task's start is the modelled capacity provisioning, then the modelled image pull
// (every Fargate task pulls its image: there is no warm host cache), then the app's real,
// measured start. Billing is per task, from the start of the image pull to the task's
// end, by vCPU and GB (the pricing package applies the 1-minute minimum); x86_64 or
// arm64; Fargate Spot with its two-minute interruption notice. The front door is an ALB.
package fargate
