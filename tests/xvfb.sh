#!/usr/bin/env bash
# One Xvfb per test run, as a ctest fixture.
#   xvfb.sh start STATE   starts a server on a free display; writes its number and pid
#   xvfb.sh stop STATE    stops that server and removes STATE
#   xvfb.sh run STATE CMD...  runs CMD with DISPLAY set to the server's display
set -euo pipefail
action=$1 state=$2
shift 2

case "$action" in
  start)
    command -v Xvfb >/dev/null || { echo "xvfb.sh: Xvfb is not installed" >&2; exit 1; }
    mkdir -p "$(dirname "$state")"
    if [ -f "$state" ]; then  # a server left by an interrupted run
      read -r _ old_pid < "$state" || true
      [ -n "${old_pid:-}" ] && kill "$old_pid" 2>/dev/null || true
    fi
    fifo=$(mktemp -u) && mkfifo "$fifo"
    # -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
    Xvfb -displayfd 3 -screen 0 1280x800x24 -noreset -nolisten tcp 3>"$fifo" \
      >/dev/null 2>&1 &
    pid=$!
    display=$(timeout 30 head -n 1 "$fifo" || true)
    rm -f "$fifo"
    if [ -z "$display" ]; then
      kill "$pid" 2>/dev/null || true
      echo "xvfb.sh: Xvfb did not start" >&2
      exit 1
    fi
    echo "$display $pid" > "$state"
    echo "xvfb.sh: Xvfb on :$display (pid $pid)"
    ;;
  stop)
    if [ -f "$state" ]; then
      read -r display pid < "$state"
      kill "$pid" 2>/dev/null || true
      rm -f "$state"
      echo "xvfb.sh: stopped Xvfb on :$display"
    fi
    ;;
  run)
    read -r display _ < "$state"
    export DISPLAY=":$display"
    export QT_QPA_PLATFORM=xcb
    export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(dirname "$state")/runtime}"
    mkdir -p -m 700 "$XDG_RUNTIME_DIR"
    export QT3D_WRITABLE_CACHE_PATH="$(dirname "$state")/qt3d-cache"
    exec "$@"
    ;;
  *)
    echo "usage: xvfb.sh start|stop|run STATE [CMD...]" >&2
    exit 2
    ;;
esac
