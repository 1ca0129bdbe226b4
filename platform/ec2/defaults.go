package ec2

// DefaultInstanceType is the type launched when the scenario names none: a small current
// burstable type, as in the reference studies (which used t2.small/t2.medium; t3 is the
// current generation at a similar price). Model choice, overridable.
const DefaultInstanceType = "t3.small"

// The launch delays (21 s pending, 4 s boot) are fleet.DefaultPendingDelay and
// fleet.DefaultBootDelay, with their sources.
