package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/label"
)

func newServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv := httptest.NewServer(New(cfg)) // loopback only
	t.Cleanup(srv.Close)
	return srv
}

func sample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(extool.Testdata(t, "sample.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLabelAndVerify(t *testing.T) {
	srv := newServer(t, Config{})
	resp, err := http.Post(srv.URL+"/v1/label?layers=metadata&ai_system=Example+Diffusion&id=0123456789abcdef", "image/jpeg", bytes.NewReader(sample(t)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("content type %q", ct)
	}
	var sum Summary
	if err := json.Unmarshal([]byte(resp.Header.Get("X-Belgi-Result")), &sum); err != nil {
		t.Fatalf("X-Belgi-Result: %v", err)
	}
	if sum.ContentID != "0123456789abcdef" || sum.Bytes != int64(len(body)) {
		t.Errorf("summary %+v (body %d bytes)", sum, len(body))
	}
	resp, err = http.Post(srv.URL+"/v1/verify", "image/jpeg", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var rep label.Report
	json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	if !rep.Labelled || rep.Metadata.AISystem == nil || *rep.Metadata.AISystem != "Example Diffusion" {
		t.Errorf("verify: %+v", rep.Metadata)
	}
}

func TestErrorsAreClientErrorsAndServerStaysUp(t *testing.T) {
	srv := newServer(t, Config{MaxBodyBytes: 200 << 10})
	small := newServer(t, Config{MaxPixels: 100_000})
	big := bytes.Repeat([]byte{0xFF, 0xD8, 0xFF}, 100<<10) // 300 KiB
	tests := []struct {
		name, query string
		body        io.Reader
		want        int
		msg         string
	}{
		{"oversized body", "", bytes.NewReader(big), 413, "exceeds"},
		{"oversized body without length", "?layers=metadata", io.MultiReader(bytes.NewReader(bytes.Repeat(sample(t), 3))), 413, "too large"},
		{"too many pixels", "", bytes.NewReader(sample(t)), 413, "pixels"}, // 640x427 > 100,000
		{"malformed media", "", strings.NewReader("\x00\x01garbage"), 422, "unsupported"},
		{"truncated jpeg", "", strings.NewReader("\xFF\xD8\xFF\xE0\x00\x10JF"), 422, ""},
		{"empty body", "", strings.NewReader(""), 400, "empty"},
		{"bad layer", "?layers=sparkles", strings.NewReader("x"), 400, "layer"},
		{"bad id", "?id=xyz", strings.NewReader("x"), 400, "content ID"},
		{"bad profile", "?profile=mars", strings.NewReader("x"), 400, "profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := srv.URL
			if tt.name == "too many pixels" {
				url = small.URL
			}
			req, _ := http.NewRequest("POST", url+"/v1/label"+tt.query, tt.body)
			if tt.name == "oversized body without length" {
				req.ContentLength = -1
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e apiError
			json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != tt.want || !strings.Contains(e.Error, tt.msg) || e.Error == "" {
				t.Errorf("status %d %q, want %d containing %q", resp.StatusCode, e.Error, tt.want, tt.msg)
			}
		})
	}
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("server not up after bad requests: %v", err)
	}
	resp.Body.Close()
	if resp, _ := http.Get(srv.URL + "/v1/label"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/label: %d", resp.StatusCode)
	}
}

func TestBearerToken(t *testing.T) {
	srv := newServer(t, Config{Token: "s3cret"})
	for _, auth := range []string{"", "Bearer wrong", "s3cret"} {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/verify", bytes.NewReader(sample(t)))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, _ := http.DefaultClient.Do(req)
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("auth %q: %d", auth, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest("POST", srv.URL+"/v1/verify", bytes.NewReader(sample(t)))
	req.Header.Set("Authorization", "Bearer s3cret")
	resp, _ := http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("right token: %d", resp.StatusCode)
	}
}

func TestTimeout(t *testing.T) {
	srv := newServer(t, Config{Timeout: 50 * time.Millisecond})
	pr, pw := io.Pipe()
	go func() { // a client that sends the header and then stalls
		pw.Write(sample(t)[:4096])
		time.Sleep(500 * time.Millisecond)
		pw.CloseWithError(io.ErrUnexpectedEOF)
	}()
	req, _ := http.NewRequestWithContext(context.Background(), "POST", srv.URL+"/v1/label?layers=metadata", pr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return // the server may drop a stalled upload; that is fine too
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Errorf("stalled request got %d", resp.StatusCode)
	}
}

// The load test: 1,000 labelling requests from 16 concurrent clients on
// loopback, bounded in count and time.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	srv := newServer(t, Config{MaxConcurrent: 4})
	img := sample(t)
	const total, clients = 1000, 16
	lat := make([]time.Duration, total)
	var errs []string
	var mu sync.Mutex
	next := make(chan int, total)
	for i := range total {
		next <- i
	}
	close(next)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/v1/label?layers=metadata&ai_system=load", bytes.NewReader(img))
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				lat[i] = time.Since(t0)
				if err != nil {
					mu.Lock()
					errs = append(errs, err.Error())
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(errs) > 0 {
		t.Fatalf("%d errors, first: %s", len(errs), errs[0])
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("1000 requests, 16 clients: %.0f req/s, p50 %v, p99 %v, max %v",
		float64(total)/elapsed.Seconds(), lat[total/2].Round(time.Microsecond), lat[total*99/100].Round(time.Microsecond), lat[total-1].Round(time.Microsecond))
}
