// Package threshold holds k6-style pass/fail criteria for a load result, such as
// "p95<200ms,errors<1%,rate>100". Thresholds are data, parsed once and evaluated
// separately from collection: `deploybench load --slo` exits 3 when one is violated, and
// the runner and report evaluate the same expressions against each platform's result.
package threshold
