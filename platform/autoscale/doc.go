// Package autoscale is the control plane that decides how much capacity a platform runs.
//
// It models the pieces of AWS that turn measurements into capacity changes:
//
//   - a CloudWatch-like metric store (Metric) that aggregates raw per-instance samples into
//     periods, with the statistics, ingestion delay and warm-up exclusion CloudWatch and
//     EC2 Auto Scaling apply;
//   - alarms (AlarmConfig) with M-of-N datapoints and TreatMissingData;
//   - scaling policies as pure calculators: TargetTracking, StepScaling, SimpleScaling, plus
//     the ECS service combiner (ServiceCombiner) and capacity-provider managed scaling
//     (ManagedScaling);
//   - a thin Controller that, on ticks of a platform.Clock, evaluates the alarms, asks each
//     policy for a Decision, combines and clamps them, applies the result to a Group and
//     reports Events.
//
// Following the Kubernetes HPA split, the arithmetic lives in functions that take plain
// values and return plain values (tested in tables); the Controller only fetches, decides
// and applies. Time comes only from the Clock, so the same code runs against the wall clock
// in live runs, against a virtual clock in the simulator, and against a fake clock in tests.
//
// Every AWS default is named in defaults.go with its source. Control-plane durations can be
// divided by a timescale (Defaults.Scaled, MetricConfig.Scaled, Options.Timescale) so that a
// live run compresses minutes of AWS behaviour into seconds; request service time is never
// the business of this package.
//
// The package depends only on the standard library and package platform.
package autoscale
