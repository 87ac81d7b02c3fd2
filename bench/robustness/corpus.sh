#!/bin/sh
# corpus.sh DIR — gathers the natural photos the image watermark evaluation
# runs on (issue 3) into DIR, from Debian packages (not committed: their
# licences differ, several are GPL or CC-BY-SA):
#
#   apt-get install -y --no-install-recommends mate-backgrounds \
#     lomiri-wallpapers lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 \
#     plasma-workspace-wallpapers python3-skimage opencv-doc imagemagick
#   (opencv-doc's 18 sample photos are in the table since 2026-12-03;
#   its lena.jpg is not shipped, the script says so and goes on)
#
# plus ../shared/testdata/images. Wallpapers are scaled to at most 1920 px
# on the long side (PNG, so no extra JPEG pass); from every wallpaper wider
# than 2400 px two more 60 % crops are taken (upper left, lower right),
# scaled the same way, so that the larger photos also count as views of
# different content. Illustrations and renders among the wallpapers are
# left out by name (the floors are about photographs).
#
#   sh bench/robustness/corpus.sh /tmp/corpus
#   go run ./bench/robustness -corpus /tmp/corpus
set -eu
out=${1:?usage: corpus.sh DIR}
here=$(cd "$(dirname "$0")/../.." && pwd)
shared=${BELGI_SHARED:-$here/../shared}
mkdir -p "$out"

fit() { # fit SRC DST [crop geometry]
	if [ $# -gt 2 ]; then
		convert "$1[0]" -auto-orient -gravity "$4" -crop "$3" +repage -resize '1920x1920>' "$2"
	else
		convert "$1[0]" -auto-orient -resize '1920x1920>' "$2"
	fi
}

add() { # add NAME SRC: the photo, and two crops when it is large
	src=$2
	[ -f "$src" ] || { echo "corpus: missing $src (package not installed?)" >&2; return 0; }
	fit "$src" "$out/$1.png"
	w=$(identify -format '%w' "$src[0]")
	if [ "$w" -gt 2400 ]; then
		fit "$src" "$out/$1_crop_nw.png" 60%x60%+0+0 northwest
		fit "$src" "$out/$1_crop_se.png" 60%x60%+0+0 southeast
	fi
}

largest() { ls -S "$1"/contents/images/* 2>/dev/null | head -1; }

for n in BytheWater ColdRipple DarkestHour EveningGlow FallenLeaf Grey Kite OneStandsOut Path summer_1am; do
	add "kde_$n" "$(largest /usr/share/wallpapers/$n)"
done
for n in Bridge_by_Sander_Klootwijk Dragonfly_by_Bolly Kleiber_by_Lukas_Baubkus \
	Picture_0B_by_freespace Picture_1A_by_freespace Wine_by_Jakkub_Mede \
	aitzgorri_by_Aitzol_Berasategi analogpattern_by_Peter_Nerlich free_by_Peter_Nerlich \
	friends_by_Aitzol_Berasategi greentock_by_Peter_Nerlich life_by_Aitzol_Berasategi \
	picosdeeuropa_by_Aitzol_Berasategi seeding_by_Clements_Engelhardt \
	sunset_by_Aitzol_Berasategi Infinite-Sea_by_Aury88; do
	add "lomiri_$n" "/usr/share/backgrounds/$n.jpg"
done
for n in Aqua Blinds Dune FreshFlower Garden GreenMeadow LadyBird RainDrops Storm TwoWings Wood YellowFlower; do
	add "mate_$n" "/usr/share/backgrounds/mate/nature/$n.jpg"
done
cv=/usr/share/doc/opencv-doc/examples/data
for n in aloeL.jpg apple.jpg baboon.jpg building.jpg chicky_512.png ela_original.jpg graf1.png \
	leuvenA.jpg orange.jpg pca_test1.jpg fruits.jpg home.jpg messi5.jpg lena.jpg \
	HappyFish.jpg box_in_scene.png smarties.png stuff.jpg left01.jpg; do
	add "opencv_${n%.*}" "$cv/$n"
done
sk=/usr/lib/python3/dist-packages/skimage/data
for n in brick.png grass.png gravel.png retina.jpg motorcycle_left.png moon.png; do
	add "skimage_${n%.*}" "$sk/$n"
done
for f in "$shared"/testdata/images/*.png "$shared"/testdata/images/*.jpg; do
	cp "$f" "$out/shared_$(basename "$f")"
done
echo "corpus: $(ls "$out" | wc -l) images in $out" >&2
