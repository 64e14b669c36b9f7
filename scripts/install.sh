#!/usr/bin/env bash
# Installs qrgate on Raspberry Pi OS / Debian (arm64, armhf, amd64), idempotently: run it again to upgrade.
#
#   sudo scripts/install.sh                     install or upgrade under /opt/qrgate and start the service
#   sudo scripts/install.sh --prefix /srv/qg    install somewhere else
#   scripts/install.sh --dry-run                print what would be done, change nothing
#   scripts/install.sh --root DIR               stage the files under DIR (an image being built); no apt, no users,
#                                               no systemctl, no npm install
#   sudo scripts/install.sh --uninstall         remove the app, unit, udev rule and command; keep config and data
#   sudo scripts/install.sh --uninstall --purge also remove /etc/qrgate, /var/lib/qrgate and the qrgate user
#   --no-start                                  install but do not start the service
#   --central                                   install qrgate central instead of the kiosk daemon (with any of the
#                                               above): user qrgate-central, /etc/qrgate/central.yaml,
#                                               /var/lib/qrgate-central, qrgate-central.service and the
#                                               qrgate-central@.service template; no udev rule
#
# The configuration is never overwritten; the service is started only once that file is valid.
set -euo pipefail

PREFIX=/opt/qrgate
ROOT=""
DRY=0
MODE=install
PURGE=0
START=1
ROLE=kiosk
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19
SERVICE_USER=qrgate
DEVICE_GROUPS=(dialout)
# Earlier versions added these; `input` reads every keyboard, and the udev rule gives scanners the qrgate group.
FORMER_GROUPS=(input plugdev)
APT_PACKAGES=(ca-certificates build-essential python3 libusb-1.0-0)
SRC=$(cd "$(dirname "$0")/.." && pwd)

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX=${2:?--prefix needs a folder}; shift 2 ;;
    --root) ROOT=${2:?--root needs a folder}; shift 2 ;;
    --dry-run) DRY=1; shift ;;
    --uninstall) MODE=uninstall; shift ;;
    --purge) PURGE=1; shift ;;
    --no-start) START=0; shift ;;
    --central) ROLE=central; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$PREFIX" in /*) ;; *) echo "install.sh: --prefix must be an absolute path" >&2; exit 2 ;; esac
if [ -n "$ROOT" ]; then ROOT=$(mkdir -p "$ROOT" && cd "$ROOT" && pwd); fi

APP=$ROOT$PREFIX
ETC=$ROOT/etc/qrgate
STATE=$ROOT/var/lib/qrgate
UNIT=$ROOT/etc/systemd/system/qrgate.service
PROVISION_UNIT=$ROOT/etc/systemd/system/qrgate-provision.service
UDEV_RULE=$ROOT/etc/udev/rules.d/99-qrgate.rules
COMMAND=$ROOT/usr/local/bin/qrgate
CONFIG_NAME=config.yaml
CONFIG_EXAMPLE=config/example.yaml
if [ "$ROLE" = central ]; then
  # Central has no scanner: no device groups, no udev rule; its own user, state folder and configuration file.
  SERVICE_USER=qrgate-central
  DEVICE_GROUPS=()
  STATE=$ROOT/var/lib/qrgate-central
  CONFIG_NAME=central.yaml
  CONFIG_EXAMPLE=config/central.example.yaml
  UNIT=$ROOT/etc/systemd/system/qrgate-central.service
  INSTANCE_UNIT=$ROOT/etc/systemd/system/qrgate-central@.service
fi
CONFIG=$ETC/$CONFIG_NAME

say() { echo "install.sh: $*"; }
# Every change goes through `act`, so --dry-run shows exactly the plan and nothing else happens.
act() {
  if [ "$DRY" = 1 ]; then echo "would: $*"; else echo "+ $*"; "$@"; fi
}
# System-wide actions (packages, users, services, udev) are not for a staging root.
system() {
  if [ -n "$ROOT" ]; then echo "skipped (--root): $*"; else act "$@"; fi
}

