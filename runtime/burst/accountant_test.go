package burst

import (
	"math"
	"testing"
	"time"
)

// drive runs an account for total time in steps of dt with a closed-loop load: the app
// wants demand (a fraction of all vCPUs) and gets at most the allowance, as the live
// runtime enforces it. It returns the time the instance was first throttled (-1 if never).
func drive(a *Accountant, total, dt time.Duration, demand float64) time.Duration {
	firstThrottle := time.Duration(-1)
	allowance := a.Allowance()
	for t := dt; t <= total; t += dt {
		used := min(demand*float64(a.t.VCPU), allowance) * dt.Seconds()
		allowance = a.Account(dt, used)
		if a.State().Throttled && firstThrottle < 0 {
			firstThrottle = t
		}
	}
	return firstThrottle
}

func mustType(t *testing.T, name string) Type {
	t.Helper()
	ty, ok := Lookup(name)
	if !ok {
		t.Fatalf("%s not in the table", name)
	}
	return ty
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestAccountant(t *testing.T) {
	tests := []struct {
		name      string
		typ       string
		mode      Mode
		start     float64 // initial earned balance; -1 keeps the launch state
		demand    float64
		total     time.Duration
		want      State // Type, Mode, Spent and AllowanceVCPU are checked as well
		throttle  time.Duration
		surplusVH float64
	}{
		// 2 vCPU × 60 min = 120 credits spent, 24 earned: 576 − 96 = 480.
		{"t3.medium 100% 1h from full", "t3.medium", Standard, 576, 1, time.Hour,
			State{Balance: 480, Spent: 120, AllowanceVCPU: 2}, -1, 0},
		// Launch credits (30) last 30 min at 1 credit/min; the 6 earned meanwhile last
		// 6 / (1 − 0.2) = 7.5 min more; from 37.5 min it runs at its 20 % baseline, where
		// spending equals earning: 30 + 6 + 7.5 × 0.2 + (60 − 37.5) × 0.2 spent.
		{"t2.small standard 100% 1h from launch", "t2.small", Standard, -1, 1, time.Hour,
			State{Balance: 0, Spent: 30 + 6 + 1.5 + 4.5, Throttled: true, AllowanceVCPU: 0.2},
			2250 * time.Second, 0},
		// Unlimited never throttles: 120 spent − 24 earned = 96 surplus credits = 1.6 vCPU-h.
		{"t3.medium unlimited 100% 1h from zero", "t3.medium", Unlimited, 0, 1, time.Hour,
			State{Surplus: 96, Spent: 120, AllowanceVCPU: 2}, -1, 1.6},
		// t3.micro: 120 spent − 12 earned per hour = 108 surplus/h; after 3 h 324 > 288
		// (24 h of earnings), so 36 are charged at once and 288 stay outstanding.
		{"t3.micro unlimited 100% 3h", "t3.micro", Unlimited, 0, 1, 3 * time.Hour,
			State{Surplus: 288, Charged: 36, Spent: 360, AllowanceVCPU: 2}, -1, 5.4},
		// Idle for two days: the balance stops at 24 h of earnings; launch credits stay
		// and do not count toward the cap.
		{"t2.small idle 48h", "t2.small", Standard, -1, 0, 48 * time.Hour,
			State{Balance: 288, LaunchCredits: 30, AllowanceVCPU: 1}, -1, 0},
		// At exactly the baseline spending equals earning.
		{"t3a.xlarge at baseline 10h", "t3a.xlarge", Standard, 100, 0.4, 10 * time.Hour,
			State{Balance: 100, Spent: 960, AllowanceVCPU: 4}, -1, 0},
		// T3 in standard mode gets no launch credits: throttled in the first step.
		{"t3.small standard from zero", "t3.small", Standard, -1, 1, time.Minute,
			State{Balance: 0, Spent: 2*1.0/60 + 0.4*59.0/60, Throttled: true, AllowanceVCPU: 0.4},
			time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New(mustType(t, tt.typ), tt.mode)
			if tt.start >= 0 {
				a.SetBalance(tt.start)
			}
			throttle := drive(a, tt.total, time.Second, tt.demand)
			got := a.State()
			want := tt.want
			want.Type, want.Mode = tt.typ, tt.mode
			if got.Type != want.Type || got.Mode != want.Mode || got.Throttled != want.Throttled ||
				!near(got.Balance, want.Balance) || !near(got.LaunchCredits, want.LaunchCredits) ||
				!near(got.Surplus, want.Surplus) || !near(got.Charged, want.Charged) ||
				!near(got.Spent, want.Spent) || !near(got.AllowanceVCPU, want.AllowanceVCPU) {
				t.Errorf("state\n got %+v\nwant %+v", got, want)
			}
			if d := throttle - tt.throttle; d < -time.Second || d > time.Second {
				t.Errorf("first throttled at %v, want %v", throttle, tt.throttle)
			}
			if !near(a.SurplusVCPUHours(), tt.surplusVH) {
				t.Errorf("SurplusVCPUHours = %v, want %v", a.SurplusVCPUHours(), tt.surplusVH)
			}
		})
	}
}

