#!/usr/bin/env bash
# Check that every symbol requested by the fragments is what the final
# .config says. '=n' means "is not set" (or absent). A later fragment
# overrides an earlier one (noiov.config turns guest.config's PCI_IOV off).
# usage: scripts/check-config.sh .config FRAGMENT...
set -euo pipefail
cfg=$1; shift
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n)
		sym=${line%%=*}
		if grep -q "^$sym=" "$cfg"; then
			echo "config: $sym requested off, is $(grep "^$sym=" "$cfg")" >&2; bad=1
		fi ;;
	CONFIG_*=*)
		grep -qxF -- "$line" "$cfg" || {
			echo "config: $line requested, got: $(grep -E "^(# )?${line%%=*}[= ]" "$cfg" || echo absent)" >&2
			bad=1; } ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		if grep -q "^$sym=" "$cfg"; then
			echo "config: $sym requested off, is $(grep "^$sym=" "$cfg")" >&2; bad=1
		fi ;;
	esac
done < <(awk '{ k = $0; sub(/^# /, "", k); sub(/[= ].*/, "", k) }
	k ~ /^CONFIG_/ { if (!(k in last)) order[++n] = k; last[k] = $0 }
	END { for (i = 1; i <= n; i++) print last[order[i]] }' "$@")
[ $bad = 0 ] || { echo "config: $cfg does not match the fragments" >&2; exit 1; }
echo "config: every requested symbol is set ($(cat "$@" | grep -cE '^(CONFIG_|# CONFIG_)') checked)"
