//go:build unix

package batch

import "syscall"

// flush asks the kernel to write every dirty page to disk: one flush for a
// whole run instead of one fsync per file.
func flush() { syscall.Sync() }
