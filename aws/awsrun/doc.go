// Package awsrun runs a scenario on a real AWS account — `deploybench aws run` — and
// removes what a run left behind — `deploybench aws cleanup`.
//
// A run goes plan → image → create → load → CloudWatch → delete:
//
//  1. Plan prints every stack and its resources and the estimated cost of the run,
//     itemised from the embedded price catalog (package pricing); a cost above
//     Options.MaxCost, or no confirmation, stops the run before anything is created.
//  2. Image: an ImagePusher (ECR, package aws/ecrpush) pushes the local image, unless an
//     image URI is given.
//  3. The stacks are created with bounded parallelism; their events are printed as
//     progress; each must reach CREATE_COMPLETE and expose an EndpointURL output.
//  4. The scenario's load (package load) runs against each endpoint from this machine,
//     streamed into a results directory (package results) marked Source "aws", so
//     `deploybench report DIR` reads it like a local run. Each platform's events.jsonl
//     keeps how long CloudFormation took to create each resource (boot_done for EC2
//     instances, task_running for ECS services), which `calibrate --from` reads.
//  5. CloudWatch is read back with GetMetricData (instances or tasks in service, CPU,
//     ALB request count and target response time, Lambda concurrency, duration and init
//     duration) into each platform's cloudwatch.json.
//  6. Every stack is deleted — after success, after a failure, and after the run's
//     context ends (Ctrl-C). If Options.CleanupContext ends too (a second Ctrl-C), the
//     run says which stacks are left and the exact `deploybench aws cleanup` command.
//
// Every stack carries the tags deploybench:run-id, deploybench:scenario and
// deploybench:platform; Cleanup finds stacks by those tags.
//
// The package talks to AWS only through the small interfaces in clients.go, satisfied by
// the SDK clients; tests point the real SDK clients at aws/awsfake on 127.0.0.1.
// Operations lists every API operation the package calls, for the IAM policy.
package awsrun
