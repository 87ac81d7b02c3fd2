package label

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/belgi/belgi/formats"
)

// Sentinel errors callers can test with errors.Is.
var (
	// ErrUnsupportedFormat: the input is not a format belgi handles.
	ErrUnsupportedFormat = errors.New("unsupported format")
	// ErrInvalidOptions: the options contradict each other or the format.
	ErrInvalidOptions = errors.New("invalid options")
	// ErrCorrupt wraps parse errors of damaged inputs.
	ErrCorrupt = errors.New("corrupt input")
	// ErrNotEmbeddable: content too small, flat or silent to carry a watermark.
	ErrNotEmbeddable = errors.New("content cannot carry a watermark")
	// ErrLayerUnavailable: a layer was asked for that this format or build lacks.
	ErrLayerUnavailable = errors.New("layer unavailable")
)

// Input is the content being labelled or verified. It keeps the first bytes
// for sniffing and hands out random access when the underlying reader is a
// file (or spools to a temporary file when it is not).
type Input struct {
	Name   string
	Format formats.Format
	r      io.Reader
	br     *bufio.Reader
	header []byte
	spool  *os.File
	// key is VerifyOptions.WatermarkKey during Verify (nil: public key).
	key []byte
}

// WatermarkKey is the key verifiers detect with (nil: belgi's public key).
func (in *Input) WatermarkKey() []byte {
	if in == nil {
		return nil
	}
	return in.key
}

func newInput(r io.Reader, name string) (*Input, error) {
	if f, ok := r.(*os.File); ok {
		// Pipes and terminals (stdin) are files without random access.
		if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
			r = struct{ io.Reader }{f}
		}
	}
	in := &Input{Name: name, r: r}
	if _, ok := r.(io.ReaderAt); !ok {
		in.br = bufio.NewReaderSize(r, formats.HeaderSize)
		h, err := in.br.Peek(formats.HeaderSize)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return nil, fmt.Errorf("read: %w", err)
		}
		in.header = h
	} else {
		h := make([]byte, formats.HeaderSize)
		n, err := r.(io.ReaderAt).ReadAt(h, 0)
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("read: %w", err)
		}
		in.header = h[:n]
	}
	in.Format = formats.Detect(in.header, name)
	return in, nil
}

// Header returns the first bytes (up to formats.HeaderSize).
func (in *Input) Header() []byte { return in.header }

// Reader returns the whole content as a stream from its first byte. Inputs
// with random access (files, or anything after ReaderAt was called) can be
// read again and again; a plain stream can be read once.
func (in *Input) Reader() io.Reader {
	if in.spool != nil {
		return io.NewSectionReader(in.spool, 0, 1<<62)
	}
	if in.br != nil {
		return in.br
	}
	if ra, ok := in.r.(io.ReaderAt); ok {
		return io.NewSectionReader(ra, 0, 1<<62)
	}
	return in.r
}

// ReaderAt returns random access to the content and its size. Files are used
// as they are; other readers are copied to a temporary file first, so memory
// does not grow with the content.
func (in *Input) ReaderAt() (io.ReaderAt, int64, error) {
	if f, ok := in.r.(*os.File); ok {
		st, err := f.Stat()
		if err == nil && st.Mode().IsRegular() {
			return f, st.Size(), nil
		}
	}
	if s, ok := in.r.(interface {
		io.ReaderAt
		Size() int64
	}); ok {
		return s, s.Size(), nil
	}
	if in.spool == nil {
		f, err := os.CreateTemp("", ".belgi-spool-*")
		if err != nil {
			return nil, 0, err
		}
		os.Remove(f.Name()) // unlinked: vanishes when closed, even after a crash
		if _, err := io.Copy(f, in.Reader()); err != nil {
			f.Close()
			return nil, 0, fmt.Errorf("spool input: %w", err)
		}
		in.spool = f
	}
	st, err := in.spool.Stat()
	if err != nil {
		return nil, 0, err
	}
	return in.spool, st.Size(), nil
}

// Bytes reads the whole content into memory, refusing more than limit bytes.
func (in *Input) Bytes(limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(in.Reader(), limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: input larger than %d bytes", ErrInvalidOptions, limit)
	}
	return b, nil
}

func (in *Input) close() {
	if in.spool != nil {
		in.spool.Close()
	}
}

// Job is one Apply call as a format handler sees it.
type Job struct {
	In     *Input
	Out    io.Writer
	Label  *Label
	Opts   *Options
	Result *Result
	// Layers this handler must write (already filtered to what it supports).
	Layers map[Layer]bool
}

