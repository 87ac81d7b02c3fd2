package label

// WatermarkOptions configure the invisible watermark (image, audio, text).
type WatermarkOptions struct {
	// Key selects the whitening sequence; empty means belgi's documented
	// public key, so that anyone can detect the mark.
	Key []byte
	// Strength scales the embedding; 0 means the algorithm's default.
	Strength float64
}

// DisclosureOptions configure the visible or audible disclosure.
type DisclosureOptions struct{}

// C2PAOptions configure the signed C2PA manifest.
type C2PAOptions struct{}

func (c *C2PAOptions) configured() bool { return false }