check_platform() {
  local arch
  arch=$(dpkg --print-architecture 2>/dev/null || echo unknown)
  case "$arch" in
    amd64|arm64|armhf) say "platform: Debian $arch" ;;
    *) echo "install.sh: unsupported architecture '$arch' (amd64, arm64 and armhf are supported)" >&2; exit 1 ;;
  esac
  if [ -z "$ROOT" ] && [ "$DRY" = 0 ] && [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: run as root (sudo), or use --dry-run / --root DIR" >&2
    exit 1
  fi
}

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  local v major minor
  v=$(node -p 'process.versions.node')
  major=${v%%.*}; minor=${v#*.}; minor=${minor%%.*}
  [ "$major" -gt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -ge "$NODE_MIN_MINOR" ]; }
}

install_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    system apt-get update -qq
    system env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    say "packages: already installed (${APT_PACKAGES[*]})"
  fi
  if node_ok; then
    say "node: $(node -v) is new enough"
  else
    # Debian's own nodejs is too old on bookworm; NodeSource's signed repository is the usual source on a Pi.
    say "node: missing or older than ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR}; installing Node.js ${NODE_MIN_MAJOR}.x from NodeSource"
    system install -d -m 0755 /etc/apt/keyrings
    system sh -c "curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg"
    system sh -c "echo 'deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_${NODE_MIN_MAJOR}.x nodistro main' > /etc/apt/sources.list.d/nodesource.list"
    system apt-get update -qq
    system env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs
  fi
}

create_user() {
  if getent passwd "$SERVICE_USER" >/dev/null 2>&1; then
    say "user: $SERVICE_USER exists"
  else
    system useradd --system --user-group --home-dir "${STATE#"$ROOT"}" --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
  fi
  for g in ${DEVICE_GROUPS[@]+"${DEVICE_GROUPS[@]}"}; do
    if getent group "$g" >/dev/null 2>&1 && ! id -nG "$SERVICE_USER" 2>/dev/null | tr ' ' '\n' | grep -qx "$g"; then
      system usermod -a -G "$g" "$SERVICE_USER"
    fi
  done
  for g in "${FORMER_GROUPS[@]}"; do
    if id -nG "$SERVICE_USER" 2>/dev/null | tr ' ' '\n' | grep -qx "$g"; then
      system gpasswd -d "$SERVICE_USER" "$g"
    fi
  done
}

install_app() {
  if [ ! -f "$SRC/dist/qrgate.cjs" ]; then
    act sh -c "cd '$SRC' && npm ci && npm run build"
  fi
  act install -d -m 0755 "$APP"
  # Copied, never `cp -a`: the source tree belongs to whoever cloned it (uid 1000, `pi`), and root runs this code
  # (qrgate-provision.service, sudo qrgate provision|doctor). No ownership, no group/other write bits, and no V8
  # code cache (dist/.v8-cache) come along: a cache is code too.
  for item in bin dist config docs systemd package.json package-lock.json README.md; do
    act rm -rf "$APP/$item"
    act cp -R --preserve=timestamps "$SRC/$item" "$APP/$item"
  done
  act rm -rf "$APP/dist/.v8-cache"
  act install -d -m 0755 "$APP/drivers"
  act rm -rf "$APP/drivers/udev"
  act cp -R --preserve=timestamps "$SRC/drivers/udev" "$APP/drivers/udev"
  if [ -n "$ROOT" ]; then
    echo "skipped (--root): npm ci --omit=dev in $PREFIX (run it on the target, where the native modules are built)"
  else
    # Production dependencies only; the native modules (SQLite, serial, HID, sd_notify) are built for this machine.
    act sh -c "cd '$APP' && npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild --no-audit"
  fi
  secure_tree "$APP"
  act install -d -m 0755 "$(dirname "$COMMAND")"
  act ln -sfn "$PREFIX/bin/qrgate.js" "$COMMAND"
}