// handler implements labelling for a family of formats. Each format family
// registers one from its own file (image.go, audio.go, video.go, text.go).
type handler struct {
	// layers the handler can write, excluding C2PA (which wraps the output).
	layers []Layer
	apply  func(ctx context.Context, j *Job) error
	verify func(ctx context.Context, in *Input, rep *Report) error
}

var handlers = map[formats.Format]handler{}

func register(f formats.Format, h handler) { handlers[f] = h }

// SupportedFormats lists the formats Apply and Verify handle.
func SupportedFormats() []formats.Format {
	var out []formats.Format
	for f := range handlers {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// LayersFor lists the layers Apply can write to format f.
func LayersFor(f formats.Format) []Layer {
	h, ok := handlers[f]
	if !ok {
		return nil
	}
	out := append([]Layer(nil), h.layers...)
	if c2paSupports(f) {
		out = append(out, LayerC2PA)
	}
	return out
}

// Apply reads content from in, labels it and writes the result to out.
// Nothing is written to out when an error is returned before the first
// byte; callers that need all-or-nothing files use ApplyFile.
func Apply(ctx context.Context, in io.Reader, out io.Writer, l Label, o Options) (Result, error) {
	if err := l.Normalize(); err != nil {
		return Result{}, err
	}
	input, err := newInput(in, o.Name)
	if err != nil {
		return Result{}, err
	}
	defer input.close()
	res := Result{Format: input.Format, ContentID: l.ContentID}
	h, ok := handlers[input.Format]
	if !ok {
		if input.Format == formats.Unknown {
			return res, fmt.Errorf("%w: not a recognised image, audio, video or text file", ErrUnsupportedFormat)
		}
		return res, fmt.Errorf("%w: %s is recognised but not handled in this build", ErrUnsupportedFormat, input.Format)
	}
	job := &Job{In: input, Label: &l, Opts: &o, Result: &res, Layers: map[Layer]bool{}}
	for _, layer := range h.layers {
		if o.wants(layer) {
			job.Layers[layer] = true
		}
	}
	for _, layer := range o.Layers {
		if layer == LayerC2PA {
			continue
		}
		if !job.Layers[layer] {
			res.Warnings = append(res.Warnings, fmt.Sprintf("layer %s is not available for %s; skipped", layer, input.Format))
		}
	}
	if o.wants(LayerC2PA) {
		if !c2paSupports(input.Format) {
			if o.explicit(LayerC2PA) {
				return res, fmt.Errorf("%w: c2pa for %s", ErrLayerUnavailable, input.Format)
			}
		} else {
			return res, applyWithC2PA(ctx, h, job, out)
		}
	}
	if len(job.Layers) == 0 {
		return res, fmt.Errorf("%w: none of the requested layers apply to %s", ErrLayerUnavailable, input.Format)
	}
	job.Out = out
	if err := h.apply(ctx, job); err != nil {
		return res, err
	}
	return res, nil
}

// Verify reads content and reports which layers it carries.
func Verify(ctx context.Context, in io.Reader, o VerifyOptions) (Report, error) {
	rep := Report{File: o.Name}
	input, err := newInput(in, o.Name)
	if err != nil {
		rep.finish()
		return rep, err
	}
	defer input.close()
	input.key = o.WatermarkKey
	rep.Format = string(input.Format)
	// Verification reads several layers, so make the input re-readable
	// (free for files; a stream is spooled to an unlinked temporary file).
	if _, _, err := input.ReaderAt(); err != nil {
		rep.finish()
		return rep, err
	}
	h, ok := handlers[input.Format]
	if !ok {
		rep.finish()
		return rep, fmt.Errorf("%w: %s", ErrUnsupportedFormat, orUnknown(input.Format))
	}
	err = h.verify(ctx, input, &rep)
	if err == nil {
		err = verifyC2PA(ctx, input, &o, &rep)
	}
	rep.finish()
	return rep, err
}

// VerifyOptions configure Verify.
type VerifyOptions struct {
	// Name is the file name (reported, and a hint for text formats).
	Name string
	// WatermarkKey is the key to detect with; empty means the public key.
	WatermarkKey []byte
	// TrustAnchors is PEM with the root certificates for C2PA trust.
	TrustAnchors []byte
	// AllowedEKUs are extended key usages (dotted OIDs, e.g. documentSigning
	// "1.3.6.1.5.5.7.3.36") accepted for C2PA signers beyond
	// emailProtection: c2pa-rs's trust_config (see c2pa.ParseTrustConfig).
	AllowedEKUs []string
}

func orUnknown(f formats.Format) string {
	if f == formats.Unknown {
		return "unknown format"
	}
	return string(f)
}
