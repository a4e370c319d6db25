package io.wsdeck.bench.measure;

import java.time.Duration;
import java.util.function.Consumer;

import io.wsdeck.bench.report.JsonLine;

/**
 * A warm-up (JIT, pools, caches settle), then the measured window, over which the load runs on and CPU time is
 * read.
 * <p>
 * A fixed warm-up is not enough for a JVM on two shared cores: wsdeck's HotSpot C2 compiler was still busy 15 s
 * into a handshake churn (a third of the server's CPU in the window went to compiling), raw Tomcat's only until
 * 9 s, so a fixed 8 s warm-up charged wsdeck for its JIT and not its steady state. After the fixed warm-up the
 * window therefore waits, for at most {@code jitWait}, until the server's compiler threads have used less than
 * {@value #QUIET_PERCENT}% of a core over the last {@value #QUIET_SECONDS} s. A process without such threads
 * (Node) starts its window after the fixed warm-up. The line gets the warm-up actually spent and the compilers'
 * share of the server's CPU inside the window, so a window the JIT still disturbed can be told apart.
 * @param warmup how long the load runs before the window, at least
 * @param length the window
 * @param jitWait the most the warm-up is extended while the server's JIT compilers are busy
 */
public record Window(Duration warmup, Duration length, Duration jitWait) {

	private static final int QUIET_PERCENT = 5;

	private static final int QUIET_SECONDS = 2;

	/**
	 * Waits through the warm-up, then through the window with {@code measuring} switched on.
	 * @return the CPU used in the window; its figures are in {@code line}
	 */
	CpuWindow.Usage measure(long serverPid, JsonLine line, Consumer<Boolean> measuring) throws InterruptedException {
		long start = System.nanoTime();
		Thread.sleep(this.warmup.toMillis());
		waitForQuietCompilers(serverPid);
		line.put("warmup_s", Math.round((System.nanoTime() - start) / 1e9)).put("duration_s", this.length.toSeconds());
		long compilerStart = ProcStats.compilerTicks(serverPid);
		CpuWindow cpu = CpuWindow.start(serverPid);
		measuring.accept(true);
		Thread.sleep(this.length.toMillis());
		measuring.accept(false);
		CpuWindow.Usage usage = cpu.stop(line);
		double compilerSeconds = (ProcStats.compilerTicks(serverPid) - compilerStart) / ProcStats.TICKS_PER_SECOND;
		if (usage.serverCpuSeconds() > 0) {
			line.put("server_jit_pct", 100 * compilerSeconds / usage.serverCpuSeconds(), 1);
		}
		return usage;
	}

	private void waitForQuietCompilers(long serverPid) throws InterruptedException {
		long deadline = System.nanoTime() + this.jitWait.toNanos();
		long before = ProcStats.compilerTicks(serverPid);
		while (before > 0 && System.nanoTime() < deadline) {
			Thread.sleep(QUIET_SECONDS * 1000L);
			long now = ProcStats.compilerTicks(serverPid);
			double percentOfCore = (now - before) / ProcStats.TICKS_PER_SECOND / QUIET_SECONDS * 100;
			if (percentOfCore < QUIET_PERCENT) {
				return;
			}
			before = now;
		}
	}

}
