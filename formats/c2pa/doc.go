// Package c2pa writes and validates C2PA manifests (Content Credentials):
// JUMBF boxes (ISO 19566-5), claim v2 in deterministic CBOR, the assertions
// belgi declares (c2pa.actions.v2, c2pa.hash.data, c2pa.hash.bmff.v2/v3,
// c2pa.soft-binding, cawg.training-mining), COSE_Sign1 signatures with a
// detached payload, and the per-container placement of the manifest store
// (JPEG APP11, PNG caBX, RIFF C2PA chunk, BMFF uuid box, text wrapper).
//
// It is bytes in, bytes out: it reads io.ReaderAt and writes io.Writer,
// streaming the media so that memory does not grow with the file (an MP4's
// moov is held in memory to patch its chunk offsets; mdat is streamed).
// It decides no policy: which actions, which source type and which signer
// are chosen by package label. It reads no files by name, no flags and no
// network (an RFC 3161 timestamp is requested only through the Timestamper
// a caller passes in).
//
// Container structure comes from formats/jpeg (segments), formats/riff
// (chunks) and formats/mp4 (offset patching); PNG, the BMFF top level and
// the text wrapper are walked here.
//
// Not for: remote manifests, cloud-data or update manifests, redaction, or
// containers other than those above.
package c2pa

import "errors"

// Sentinel errors callers test with errors.Is.
var (
	// ErrCorrupt: a JUMBF box, claim, assertion or container is malformed.
	ErrCorrupt = errors.New("c2pa: corrupt data")
	// ErrNoManifest: the content carries no C2PA manifest store.
	ErrNoManifest = errors.New("c2pa: no manifest")
	// ErrUnsupported: the container cannot carry a manifest here.
	ErrUnsupported = errors.New("c2pa: unsupported container")
)
