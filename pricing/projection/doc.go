// Package projection estimates what a workload costs per month on each platform —
// Lambda behind API Gateway, Fargate, EC2 Auto Scaling, ECS on EC2 and ECS Managed
// Instances, the last four behind an ALB — at a given steady traffic, and finds the
// traffic levels where the cheapest platform changes (break-even points).
//
// Place in the architecture: the `breakeven` command and the report call it with a
// per-request CPU time and memory taken from a live measurement or flags. Capacity is sized
// for the average rate at a target utilisation; every estimate is priced by package
// billing, so projected and measured bills follow the same rules and can be compared line
// by line. Diurnal peaks, cold starts and scaling lag are the simulator's job, not this
// package's.
package projection
