#!/usr/bin/env bash
# Installs what the browser and PDF tests need from Debian's packages (never a downloaded browser).
# With CI=true a tool that cannot be had is a failure, never a silent skip.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium chromium-driver)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
# The announcement PDF embeds a TrueType CJK font (ReportLab cannot embed the CFF-based Noto CJK).
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${need[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${need[@]}" >/dev/null
elif [ "${CI:-}" = "true" ]; then
  echo "missing test tools: ${need[*]} (and cannot install them)" >&2
  exit 1
else
  echo "warning: missing test tools ${need[*]}; browser/PDF tests will be skipped outside CI" >&2
fi