# Everything under the app folder: root's, and writable by root only (read and, for folders and scripts, execute
# for all), whatever the source's owner and umask were.
secure_tree() {
  local dir=$1
  if [ "$(id -u)" -eq 0 ]; then
    act chown -R -h 0:0 "$dir"
  elif [ "$DRY" = 1 ]; then
    echo "would: chown -R -h 0:0 $dir"
  else
    say "not root: $dir stays owned by $(id -un); run 'chown -R 0:0 $dir' before this image is used"
  fi
  act chmod -R u+rwX,go+rX,go-w "$dir"
}

install_config() {
  if [ "$ROLE" = kiosk ]; then
    act install -d -m 0750 "$ETC"
  elif [ ! -d "$ETC" ]; then
    # As qrgate-central.service's ConfigurationDirectoryMode: the folder holds no secret, the file is the user's to read.
    act install -d -m 0755 "$ETC"
  elif [ "$(stat -c %a "$ETC")" = 750 ]; then
    say "warning: $ETC is 0750 (a kiosk's?): $SERVICE_USER cannot read $CONFIG through it; run central on its own machine"
  fi
  if [ -e "$CONFIG" ]; then
    say "config: kept $CONFIG (never overwritten)"
  else
    act install -m 0640 "$SRC/$CONFIG_EXAMPLE" "$CONFIG"
  fi
  act install -d -m 0750 "$STATE"
  if [ -z "$ROOT" ]; then
    if [ "$ROLE" = kiosk ]; then system chown root:"$SERVICE_USER" "$ETC"; fi
    system chown root:"$SERVICE_USER" "$CONFIG"
    system chown "$SERVICE_USER":"$SERVICE_USER" "$STATE"
  fi
}

install_udev() {
  act install -d -m 0755 "$(dirname "$UDEV_RULE")"
  act install -m 0644 "$SRC/drivers/udev/99-qrgate.rules" "$UDEV_RULE"
  if [ -z "$ROOT" ] && command -v udevadm >/dev/null 2>&1; then
    system udevadm control --reload-rules
    system udevadm trigger --subsystem-match=tty --subsystem-match=hidraw --subsystem-match=input
  else
    echo "skipped: udevadm reload (no udev here)"
  fi
}

write_unit() {
  local name=$1 target=$2
  if [ "$DRY" = 1 ]; then
    echo "would: write $target from systemd/$name with /opt/qrgate replaced by $PREFIX"
  else
    echo "+ write $target (prefix $PREFIX)"
    sed "s#/opt/qrgate#$PREFIX#g" "$SRC/systemd/$name" > "$target.tmp"
    chmod 0644 "$target.tmp"
    mv "$target.tmp" "$target"
  fi
}

install_unit() {
  act install -d -m 0755 "$(dirname "$UNIT")"
  write_unit qrgate.service "$UNIT"
  # Provisioning mode runs only while the config is unusable and the fleet's enrolment key is present.
  write_unit qrgate-provision.service "$PROVISION_UNIT"
  system systemctl daemon-reload
  system systemctl enable qrgate.service qrgate-provision.service
  if [ "$START" = 0 ]; then
    say "not starting (--no-start)"
  elif [ -n "$ROOT" ] || [ "$DRY" = 1 ]; then
    echo "skipped: start (checks /etc/qrgate/config.yaml first)"
  elif node "$APP/bin/qrgate.js" run --check --config /etc/qrgate/config.yaml >/dev/null 2>&1; then
    system systemctl restart qrgate.service
  else
    say "not starting yet: /etc/qrgate/config.yaml is not complete. Run 'qrgate provision' (or edit it and check"
    say "with 'qrgate run --check'), then 'systemctl start qrgate'. 'qrgate doctor' explains what is missing."
  fi
}

