#!/bin/sh
# Regenerates the spoken disclosure clips embedded by package disclosure.
#
# Needs Debian's espeak-ng (1.51 was used: `apt-get install espeak-ng`) and
# sox. The texts are disclosure.Default.Long (wording.go); a test checks
# that they still match. Output: 16 kHz mono 8-bit mu-law WAV (G.711
# quality, half the size of 16-bit PCM, decoded in pure Go by voice.go),
# peak-normalised to -1 dBFS.
#
# Run from this directory: ./generate.sh
set -eu
say() { # name voice text
	espeak-ng -v "$2" -s 145 -w "tmp-$1.wav" "$3"
	sox "tmp-$1.wav" -r 16000 -c 1 -e mu-law -b 8 "$1.wav" norm -1
	rm "tmp-$1.wav"
}
say generated-kk kk "Жасанды интеллект көмегімен жасалған"
say generated-ru ru "Создано с использованием искусственного интеллекта"
say generated-en en-us "Created with artificial intelligence"
say edited-kk kk "Жасанды интеллект көмегімен өзгертілген"
say edited-ru ru "Изменено с использованием искусственного интеллекта"
say edited-en en-us "Modified with artificial intelligence"
