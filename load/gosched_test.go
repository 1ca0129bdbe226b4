package load

import "time"

// runtimeGosched yields between polls without spinning a core.
func runtimeGosched() { <-time.After(time.Millisecond) }
