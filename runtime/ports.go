package runtime

import (
	"fmt"
	"net"
	"sync"
)

// PortAllocator hands out free loopback ports. The kernel picks a free one (listen on
// port 0, then close); the allocator remembers what it handed out until Release, so two
// instances starting at once never get the same port even before either app listens.
// Another program could still take a port in the gap between close and the app's
// listen; the app then fails to start and says so in its log.
type PortAllocator struct {
	mu    sync.Mutex
	inUse map[int]bool
}

// Ports is the allocator every backend of this process shares: processes and
// host-network containers all listen on 127.0.0.1, so they share one port space.
var Ports = &PortAllocator{inUse: map[int]bool{}}

// Get returns a port on 127.0.0.1 that is free now and not handed out already.
func (a *PortAllocator) Get() (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("runtime: no free port on 127.0.0.1: %w", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !a.inUse[port] {
			a.inUse[port] = true
			return port, nil
		}
	}
	return 0, fmt.Errorf("runtime: no free port on 127.0.0.1 after 100 tries (%d in use)", len(a.inUse))
}

// Release makes a port available again.
func (a *PortAllocator) Release(port int) {
	a.mu.Lock()
	delete(a.inUse, port)
	a.mu.Unlock()
}
