package disclosure

import (
	"os"

	"github.com/belgi/belgi/formats/wav"
)

func openWAV(path string) (*wav.File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return wav.Parse(bytesReaderAt(b), int64(len(b)))
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, os.ErrClosed
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, os.ErrClosed
	}
	return n, nil
}
