package projection

import "testing"

func TestStableCrossovers(t *testing.T) {
	cs := []Crossover{
		{RPS: 8, From: Lambda, To: Fargate},
		{RPS: 500, From: Fargate, To: ECSMI},  // 500→520: noise
		{RPS: 520, From: ECSMI, To: Fargate},  // back to fargate
		{RPS: 600, From: Fargate, To: EC2ASG}, // 600→2000: stable
		{RPS: 2000, From: EC2ASG, To: Fargate},
		{RPS: 2100, From: Fargate, To: EC2ASG},
	}
	got := StableCrossovers(cs, 10000)
	want := []Crossover{{RPS: 8, From: Lambda, To: Fargate}, {RPS: 600, From: Fargate, To: EC2ASG}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestHourlyRates(t *testing.T) {
	r := HourlyRates(100, "diurnal")
	sum, peak, trough := 0.0, 0.0, 1e9
	for _, v := range r {
		sum += v
		peak, trough = max(peak, v), min(trough, v)
	}
	if sum/24 < 99.9 || sum/24 > 100.1 || peak < 179 || trough > 21 {
		t.Errorf("diurnal mean %.1f peak %.1f trough %.1f", sum/24, peak, trough)
	}
	for _, v := range HourlyRates(5, "flat") {
		if v != 5 {
			t.Fatalf("flat rate %v", v)
		}
	}
}
