#!/usr/bin/env bash
# Checks (and, as root, installs) the Debian packages Crucible needs.
#   installers/system_deps.sh run    - what the GUI needs (Qt xcb libraries, OpenGL, fonts)
#   installers/system_deps.sh test   - plus what the tests need (Xvfb, PostgreSQL, poppler,
#                                      and the packaging tools of installers/)
#   installers/system_deps.sh list   - print the run packages, comma-separated (the .deb's Depends)
# As a normal user it prints the exact apt-get line to run and exits 1 when something is missing.
set -euo pipefail
what=${1:-run}

python_pkgs="python3-venv"
qt_pkgs="libxcb-icccm4 libxcb-cursor0 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
 libxcb-render-util0 libxcb-image0 libxkbcommon-x11-0 libxcb-xkb1 libegl1 libgl1-mesa-dri libglx-mesa0
 libfontconfig1 libdbus-1-3 libpulse0 fonts-noto-cjk fonts-dejavu-core fonts-wqy-zenhei"
# installers/: apt-ftparchive (apt-utils), gpg, sqv (apt's signature checker, refuses SHA-1),
# makensis and osslsigncode for the Windows installer recipe.
test_pkgs="xvfb xauth postgresql poppler-utils apt-utils dpkg-dev gnupg sqv nsis osslsigncode"
# pg_partman for the PostgreSQL the tests start (tests/pg.py takes the newest installed major
# version; before any is installed, the one the distribution's "postgresql" depends on).
pg_major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1 || true)
if [ -z "$pg_major" ]; then
  pg_major=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/.*Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -1 || true)
fi
[ -n "$pg_major" ] && test_pkgs="$test_pkgs postgresql-$pg_major-partman"

if [ "$what" = "list" ]; then
  echo $qt_pkgs | tr ' ' '\n' | paste -sd, | sed 's/,/, /g'
  exit 0
fi

pkgs="$qt_pkgs"
[ "$what" = "test" ] && pkgs="$pkgs $test_pkgs"
# A pyenv/conda Python brings its own venv module; Debian's python3 needs python3-venv.
python3 -c 'import ensurepip, venv' 2>/dev/null || pkgs="$python_pkgs $pkgs"

missing=()
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "Crucible needs these system packages; install them with:" >&2
echo "  sudo apt-get install -y ${missing[*]}" >&2
exit 1
