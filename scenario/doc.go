// Package scenario is the YAML description of a comparison: the app under test, the
// platforms to compare with their settings, the load every platform receives, the SLO,
// the region and purchase options, the timescale, and the production traffic monthly
// costs are projected for. Parsing is strict (unknown keys are errors) and validation
// errors name the field path and what is accepted.
package scenario
