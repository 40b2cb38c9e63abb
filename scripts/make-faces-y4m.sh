#!/usr/bin/env bash
# Builds a fake-webcam clip (I420 .y4m) from FER2013 test faces for Chromium's
# --use-file-for-fake-video-capture. Needs ImageMagick (convert) and ffmpeg (Debian apt).
# Usage: bash scripts/make-faces-y4m.sh FER2013_TEST_DIR [OUT.y4m]   (default OUT: ./faces-320x240.y4m)
# The e2e tests read the result from ../shared/fixtures/faces-320x240.y4m (a copy of this script lives there too).
# Env overrides: W H FPS PER_SEG SINGLE PAIR (e.g. W=640 H=480 SINGLE=400 PAIR=300).
set -euo pipefail
FER=${1:-$(cd "$(dirname "$0")/.." && pwd)/fer2013/test}
OUT=${2:-faces-320x240.y4m}
W=${W:-320}; H=${H:-240}; FPS=${FPS:-5}; PER_SEG=${PER_SEG:-4}   # 4 frames (0.8 s) per segment
SINGLE=${SINGLE:-200}                 # single face upscaled 48 -> 200 px
PAIR=${PAIR:-150}                     # two faces side by side, 150 px each
BG='gray(128)'                        # neutral mid-grey background
# segment: "label:image[,label:image]"; an empty entry = background only (no face)
SEGS=(
  "angry:angry/PublicTest_11832974.jpg"
  "disgust:disgust/PublicTest_1145545.jpg"
  "fear:fear/PublicTest_10889919.jpg"
  "happy:happy/PublicTest_10248771.jpg"
  "neutral:neutral/PublicTest_10262886.jpg"
  "sad:sad/PublicTest_10404299.jpg"
  "surprise:surprise/PublicTest_10709121.jpg"
  "happy:happy/PublicTest_10248771.jpg,sad:sad/PublicTest_10404299.jpg"
  ""
)
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
n=0
for s in "${!SEGS[@]}"; do
  seg=${SEGS[$s]}
  args=(-size ${W}x${H} "xc:$BG")
  IFS=',' read -r -a faces <<< "$seg"
  if [ ${#faces[@]} -eq 1 ]; then
    img=${faces[0]#*:}
    args+=( \( "$FER/$img" -filter Lanczos -resize ${SINGLE}x${SINGLE}! \) -geometry +$(( (W-SINGLE)/2 ))+$(( (H-SINGLE)/2 )) -composite )
  elif [ ${#faces[@]} -eq 2 ]; then
    gap=$(( (W-2*PAIR)/3 )); y=$(( (H-PAIR)/2 ))
    img=${faces[0]#*:}; args+=( \( "$FER/$img" -filter Lanczos -resize ${PAIR}x${PAIR}! \) -geometry +$gap+$y -composite )
    img=${faces[1]#*:}; args+=( \( "$FER/$img" -filter Lanczos -resize ${PAIR}x${PAIR}! \) -geometry +$((2*gap+PAIR))+$y -composite )
  fi
  # segment index as a 4-bit marker in the top-left corner: 4 blocks of 12x12, white=1, black=0 (MSB first)
  for b in 0 1 2 3; do
    bit=$(( (s >> (3-b)) & 1 )); col=$([ $bit = 1 ] && echo white || echo black)
    args+=( -fill $col -draw "rectangle $((b*12)),0 $((b*12+11)),11" )
  done
  convert "${args[@]}" -colorspace sRGB -type TrueColor "$TMP/seg$s.png"
  for ((k=0; k<PER_SEG; k++)); do cp "$TMP/seg$s.png" "$TMP/f$(printf %03d $n).png"; n=$((n+1)); done
done
ffmpeg -loglevel error -y -framerate $FPS -i "$TMP/f%03d.png" -pix_fmt yuv420p -f yuv4mpegpipe "$OUT"
echo "wrote $OUT: $n frames ${W}x${H} @ ${FPS} fps, $(stat -c %s "$OUT") bytes"
