package docker

import (
	"fmt"
	"net"
	"sync"
)

// portAllocator hands out free loopback ports for host-network containers: the kernel
// picks one (listen on port 0, then close) and the allocator remembers it until release,
// so two containers starting at once never get the same port. (The process backend has
// the same logic unexported; the two backends never share a port space worth merging.)
type portAllocator struct {
	mu    sync.Mutex
	inUse map[int]bool
}

func newPortAllocator() *portAllocator { return &portAllocator{inUse: map[int]bool{}} }

// get returns a port on 127.0.0.1 that is free now and not handed out already.
func (a *portAllocator) get() (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("docker: no free port on 127.0.0.1: %w", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !a.inUse[port] {
			a.inUse[port] = true
			return port, nil
		}
	}
	return 0, fmt.Errorf("docker: no free port on 127.0.0.1 after 100 tries (%d in use)", len(a.inUse))
}

// release makes a port available again.
func (a *portAllocator) release(port int) {
	a.mu.Lock()
	delete(a.inUse, port)
	a.mu.Unlock()
}
