#!/usr/bin/env bash
# Regenerate the series' first patch (QEMU's copy of our uapi header,
# linux-headers/linux/kvm_ppc_mmu.h) from uapi/linux/kvm_ppc_mmu.h, keeping
# its commit message. Run it whenever the uapi header changes:
# tools/qemu/build.sh refuses to build a QEMU whose copy differs.
# Usage: tools/qemu/refresh-header-patch.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
hdr=$root/uapi/linux/kvm_ppc_mmu.h
patch=$(echo "$root"/tools/qemu/patches/0001-linux-headers-*.patch)
[ -f "$patch" ] || { echo "refresh: no 0001-linux-headers-*.patch" >&2; exit 1; }

lines=$(wc -l <"$hdr")
blob=$(git hash-object "$hdr" | cut -c1-8)
tmp=$(mktemp)
# The commit message: everything before the diffstat's "---" line.
sed -n '1,/^---$/p' "$patch" >"$tmp"
{
	printf ' linux-headers/linux/kvm_ppc_mmu.h | %d %s\n' "$lines" "$(printf '+%.0s' $(seq 1 30))"
	printf ' 1 file changed, %d insertions(+)\n' "$lines"
	printf ' create mode 100644 linux-headers/linux/kvm_ppc_mmu.h\n\n'
	printf 'diff --git a/linux-headers/linux/kvm_ppc_mmu.h b/linux-headers/linux/kvm_ppc_mmu.h\n'
	printf 'new file mode 100644\nindex 00000000..%s\n' "$blob"
	printf -- '--- /dev/null\n+++ b/linux-headers/linux/kvm_ppc_mmu.h\n'
	printf '@@ -0,0 +1,%d @@\n' "$lines"
	sed 's/^/+/' "$hdr"
} >>"$tmp"
mv "$tmp" "$patch"
echo "refresh: $(basename "$patch") now carries uapi/linux/kvm_ppc_mmu.h ($lines lines)"
