#!/usr/bin/env bash
# Runs the project benchmark inside a virtual machine whose kernel the run owns, for what this machine's limits
# forbid: 100,000 idle sessions need 100,000 descriptors in one server process, and the sandbox caps a process at
# 20,000 without CAP_SYS_RESOURCE to raise it. In the guest the run is root and raises the limit itself.
#
#   src/bench/vm/bench-in-vm.sh                                   # wsdeck, 100,000 idle sessions, with and without deflate
#   BENCH_IDLE_COUNT=50000 BENCH_TESTS=idle src/bench/vm/bench-in-vm.sh
#
# Every BENCH_* variable is passed to the benchmark in the guest (see the README's "Benchmark"); the defaults
# below differ from the benchmark's own. The guest sees this machine's root read-only over 9p (the JDK, the
# project) and writes only to target/bench-vm/, where the results land (bench.out, target/bench/).
#
# Needs root (qemu's 9p passthrough keeps file owners), qemu-system-x86 and busybox-static (installed with
# apt-get when missing) and Debian's kernel package (downloaded with apt-get and unpacked, not installed).
# VM_ACCEL picks the accelerator: tcg (emulation, the default: about 20 times slower than the machine, which only
# stretches the run, since memory is what it measures) or kvm where nested virtualisation is fast; VM_MEMORY
# (12G), VM_CPU (Westmere), VM_TIMEOUT_MINUTES (150), VM_HEARTBEAT (wsdeck's heartbeat interval in the guest, see below).
set -euo pipefail

cd "$(dirname "$0")/../../.."
project=$(pwd)
work=$project/target/bench-vm

export BENCH_SERVERS=${BENCH_SERVERS:-wsdeck}
export BENCH_TESTS=${BENCH_TESTS:-"idle idle-deflate"}
export BENCH_ROUNDS=${BENCH_ROUNDS:-1}
export BENCH_IDLE_COUNT=${BENCH_IDLE_COUNT:-100000}
export BENCH_SETTLE_SECS=${BENCH_SETTLE_SECS:-15}
export BENCH_MAX_MINUTES=${BENCH_MAX_MINUTES:-140}
accel=${VM_ACCEL:-tcg}
# wsdeck's own limits (sessions in all and per client address, Tomcat's connections) are raised with the count.
# Under emulation every ping and pong costs 20-50 times its native CPU, kernel included: the 30 s heartbeat that
# takes a few percent of a core natively at 100,000 sessions would take all of the guest's, and the sessions would
# never finish opening. The heartbeat keeps running, at a 15 min interval there, unless VM_HEARTBEAT says otherwise.
heartbeat=${VM_HEARTBEAT:-$([ "$accel" = tcg ] && echo 15m || echo 30s)}
limit=$((BENCH_IDLE_COUNT + 1000))
export BENCH_SERVER_JVM=${BENCH_SERVER_JVM:-"-Xms256m -Xmx4g -XX:+UseG1GC -Dwsdeck.access.max-sessions=$limit \
-Dwsdeck.access.max-sessions-per-address=$limit -Dserver.tomcat.max-connections=$((limit + 100)) \
-Dwsdeck.heartbeat.interval=$heartbeat"}

if [ "$(id -u)" != 0 ]; then
	echo "bench-in-vm: needs root (qemu's 9p passthrough)" >&2
	exit 1
fi
# the initramfs needs a busybox that runs without libraries
kernel_package() {
	apt-cache depends linux-image-amd64 2> /dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
if [ -z "$(kernel_package)" ]; then
	apt-get update -qq
fi
if ! command -v qemu-system-x86_64 > /dev/null || ! { ldd /bin/busybox 2>&1 || true; } | grep -q 'not a dynamic'; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends qemu-system-x86 busybox-static
fi

rm -rf "$work"
mkdir -p "$work/target" "$work/initramfs"/{bin,proc,sys,dev,host,lib/modules}

echo "bench-in-vm: building the jar and the benchmark"
./mvnw -B -q -Pbench -DskipTests package
./mvnw -B -q -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt"
# copies, so that building the project again while the guest runs changes nothing under it
cp target/wsdeck-*.jar "$work/target/"
cp -r target/classes "$work/classes"
cp -r target/test-classes "$work/test-classes"

echo "bench-in-vm: fetching Debian's kernel"
(cd "$work" && apt-get download "$(kernel_package)" 2> /dev/null)
dpkg-deb -x "$work"/linux-image-*.deb "$work/kernel"
vmlinuz=$(ls "$work"/kernel/boot/vmlinuz-*)
for module in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet \
		9pnet_virtio 9p; do
	found=$(find "$work"/kernel/lib/modules -name "$module.ko*" | head -1)
	case "$found" in
		*.xz) xz -dc "$found" > "$work/initramfs/lib/modules/$module.ko" ;;
		*) cp "$found" "$work/initramfs/lib/modules/$module.ko" ;;
	esac
done
cp /bin/busybox "$work/initramfs/bin/busybox"
cp src/bench/vm/init "$work/initramfs/init"
chmod +x "$work/initramfs/init"
(cd "$work/initramfs" && find . | busybox cpio -o -H newc 2> /dev/null) | gzip -1 > "$work/initramfs.gz"

# the guest's job: the benchmark as Maven's bench profile runs it, with the descriptor limit raised
java=$(readlink -f "$(command -v java)")
{
	echo '#!/bin/bash'
	echo 'ulimit -n 1048576'
	env | grep '^BENCH_' | while IFS='=' read -r name value; do printf 'export %s=%q\n' "$name" "$value"; done
	echo 'cd /mnt'
	echo "$java -Xms1g -Xmx1g -XX:+UseParallelGC -cp /mnt/test-classes:/mnt/classes:\$(cat /mnt/classpath.txt) \\"
	echo '	io.wsdeck.bench.Benchmark /mnt/target > /mnt/bench.out 2>&1'
	echo 'echo "benchmark exit code $?" >> /mnt/bench.out'
} > "$work/job.sh"

[ "$accel" = tcg ] && accel=tcg,thread=multi
echo "bench-in-vm: booting ($accel, $(nproc) CPUs, ${VM_MEMORY:-12G}); BENCH_TESTS=\"$BENCH_TESTS\", BENCH_IDLE_COUNT=$BENCH_IDLE_COUNT"
# Westmere: QEMU 7.2's emulation of AVX is new, and with -cpu max the JIT's AVX code crashed the server's JVM
timeout "${VM_TIMEOUT_MINUTES:-150}m" qemu-system-x86_64 -accel "$accel" -cpu "${VM_CPU:-Westmere}" -smp "$(nproc)" -m "${VM_MEMORY:-12G}" \
	-nographic -no-reboot -net none -kernel "$vmlinuz" -initrd "$work/initramfs.gz" \
	-append "console=ttyS0 panic=-1 quiet" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,id=hostroot,readonly=on,multidevs=remap \
	-virtfs local,path="$work",mount_tag=out,security_model=passthrough,id=out > "$work/console.log" 2>&1 || true

if [ ! -f "$work/bench.out" ]; then
	echo "bench-in-vm: the benchmark did not run; the VM's console:" >&2
	tail -20 "$work/console.log" >&2
	exit 2
fi
cat "$work/bench.out"
grep -q 'benchmark exit code 0' "$work/bench.out"
