// Package platform holds the small interfaces the platform models are written against
// (Clock, and the fleet and meter types in its subpackages) so that the same control code
// runs live, against real processes and the wall clock, and in the simulator, against
// modelled instances and a virtual clock. Subpackages: lb (ALB-style balancing and health
// checks), autoscale (CloudWatch-like alarms and scaling policies), and one package per
// platform model.
package platform
