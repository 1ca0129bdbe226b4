// Package burst models the CPU credits of burstable EC2 instance types (t2, t3, t3a,
// t4g): the baseline, the credits earned per hour, launch credits, the cap on the accrued
// balance, the throttle to baseline of standard mode and the surplus credits of unlimited
// mode that AWS bills per vCPU-hour.
//
// It is pure arithmetic driven by the caller's clock: Account(dt, used vCPU-seconds)
// returns the vCPU allowance for the next interval. The live fleet feeds it measured CPU
// and applies the allowance with runtime Instance.SetVCPU; the simulator feeds it modelled
// CPU in virtual time. Nothing here reads a clock or the OS, so both worlds bill the same.
package burst