# Central: the single-process unit is enabled and (re)started once central.yaml is valid; the template's instances
# (N consumers of an external broker, docs/central.md) are the operator's to enable, and an upgrade restarts those
# that run.
install_central_units() {
  act install -d -m 0755 "$(dirname "$UNIT")"
  write_unit qrgate-central.service "$UNIT"
  write_unit qrgate-central@.service "$INSTANCE_UNIT"
  system systemctl daemon-reload
  if [ "$START" = 0 ]; then
    say "not starting (--no-start)"
  elif [ -n "$ROOT" ] || [ "$DRY" = 1 ]; then
    echo "skipped: enable and start (checks /etc/qrgate/central.yaml first)"
  elif node "$APP/bin/qrgate.js" central run --check --config /etc/qrgate/central.yaml >/dev/null 2>&1; then
    system systemctl enable qrgate-central.service
    system systemctl restart qrgate-central.service
  else
    say "not starting yet: /etc/qrgate/central.yaml is not complete. Edit it (TLS certificate and key, docs/central.md),"
    say "check it with 'qrgate central run --check --config /etc/qrgate/central.yaml', then 'systemctl enable --now qrgate-central'."
  fi
  if [ -z "$ROOT" ] && [ "$START" = 1 ]; then system systemctl try-restart 'qrgate-central@*.service'; fi
}

uninstall() {
  if [ "$ROLE" = central ]; then
    uninstall_central
    return
  fi
  if [ -z "$ROOT" ] && command -v systemctl >/dev/null 2>&1; then
    system systemctl disable --now qrgate.service qrgate-provision.service || true
  fi
  act rm -f "$UNIT" "$PROVISION_UNIT" "$UDEV_RULE" "$COMMAND"
  system systemctl daemon-reload
  act rm -rf "$APP"
  if [ "$PURGE" = 1 ]; then
    act rm -rf "$ETC" "$STATE"
    if getent passwd "$SERVICE_USER" >/dev/null 2>&1; then system userdel "$SERVICE_USER"; fi
    say "purged: configuration, data (check-ins and the store key) and the $SERVICE_USER user are gone"
  else
    say "kept $ETC and $STATE (use --purge to delete the configuration and the recorded check-ins)"
  fi
}

uninstall_central() {
  if [ -z "$ROOT" ] && command -v systemctl >/dev/null 2>&1; then
    system systemctl stop qrgate-central.service 'qrgate-central@*.service' || true
    system systemctl disable qrgate-central.service || true
  fi
  act rm -f "$UNIT" "$INSTANCE_UNIT"
  system systemctl daemon-reload
  # The app and the command stay while the kiosk daemon is installed here too.
  if [ -e "$ROOT/etc/systemd/system/qrgate.service" ]; then
    say "kept $APP and $COMMAND (the kiosk daemon uses them)"
  else
    act rm -rf "$APP"
    act rm -f "$COMMAND"
  fi
  if [ "$PURGE" = 1 ]; then
    act rm -rf "$STATE"
    if [ -d "$ETC" ]; then
      act find "$ETC" -maxdepth 1 -name 'central*.yaml' -delete
      act rmdir --ignore-fail-on-non-empty "$ETC"
    fi
    if getent passwd "$SERVICE_USER" >/dev/null 2>&1; then system userdel "$SERVICE_USER"; fi
    say "purged: central's configuration, data (check-ins, kiosk passwords, the store key) and the $SERVICE_USER user are gone"
  else
    say "kept $CONFIG and $STATE (use --purge to delete the configuration and the stored check-ins)"
  fi
}

check_platform
if [ "$MODE" = uninstall ]; then
  uninstall
else
  install_packages
  create_user
  install_app
  install_config
  if [ "$ROLE" = central ]; then
    install_central_units
  else
    install_udev
    install_unit
  fi
  if [ "$ROLE" = central ]; then say "done: qrgate central in $PREFIX, config $CONFIG, data $STATE"
  else say "done: qrgate in $PREFIX, config $CONFIG, data $STATE"; fi
fi
