#!/usr/bin/env bash
# Install the Debian packages wirepath needs, only those that are missing.
set -euo pipefail
PKGS=(build-essential cmake pkg-config verilator libsystemc-dev libgtest-dev libgmock-dev
      libfmt-dev libpcap-dev zlib1g-dev libcli11-dev tshark lcov
      nlohmann-json3-dev ethtool gtkwave parallel gnuplot-nox clang libclang-rt-14-dev
      libjs-chart.js chromium)  # --report: Chart.js inlined, headless render test
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "wirepath: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
