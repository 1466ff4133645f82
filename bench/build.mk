# SPDX-License-Identifier: Apache-2.0
# bench/: `make bench` — cvmforge against the baseline image with mkosi's systemd
# initrd (build times, sizes, boot phases, reference-document time), table + JSON in
# $(B)/bench/bench.json. BENCH_BUILD=0 reuses the images already in $(B)/bench.
.PHONY: bench
bench:
	B=$(B) bench/bench.sh
