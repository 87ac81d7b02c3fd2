package bench

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time. Benchmarks report it
// beside wall time because the machine they run on is shared: CPU time per
// operation is what one core costs, whatever else is running.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