// TestRecovery: a throttled instance bursts again once it has earned ResumeCredits.
func TestRecovery(t *testing.T) {
	a := New(mustType(t, "t2.small"), Standard) // 12 credits/h = 0.2 per minute
	a.launch = 0
	if got := a.Account(time.Second, 1); got != 0.2 {
		t.Fatalf("allowance with an empty balance = %v, want the 0.2 baseline", got)
	}
	// Idle: 1 credit takes 5 minutes.
	if got := a.Account(4*time.Minute+59*time.Second, 0); got != 0.2 {
		t.Errorf("allowance before one credit accrued = %v, want 0.2", got)
	}
	if got := a.Account(time.Second, 0); got != 1 {
		t.Errorf("allowance after one credit accrued = %v, want 1", got)
	}
}

// TestPayDown: earned credits pay unlimited surplus down before they accrue, and what is
// paid down is never billed.
func TestPayDown(t *testing.T) {
	a := New(mustType(t, "t3.medium"), Unlimited)
	drive(a, time.Hour, time.Second, 1) // 96 surplus
	drive(a, 3*time.Hour, time.Minute, 0)
	if s := a.State(); !near(s.Surplus, 24) || s.Balance != 0 {
		t.Errorf("after 3 idle hours: %+v, want 24 surplus left and no balance", s)
	}
	drive(a, 2*time.Hour, time.Minute, 0)
	if s := a.State(); s.Surplus != 0 || !near(s.Balance, 24) || a.SurplusVCPUHours() != 0 {
		t.Errorf("after 5 idle hours: %+v (%v vCPU-h), want surplus paid and 24 accrued", s, a.SurplusVCPUHours())
	}
}

// TestStepSizeIndependent: the model does not depend on how often it is sampled.
func TestStepSizeIndependent(t *testing.T) {
	fine := New(mustType(t, "t3.large"), Unlimited)
	coarse := New(mustType(t, "t3.large"), Unlimited)
	drive(fine, 2*time.Hour, 100*time.Millisecond, 0.7)
	drive(coarse, 2*time.Hour, time.Minute, 0.7)
	if f, c := fine.State(), coarse.State(); !near(f.Surplus, c.Surplus) || !near(f.Spent, c.Spent) {
		t.Errorf("100 ms steps %+v vs 1 min steps %+v", f, c)
	}
}

func TestForType(t *testing.T) {
	tests := []struct {
		typ   string
		mode  Mode
		want  Mode
		vcpu  float64
		error bool
	}{
		{"t2.medium", "", Standard, 2, false},
		{"t3.medium", "", Unlimited, 2, false},
		{"t4g.xlarge", Standard, Standard, 4, false},
		{"t2.xlarge", Unlimited, Unlimited, 4, false},
		{"m5.large", "", "", 0, true},
		{"t3.small", "burst", "", 0, true},
	}
	for _, tt := range tests {
		a, err := ForType(tt.typ, tt.mode)
		if tt.error {
			if err == nil {
				t.Errorf("%s %q: want an error", tt.typ, tt.mode)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if s := a.State(); s.Mode != tt.want || s.AllowanceVCPU != tt.vcpu {
			t.Errorf("%s %q: %+v, want mode %s and %v vCPU", tt.typ, tt.mode, s, tt.want, tt.vcpu)
		}
	}
	if a, _ := ForType("t2.medium", Unlimited); a.State().LaunchCredits != 0 {
		t.Error("T2 unlimited got launch credits; only standard mode has them")
	}
}

// TestTable checks the table's internal consistency: earnings are baseline × vCPU × 60
// per hour and the cap is 24 hours of earnings.
func TestTable(t *testing.T) {
	if n := len(Types()); n != 28 {
		t.Errorf("%d types, want 7 each of t2, t3, t3a, t4g", n)
	}
	for _, ty := range Types() {
		if !near(ty.EarnedPerHour, ty.BaselinePerVCPU*float64(ty.VCPU)*60) {
			t.Errorf("%s: earns %v/h, baseline says %v", ty.Name, ty.EarnedPerHour, ty.BaselinePerVCPU*float64(ty.VCPU)*60)
		}
		if !near(ty.MaxEarned, 24*ty.EarnedPerHour) {
			t.Errorf("%s: max %v, want 24 h of earnings %v", ty.Name, ty.MaxEarned, 24*ty.EarnedPerHour)
		}
		if ty.Name[:3] == "t2." && ty.LaunchCredits != 30*float64(ty.VCPU) {
			t.Errorf("%s: %v launch credits, want 30 per vCPU", ty.Name, ty.LaunchCredits)
		}
	}
}

func BenchmarkAccount(b *testing.B) {
	a := New(types[3], Unlimited)
	for i := 0; b.Loop(); i++ {
		a.Account(time.Second, float64(i%3))
	}
}
