package runner

import (
	"fmt"
	"math/rand"
	"sort"
	"sync"
	"time"

	"github.com/deploybench/deploybench/platform"
	"github.com/deploybench/deploybench/platform/fleet"
	"github.com/deploybench/deploybench/scenario"
)

// spotNotice is the Spot interruption warning. Source: [doc]
// spot-instance-termination-notices.html — two minutes before interruption.
const spotNotice = 2 * time.Minute

// fleetOwner is a platform whose instances are a fleet (EC2, ASG).
type fleetOwner interface{ Fleet() *fleet.Fleet }

// injectFaults schedules a platform's faults from now (the start of the load) and
// returns a function that cancels what has not happened yet.
func injectFaults(p platform.Platform, faults []scenario.Fault, timescale float64, seed int64, emit func(platform.Event)) (stop func()) {
	fo, ok := p.(fleetOwner)
	if !ok || len(faults) == 0 {
		return func() {}
	}
	f := fo.Fleet()
	var mu sync.Mutex
	var timers []*time.Timer
	var stops []func()
	stopped := false
	for _, ft := range faults {
		ft := ft
		timers = append(timers, time.AfterFunc(time.Duration(ft.At), func() {
			mu.Lock()
			defer mu.Unlock()
			if stopped {
				return
			}
			switch {
			case ft.Kill > 0:
				for _, id := range victims(f, ft.Kill) {
					if err := f.Kill(id); err == nil {
						emit(platform.Event{At: time.Now(), Kind: "fault", Instance: id, Detail: "killed (crash, no drain)"})
					}
				}
			case ft.SpotInterruption > 0:
				notice := fleet.Scale(spotNotice, timescale)
				for _, id := range victims(f, ft.SpotInterruption) {
					if err := f.Interrupt(id, notice); err == nil {
						emit(platform.Event{At: time.Now(), Kind: "fault", Instance: id, Detail: fmt.Sprintf("spot interruption notice (%s, scaled)", notice)})
					}
				}
			case ft.KillRatePerHour > 0:
				// The rate is per platform hour: compressed time makes it faster.
				stops = append(stops, f.KillRandomly(ft.KillRatePerHour*timescale, rand.New(rand.NewSource(seed))))
				emit(platform.Event{At: time.Now(), Kind: "fault", Detail: fmt.Sprintf("random kills at %g per platform hour", ft.KillRatePerHour)})
			}
		}))
	}
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		for _, t := range timers {
			t.Stop()
		}
		for _, s := range stops {
			s()
		}
	}
}

// victims picks n in-service instances, oldest first (deterministic).
func victims(f *fleet.Fleet, n int) []string {
	var in []fleet.InstanceInfo
	for _, i := range f.Instances() {
		if i.State == fleet.InService {
			in = append(in, i)
		}
	}
	sort.Slice(in, func(a, b int) bool { return in[a].LaunchedAt.Before(in[b].LaunchedAt) })
	var ids []string
	for i := 0; i < n && i < len(in); i++ {
		ids = append(ids, in[i].ID)
	}
	return ids
}
