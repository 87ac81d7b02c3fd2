// Package service exposes label.Apply and label.Verify over HTTP, so that
// generation pipelines in any language (often Python) can label each output
// as it is made: POST the media, get the labelled media back.
//
// It is an http.Handler with the limits a shared service needs (body size,
// image pixels, time per request, concurrency, optional bearer token) and
// structured logs. It is not a file server, a queue or an authentication
// system: run it on loopback or behind a proxy that does those.
package service

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // DecodeConfig for the pixel limit
	_ "image/jpeg"
	_ "image/png"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	_ "golang.org/x/image/webp"

	"github.com/belgi/belgi/formats"
	"github.com/belgi/belgi/label"
)

// Config sets the service's limits. Zero values take the defaults.
type Config struct {
	MaxBodyBytes  int64         // default 256 MiB
	MaxPixels     int64         // images larger than this are refused; default 100 MP
	Timeout       time.Duration // per request; default 60 s
	MaxConcurrent int           // requests labelled at once; default 4
	// QueueWait is how long a request may wait for a free slot before it
	// gets 503; default 10 s.
	QueueWait time.Duration
	Token     string // when set, requests need "Authorization: Bearer <Token>"
	Logger    *slog.Logger
	// Base options (e.g. C2PA signer, watermark key) every request starts from.
	Options label.Options
}

// Handler serves /v1/label, /v1/verify and /healthz.
type Handler struct {
	cfg   Config
	slots chan struct{}
	mux   *http.ServeMux
}

