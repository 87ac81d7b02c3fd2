package label

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// TempPrefix starts the name of every temporary file belgi writes beside an
// output. A run that was killed leaves at most such files, and
// CleanTemp removes them on the next run.
const TempPrefix = ".belgi-tmp-"

// ApplyFile labels the file src and writes the result to dst (which may be
// src itself, for in-place labelling). The output is written to a temporary
// file in dst's directory, synced and renamed over dst, so dst is either
// untouched or complete: on any error no partial output remains.
func ApplyFile(ctx context.Context, src, dst string, l Label, o Options) (Result, error) {
	in, err := os.Open(src)
	if err != nil {
		return Result{}, err
	}
	defer in.Close()
	if st, err := in.Stat(); err != nil {
		return Result{}, err
	} else if st.IsDir() {
		return Result{}, fmt.Errorf("%s is a directory", src)
	}
	if o.Name == "" {
		o.Name = filepath.Base(src)
	}
	var res Result
	write := WriteAtomic
	if o.NoSync {
		write = writeAtomicNoSync
	}
	err = write(dst, func(f *os.File) error {
		// Containers are written segment by segment: buffer them into
		// few large writes (30 syscalls per JPEG became 1).
		bw := bufio.NewWriterSize(f, 256<<10)
		var err error
		if res, err = Apply(ctx, in, bw, l, o); err != nil {
			return err
		}
		return bw.Flush()
	})
	return res, err
}

// WriteAtomic creates a temporary file beside path, lets write fill it, then
// syncs it and renames it to path. If write fails, the temporary file is
// removed and path is left as it was. The new file keeps the permission bits
// of an existing path (0644 otherwise).
func WriteAtomic(path string, write func(f *os.File) error) error {
	return writeAtomic(path, true, write)
}

// writeAtomicNoSync is WriteAtomic without the fsync: still all or nothing
// if the process dies (the rename is atomic and the page cache survives),
// but not durable across a power cut until the caller syncs.
func writeAtomicNoSync(path string, write func(f *os.File) error) error {
	return writeAtomic(path, false, write)
}

func writeAtomic(path string, sync bool, write func(f *os.File) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(dir, TempPrefix+hex.EncodeToString(rnd[:])+"-"+base)
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if st, e := os.Stat(path); e == nil {
		mode = st.Mode().Perm()
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if sync {
		if err = f.Sync(); err != nil {
			return err
		}
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// IsTemp reports whether name is a temporary file left by WriteAtomic.
func IsTemp(name string) bool { return strings.HasPrefix(filepath.Base(name), TempPrefix) }

// VerifyFile verifies the file at path.
func VerifyFile(ctx context.Context, path string, o VerifyOptions) (Report, error) {
	if o.Name == "" {
		o.Name = path
	}
	f, err := os.Open(path)
	if err != nil {
		rep := Report{File: path}
		rep.finish()
		return rep, err
	}
	defer f.Close()
	return Verify(ctx, f, o)
}
