// Package bench holds belgi's benchmarks (go test -bench ./bench) and
// the CI-sized robustness and memory checks that run with go test ./...;
// the full watermark evaluation is the command in bench/robustness. The
// numbers, each with the command that produced it, are in bench/README.md.
// Nothing here is imported by the library.
package bench
