#!/usr/bin/env bash
# Page 1 of each seed's regenerated circular, as the README shows it: tongbao circular → DOCX →
# LibreOffice (with the documented font fallbacks, tests/layout/fonts.conf) → PDF → pdftoppm PNG.
# Needs: libreoffice-writer-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai. Run from the repo root.
set -euo pipefail
out=docs/img
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for id in tonggu-ganzhengtong yanjiang-xinxi-2020q3 jiujiang-wangzhan-2022q2 ganzhou-jiance-2023-08 ganzhou-gongkai-2022-07; do
  tongbao circular "rulesets/$id.yaml" "examples/$id/" -o "$work/$id.docx"
done
FONTCONFIG_FILE="$PWD/tests/layout/fonts.conf" soffice --headless --norestore "-env:UserInstallation=file://$work/lo" \
  --convert-to pdf --outdir "$work" "$work"/*.docx >/dev/null
for pdf in "$work"/*.pdf; do
  pdftoppm -f 1 -l 1 -r 80 -png -singlefile "$pdf" "$out/$(basename "$pdf" .pdf)"
done
ls -l "$out"/*.png
