package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/belgi/belgi/label/service"
)

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("belgi serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` (loopback by default)")
	token := fs.String("token", "", "require 'Authorization: Bearer TOKEN' (default: $BELGI_TOKEN)")
	maxBody := fs.Int64("max-body", 256<<20, "largest request body in bytes")
	maxPixels := fs.Int64("max-pixels", 100_000_000, "largest image in pixels")
	timeout := fs.Duration("timeout", 60*time.Second, "time limit per request")
	conc := fs.Int("concurrency", runtime.NumCPU(), "requests labelled at once")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: belgi serve [flags]

HTTP API:
  POST /v1/label?ai_system=…&source=…&layers=…&id=…&lang=…&profile=…&tdm=…&name=…
       body: the media; response: the labelled media, summary in X-Belgi-Result
  POST /v1/verify   body: the media; response: the JSON report
  GET  /healthz

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitFatal
	}
	if *token == "" {
		*token = os.Getenv("BELGI_TOKEN")
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	h := service.New(service.Config{
		MaxBodyBytes: *maxBody, MaxPixels: *maxPixels, Timeout: *timeout,
		MaxConcurrent: *conc, Token: *token, Logger: logger,
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "belgi serve:", err)
		return exitFatal
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), *timeout)
		defer cancel()
		srv.Shutdown(shut)
	}()
	logger.Info("listening", "addr", ln.Addr().String(), "auth", *token != "")
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "belgi serve:", err)
		return exitFatal
	}
	return exitOK
}
