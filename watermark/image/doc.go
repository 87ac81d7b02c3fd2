// Package image embeds and detects belgi's invisible watermark in the pixels
// of a still image or video frame: a 64-bit content ID (framed by
// watermark/payload) spread over the luma channel.
//
// # Design
//
// The luma is resampled to a working grid whose shorter side is 512 pixels
// (smaller images are used as they are). On that grid a 128×128 tile is
// repeated over the whole image: 64×64 chips of ±1, bilinearly interpolated,
// of which 598 are a key-derived synchronisation template and 3498 carry the
// 318 channel bits of the payload (11 chips each, key-derived positions and
// signs). The tile is scaled by a perceptual mask (stronger in texture,
// weak in flat areas), upsampled back to the image and added to R, G and B
// equally, which changes luma only.
//
// Texture-heavy images may take a stronger mark (RMS up to 2.35 grey
// levels instead of 2), and the whole mark is scaled down where an SSIM
// estimate says grainy smooth areas would show it.
//
// Detection whitens the working-grid luma twice: at half resolution with a
// smooth high-pass, to find the tile lattice from the peaks of the
// residual's autocorrelation (which gives scale and rotation; a repeated
// tile makes the peaks), and at full resolution as a prediction error (each
// pixel minus the mean of its neighbours, locally normalised), which is
// what the payload is read from. It folds that residual into one tile along
// the lattice, finds the tile's offset and orientation (the 8
// rotations/mirrors, so flips are covered) by FFT cross-correlation with the
// template, and decodes the payload's soft values there (a list decoder
// retries frames that scored well but failed the CRC). A frame counts as
// present only when its CRC passes and its score reaches payload.Threshold
// for every hypothesis the search tried, so an unmarked image yields
// "absent", never a wrong ID.
//
// The package is pixels only: it reads no files and knows no formats
// (label/ decodes and encodes). It is not a cryptographic signature: the
// public key lets anyone detect — and, with effort, remove — the mark.
package image
