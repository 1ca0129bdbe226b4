package ecs

import "testing"

func TestPullDuration(t *testing.T) {
	if got := PullDuration(DefaultImageSizeMB, DefaultPullThroughputMBps); got.Seconds() < 34 || got.Seconds() > 35 {
		t.Errorf("413 MB at 12 MB/s = %v, want ~34.4 s", got)
	}
	if PullDuration(0, 12) != 0 || PullDuration(10, 0) != 0 {
		t.Error("zero size or throughput must give 0")
	}
}
