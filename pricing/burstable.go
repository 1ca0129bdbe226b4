package pricing

// CreditSpec holds the CPU credit figures of a burstable (T) instance type. One CPU credit
// is one vCPU at 100 % for one minute.
type CreditSpec struct {
	BaselinePerVCPU float64 // baseline utilisation per vCPU, fraction (0.2 = 20 %)
	CreditsPerHour  float64 // credits earned per hour
	MaxBalance      float64 // maximum earned credits that accrue (24 h of earnings)
	LaunchCredits   float64 // credits granted at launch (T2 standard mode only)
	// UnlimitedByDefault: T3, T3a and T4g launch in unlimited mode unless told otherwise,
	// T2 in standard mode (RunInstances CreditSpecification, EC2 API Reference).
	UnlimitedByDefault bool
}

// burstableCredits is the table "CPU credits and baseline utilization for burstable
// performance instances" of the EC2 User Guide,
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html
// Baseline per vCPU = credits per hour / (60 × vCPUs). Launch credits (30 per vCPU) are
// given to T2 instances in standard mode only; T3, T3a and T4g receive none
// (burstable-performance-instances-standard-mode-concepts.html#launch-credits).
var burstableCredits = map[string]CreditSpec{
	"t2.nano":     {0.05, 3, 72, 30, false},
	"t2.micro":    {0.10, 6, 144, 30, false},
	"t2.small":    {0.20, 12, 288, 30, false},
	"t2.medium":   {0.20, 24, 576, 60, false},
	"t2.large":    {0.30, 36, 864, 60, false},
	"t2.xlarge":   {0.225, 54, 1296, 120, false},
	"t2.2xlarge":  {0.17, 81.6, 1958.4, 240, false},
	"t3.nano":     {0.05, 6, 144, 0, true},
	"t3.micro":    {0.10, 12, 288, 0, true},
	"t3.small":    {0.20, 24, 576, 0, true},
	"t3.medium":   {0.20, 24, 576, 0, true},
	"t3.large":    {0.30, 36, 864, 0, true},
	"t3.xlarge":   {0.40, 96, 2304, 0, true},
	"t3.2xlarge":  {0.40, 192, 4608, 0, true},
	"t3a.nano":    {0.05, 6, 144, 0, true},
	"t3a.micro":   {0.10, 12, 288, 0, true},
	"t3a.small":   {0.20, 24, 576, 0, true},
	"t3a.medium":  {0.20, 24, 576, 0, true},
	"t3a.large":   {0.30, 36, 864, 0, true},
	"t3a.xlarge":  {0.40, 96, 2304, 0, true},
	"t3a.2xlarge": {0.40, 192, 4608, 0, true},
	"t4g.nano":    {0.05, 6, 144, 0, true},
	"t4g.micro":   {0.10, 12, 288, 0, true},
	"t4g.small":   {0.20, 24, 576, 0, true},
	"t4g.medium":  {0.20, 24, 576, 0, true},
	"t4g.large":   {0.30, 36, 864, 0, true},
	"t4g.xlarge":  {0.40, 96, 2304, 0, true},
	"t4g.2xlarge": {0.40, 192, 4608, 0, true},
}