// New returns a Handler with cfg's limits.
func New(cfg Config) *Handler {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 256 << 20
	}
	if cfg.MaxPixels <= 0 {
		cfg.MaxPixels = 100_000_000
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = 4
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	h := &Handler{cfg: cfg, slots: make(chan struct{}, cfg.MaxConcurrent), mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"status":"ok","in_flight":%d}`+"\n", len(h.slots))
	})
	h.mux.HandleFunc("POST /v1/label", h.guard(h.label))
	h.mux.HandleFunc("POST /v1/verify", h.guard(h.verify))
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// apiError is the JSON body of every error response.
type apiError struct {
	Error string `json:"error"`
	Code  int    `json:"code"`
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Length")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(apiError{Error: msg, Code: code})
}

// guard applies authentication, the concurrency limit, the body limit and
// the timeout, and logs each request.
func (h *Handler) guard(next func(w http.ResponseWriter, r *http.Request) (int, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		code, err := h.admit(w, r, next)
		attrs := []any{"method", r.Method, "path", r.URL.Path, "status", code,
			"ms", float64(time.Since(start).Microseconds()) / 1000, "bytes_in", r.ContentLength}
		if err != nil {
			attrs = append(attrs, "error", err.Error())
		}
		level := slog.LevelInfo
		if code >= 500 {
			level = slog.LevelError
		} else if code >= 400 {
			level = slog.LevelWarn
		}
		h.cfg.Logger.Log(r.Context(), level, "request", attrs...)
	}
}

func (h *Handler) admit(w http.ResponseWriter, r *http.Request, next func(http.ResponseWriter, *http.Request) (int, error)) (int, error) {
	if h.cfg.Token != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(h.cfg.Token)) != 1 {
			writeError(w, http.StatusUnauthorized, "missing or wrong bearer token")
			return http.StatusUnauthorized, errors.New("unauthorized")
		}
	}
	if r.ContentLength > h.cfg.MaxBodyBytes {
		msg := fmt.Sprintf("body of %d bytes exceeds the limit of %d", r.ContentLength, h.cfg.MaxBodyBytes)
		writeError(w, http.StatusRequestEntityTooLarge, msg)
		return http.StatusRequestEntityTooLarge, errors.New(msg)
	}
	wait, cancel := context.WithTimeout(r.Context(), h.cfg.QueueWait)
	defer cancel()
	select {
	case h.slots <- struct{}{}:
		defer func() { <-h.slots }()
	case <-wait.Done():
		writeError(w, http.StatusServiceUnavailable, "busy: too many requests in flight, retry later")
		return http.StatusServiceUnavailable, errors.New("busy")
	}
	ctx, cancelReq := context.WithTimeout(r.Context(), h.cfg.Timeout)
	defer cancelReq()
	r = r.WithContext(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes)
	return next(w, r)
}

// statusFor maps an error from label to an HTTP status.
func statusFor(err error) int {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig), errors.Is(err, errTooManyPixels):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	case errors.Is(err, label.ErrInvalidLabel), errors.Is(err, label.ErrInvalidOptions):
		return http.StatusBadRequest
	case errors.Is(err, label.ErrUnsupportedFormat), errors.Is(err, label.ErrLayerUnavailable),
		errors.Is(err, label.ErrNotEmbeddable):
		return http.StatusUnprocessableEntity
	case errors.Is(err, label.ErrCorrupt):
		return http.StatusUnprocessableEntity
	}
	// Parse errors from the format packages name the format and the place;
	// they are the client's bad input unless the machine failed.
	var pe *os.PathError
	if errors.As(err, &pe) {
		return http.StatusInternalServerError
	}
	return http.StatusUnprocessableEntity
}

// labelFromQuery builds the Label and Options from query parameters:
// source, ai_system, ai_version, producer, id, lang, profile, tdm,
// tdm_policy, layers, name.
func (h *Handler) labelFromQuery(r *http.Request) (label.Label, label.Options, error) {
	q := r.URL.Query()
	tdm, err := label.ParseTDM(q.Get("tdm"))
	if err != nil {
		return label.Label{}, label.Options{}, err
	}
	layers, err := label.ParseLayers(q.Get("layers"))
	if err != nil {
		return label.Label{}, label.Options{}, err
	}
	l := label.Label{
		Source: label.Kind(q.Get("source")), AISystem: q.Get("ai_system"), AIVersion: q.Get("ai_version"),
		Producer: q.Get("producer"), ContentID: q.Get("id"), Profile: label.Profile(q.Get("profile")),
		TDM: tdm, TDMPolicy: q.Get("tdm_policy"),
	}
	if s := q.Get("lang"); s != "" {
		l.Languages = strings.Split(s, ",")
	}
	if err := l.Normalize(); err != nil {
		return l, label.Options{}, err
	}
	o := h.cfg.Options
	o.Layers = layers
	o.Name = q.Get("name")
	return l, o, nil
}

// Summary is the JSON in the X-Belgi-Result header of /v1/label.
type Summary struct {
	label.Result
	Bytes int64 `json:"bytes"`
}

func (h *Handler) label(w http.ResponseWriter, r *http.Request) (int, error) {
	l, o, err := h.labelFromQuery(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return http.StatusBadRequest, err
	}
	body, err := h.checkPixels(r.Body)
	if err != nil {
		code := statusFor(err)
		writeError(w, code, err.Error())
		return code, err
	}
	// The output goes to an unlinked temporary file first: an error half way
	// must become an error status, not a truncated 200.
	tmp, err := os.CreateTemp("", ".belgi-serve-*")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "temporary file: "+err.Error())
		return http.StatusInternalServerError, err
	}
	os.Remove(tmp.Name())
	defer tmp.Close()
	res, err := label.Apply(r.Context(), body, tmp, l, o)
	if err != nil {
		code := statusFor(err)
		writeError(w, code, err.Error())
		return code, err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return http.StatusInternalServerError, err
	}
	sum, _ := json.Marshal(Summary{Result: res, Bytes: size})
	w.Header().Set("Content-Type", contentType(res.Format))
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("X-Belgi-Result", string(sum))
	w.WriteHeader(http.StatusOK)
	_, err = io.Copy(w, tmp)
	return http.StatusOK, err
}

func (h *Handler) verify(w http.ResponseWriter, r *http.Request) (int, error) {
	rep, err := label.Verify(r.Context(), r.Body, label.VerifyOptions{Name: r.URL.Query().Get("name")})
	if err != nil {
		code := statusFor(err)
		writeError(w, code, err.Error())
		return code, err
	}
	w.Header().Set("Content-Type", "application/json")
	return http.StatusOK, json.NewEncoder(w).Encode(rep)
}

// checkPixels refuses images whose declared size exceeds MaxPixels before
// anything decodes them. It peeks at the header and returns a reader that
// still yields the whole body.
func (h *Handler) checkPixels(body io.Reader) (io.Reader, error) {
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(body, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	head = head[:n]
	if n == 0 {
		return nil, fmt.Errorf("%w: empty body", label.ErrInvalidOptions)
	}
	if formats.Detect(head, "").IsImage() {
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(head)); err == nil {
			if px := int64(cfg.Width) * int64(cfg.Height); px > h.cfg.MaxPixels {
				return nil, fmt.Errorf("%w: image of %d×%d pixels exceeds the limit of %d pixels",
					errTooManyPixels, cfg.Width, cfg.Height, h.cfg.MaxPixels)
			}
		}
	}
	return io.MultiReader(bytes.NewReader(head), body), nil
}

var errTooManyPixels = errors.New("image too large")

func contentType(f formats.Format) string {
	if f.IsText() && f != formats.JSON {
		return f.MIMEType() + "; charset=utf-8"
	}
	return f.MIMEType()
}
