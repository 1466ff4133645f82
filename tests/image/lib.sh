# Shared helpers for the image tests (sourced).
# extract_root DISK DIR: extract the erofs root partition of DISK into DIR.
extract_root() {
	local disk=$1 dir=$2 start size part
	read -r start size < <(sfdisk -J "$disk" | jq -r '.partitiontable.partitions[] |
		select(.type == "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709") | "\(.start) \(.size)"')
	[[ -n $start ]] || { echo "no x86-64 root partition in $disk" >&2; return 1; }
	part=$(mktemp /tmp/cvm-root.XXXXXX)
	dd if="$disk" of="$part" bs=512 skip="$start" count="$size" status=none
	rm -rf "$dir"
	fsck.erofs --extract="$dir" "$part" >/dev/null
	local rc=$?
	rm -f "$part"
	return $rc
}
