// Package schedule turns an arrival-rate profile into the intended send times of an
// open-model load. It is the pure, clock-free half of the load generator: a Schedule is
// a piecewise-linear rate over time (a constant rate, k6-style ramping stages, or a
// replayed trace), and a Pacer walks it to produce one intended send offset after
// another, with uniform or seeded Poisson spacing. The load package sleeps until each
// offset and measures latency from it, which is what keeps the measurement free of
// coordinated omission; nothing here sleeps, so every property is tested directly.
package schedule
