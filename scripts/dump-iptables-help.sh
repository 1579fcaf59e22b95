#!/bin/sh
# Prints the extension help of every match/target iptables knows, for IPv4 and IPv6,
# as iptables itself documents it (`iptables -m NAME -h`, `iptables -j NAME -h`).
# Used to check the option tables in server/src/core/iptables/{modules,targets}.
# Runs iptables only inside a throwaway network namespace.
# Usage: scripts/dump-iptables-help.sh [OUTDIR]   (default: test/.tmp/iptables-help)
set -u
out=${1:-test/.tmp/iptables-help}
mkdir -p "$out"
dir=/usr/lib/x86_64-linux-gnu/xtables
[ -d "$dir" ] || dir=$(dirname "$(ls /usr/lib/*/xtables/libxt_tcp.so 2>/dev/null | head -1)")
names=$(ls "$dir" | sed -n 's/^lib\(xt\|ipt\|ip6t\)_\(.*\)\.so$/\2/p' | sort -u)
for n in $names; do
  case "$n" in [A-Z]*) flag=-j ;; *) flag=-m ;; esac
  for fam in 4 6; do
    tool=iptables; [ $fam = 6 ] && tool=ip6tables
    unshare -n $tool $flag "$n" -h >"$out/$n.$fam.full" 2>&1
    # Strip the generic help: everything up to and including the --version line.
    awk 'f{print} /--version/{f=1}' "$out/$n.$fam.full" >"$out/$n.$fam.txt"
    # Nothing after the generic help, or a load error: not available for this family.
    if ! grep -q '[^[:space:]]' "$out/$n.$fam.txt"; then echo UNAVAILABLE >"$out/$n.$fam.txt"; fi
    rm -f "$out/$n.$fam.full"
  done
done
echo "$out"
