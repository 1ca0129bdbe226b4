// Package billing applies each AWS service's billing rules to metered usage records and
// returns an itemised Bill whose every line a person can recompute by hand
// (amount = quantity × rate, with the minimums and tiers stated in the description).
//
// Place in the architecture: platform models (live or simulated) meter usage; the runner
// converts their records into a Usage and calls Price with a pricing.Book; the report
// prints the Bill. The rules are: EC2 per second with a 60-second minimum per start;
// Fargate per second from image pull start with a 1-minute minimum; Lambda at 1 ms
// granularity including INIT, with monthly GB-s tiers; API Gateway per request with
// monthly tiers; ALB hours plus LCU-hours on the highest dimension; the unlimited-mode
// CPU credit surcharge per vCPU-hour; ECS Managed Instances and EMR fees per second with a
// 1-minute minimum; data transfer out in monthly tiers.
package billing
