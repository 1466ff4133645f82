# Shared helpers for the image tests (sourced).

# GPT partition type GUIDs of the image (Discoverable Partitions Specification).
TYPE_ESP=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
TYPE_ROOT=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709
TYPE_ROOT_VERITY=2C7357ED-EBD2-46D9-AEC1-23D437EC2BF5

# part_extent DISK TYPE: "start size" in 512-byte sectors of the partition of TYPE.
part_extent() {
	sfdisk -J "$1" | jq -r --arg t "$2" '.partitiontable.partitions[] |
		select(.type == $t) | "\(.start) \(.size)"'
}

# extract_root DISK DIR: extract the erofs root partition of DISK into DIR.
extract_root() {
	local disk=$1 dir=$2 start size part
	read -r start size < <(part_extent "$disk" "$TYPE_ROOT")
	[[ -n $start ]] || { echo "no x86-64 root partition in $disk" >&2; return 1; }
	part=$(mktemp /tmp/cvm-root.XXXXXX)
	dd if="$disk" of="$part" bs=512 skip="$start" count="$size" status=none
	rm -rf "$dir"
	fsck.erofs --extract="$dir" "$part" >/dev/null
	local rc=$?
	rm -f "$part"
	return $rc
}
