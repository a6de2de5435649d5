#!/usr/bin/env bash
# Draws Casedesk's icon (a briefcase-like case folder with a check mark) and writes every size the
# bundler and the window need. Needs ImageMagick and python3. Run from icons/.
set -euo pipefail
convert -size 1024x1024 xc:none \
  -fill '#1f5fbf' -draw 'roundrectangle 64,64 960,960 180,180' \
  -fill '#ffffff' -draw 'roundrectangle 232,340 792,800 56,56' \
  -fill none -stroke '#ffffff' -strokewidth 52 -draw 'roundrectangle 400,230 624,360 40,40' \
  -stroke '#1f5fbf' -strokewidth 70 -fill none -draw 'polyline 380,560 480,660 660,470' \
  icon-1024.png
convert icon-1024.png -resize 512x512 -depth 8 PNG32:icon.png
convert icon-1024.png -resize 32x32 -depth 8 PNG32:32x32.png
convert icon-1024.png -resize 128x128 -depth 8 PNG32:128x128.png
convert icon-1024.png -resize 256x256 -depth 8 PNG32:128x128@2x.png
convert icon-1024.png -define icon:auto-resize=256,128,64,48,32,16 icon.ico
for s in 16 24 48 64 256; do convert icon-1024.png -resize ${s}x${s} -depth 8 PNG32:${s}x${s}.png; done
python3 - <<'PY'
import struct
parts = []
for ostype, name in ((b'ic07', '128x128.png'), (b'ic08', '128x128@2x.png'), (b'ic09', 'icon.png')):
    data = open(name, 'rb').read()
    parts.append(ostype + struct.pack('>I', len(data) + 8) + data)
body = b''.join(parts)
open('icon.icns', 'wb').write(b'icns' + struct.pack('>I', len(body) + 8) + body)
PY
rm icon-1024.png
