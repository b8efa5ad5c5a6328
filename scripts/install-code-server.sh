#!/usr/bin/env bash
# Install code-server 4.96.4 (VS Code 1.96) for Lineage's end-to-end tests.
#
# Uses only the npm registry and Debian packages (no GitHub downloads):
#   * code-server comes from npm with --ignore-scripts (its postinstall would
#     download things), and we redo the postinstall steps by hand;
#   * @vscode/proxy-agent's git URL in lib/vscode/npm-shrinkwrap.json is
#     rewritten to the registry tarball;
#   * ripgrep comes from Debian (/usr/bin/rg) instead of @vscode/ripgrep's
#     GitHub download;
#   * native modules are rebuilt with node-gyp against the system node headers.
#
# Idempotent: exits quickly when the install is already complete and working.
# Prints the path of code-server's entry script (run it with `node`) and
# writes it to "$DIR/ENTRY".
#
# Env:
#   LINEAGE_CODE_SERVER_DIR  install dir (default ~/.cache/lineage/code-server-4.96.4)
#   LINEAGE_SKIP_APT=1       do not apt-get install missing Debian packages
set -euo pipefail

VERSION=4.96.4
PROXY_AGENT_VERSION=0.27.0
DIR="${LINEAGE_CODE_SERVER_DIR:-$HOME/.cache/lineage/code-server-$VERSION}"
CS="$DIR/node_modules/code-server"
ENTRY="$CS/out/node/entry.js"
MARKER="$DIR/.install-complete"
# python3-sklearn: real training scripts and real data sets (its CSVs) for the tests.
DEB_PACKAGES=(libkrb5-dev ripgrep chromium build-essential python3 python3-sklearn)

log() { echo "[install-code-server] $*" >&2; }

# ---------------------------------------------------------------- Debian deps
missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${LINEAGE_SKIP_APT:-0}" = 1 ]; then
    log "missing Debian packages (LINEAGE_SKIP_APT=1): ${missing[*]}"
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# ------------------------------------------------------------- fast path
is_working() {
  [ -f "$MARKER" ] && [ -f "$ENTRY" ] && [ -x "$CS/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] &&
    node "$ENTRY" --version 2>/dev/null | grep -q "^$VERSION "
}
if is_working; then
  echo "$ENTRY" > "$DIR/ENTRY"
  echo "$ENTRY"
  exit 0
fi

# ------------------------------------------------------------- checks
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != 20 ]; then
  log "code-server $VERSION needs Node 20 (found $(node -v))"
  exit 1
fi
# node-gyp must not try to download headers (offline): use the system ones.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then
  export npm_config_nodedir=/usr
fi
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_loglevel="${npm_config_loglevel:-warn}"

start=$(date +%s)
rm -rf "$DIR"
mkdir -p "$DIR"

# ------------------------------------------------------------- code-server
log "npm install code-server@$VERSION into $DIR"
echo '{"name":"lineage-code-server","private":true}' > "$DIR/package.json"
npm install --prefix "$DIR" "code-server@$VERSION" --ignore-scripts --omit=dev --no-save >&2

# ------------------------------------------------------------- lib/vscode
cd "$CS/lib/vscode"
log "rewrite @vscode/proxy-agent git URL in lib/vscode/npm-shrinkwrap.json"
PROXY_AGENT_VERSION="$PROXY_AGENT_VERSION" node - <<'EOF'
const fs = require('fs');
const { execSync } = require('child_process');
const v = process.env.PROXY_AGENT_VERSION;
const file = 'npm-shrinkwrap.json';
const sw = JSON.parse(fs.readFileSync(file, 'utf8'));
const e = sw.packages && sw.packages['node_modules/@vscode/proxy-agent'];
if (!e) throw new Error('no @vscode/proxy-agent entry in ' + file);
let dist;
try {
  dist = JSON.parse(execSync(`npm view @vscode/proxy-agent@${v} dist --json`, { encoding: 'utf8' }));
} catch (err) {
  // Offline fallback: the known values for 0.27.0.
  dist = {
    tarball: `https://registry.npmjs.org/@vscode/proxy-agent/-/proxy-agent-${v}.tgz`,
    integrity: 'sha512-ID1MOlynRkVN121n85Hs1enjW16B5Z1O6bMDkSPqvAMVD6eHUOqmgPZuEkBbRI43PfA6boUEY9Ndjp+0wPKtsg==',
  };
}
e.version = v;
e.resolved = dist.tarball;
e.integrity = dist.integrity;
fs.writeFileSync(file, JSON.stringify(sw, null, 2) + '\n');
const left = JSON.stringify(sw).match(/"resolved":"git[^"]*"/g);
if (left) throw new Error('git URLs left in shrinkwrap: ' + left.join(', '));
EOF

log "npm install in lib/vscode"
npm install --omit=dev --ignore-scripts >&2

log "link /usr/bin/rg into @vscode/ripgrep"
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg || echo /usr/bin/rg)" node_modules/@vscode/ripgrep/bin/rg

log "npm rebuild native modules in lib/vscode (node-gyp, takes a few minutes)"
npm rebuild node-pty @parcel/watcher @vscode/spdlog kerberos native-watchdog @vscode/deviceid >&2

# The rest of code-server's postinstall.sh.
rm -rf node_modules.asar
ln -s node_modules node_modules.asar
(cd bin/remote-cli && rm -f code-server && ln -s code-linux.sh code-server)
(cd bin/helpers && rm -f browser.sh && ln -s browser-linux.sh browser.sh)

log "npm install in lib/vscode/extensions"
(cd extensions && npm install --omit=dev --ignore-scripts >&2)

# ------------------------------------------------------------- top level
log "npm rebuild argon2"
(cd "$DIR" && npm rebuild argon2 >&2)

# ------------------------------------------------------------- verify
for m in node-pty @parcel/watcher @vscode/spdlog kerberos native-watchdog @vscode/deviceid; do
  (cd "$CS/lib/vscode" && node -e "require('$m')") || { log "native module $m does not load"; exit 1; }
done
(cd "$DIR" && node -e "require('argon2')") || { log "argon2 does not load"; exit 1; }
node "$ENTRY" --version >&2

touch "$MARKER"
echo "$ENTRY" > "$DIR/ENTRY"
log "done in $(( $(date +%s) - start ))s"
echo "$ENTRY"
