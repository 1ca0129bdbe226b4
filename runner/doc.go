// Package runner runs a scenario: for each platform in turn it builds the platform model
// on a runtime backend with a fresh fleet, waits until it serves, sends warm-up requests,
// drives the scenario's load through the platform's front door, samples capacity and CPU
// every second, streams everything into the results directory, stops the platform, and
// prices what it used. It is the only package that wires scenario, load, platform,
// runtime and pricing together; the CLI only calls it.
package runner
