package io.wsdeck.bench.measure;

import java.time.Duration;
import java.util.function.Consumer;

import io.wsdeck.bench.report.JsonLine;

/**
 * A warm-up (JIT, pools, caches settle), then the measured window, over which the load runs on and CPU time is
 * read.
 * @param warmup how long the load runs before the window
 * @param length the window
 */
public record Window(Duration warmup, Duration length) {

	/**
	 * Waits through the warm-up, then through the window with {@code measuring} switched on.
	 * @return the CPU used in the window; its figures are in {@code line}
	 */
	CpuWindow.Usage measure(long serverPid, JsonLine line, Consumer<Boolean> measuring) throws InterruptedException {
		line.put("warmup_s", this.warmup.toSeconds()).put("duration_s", this.length.toSeconds());
		Thread.sleep(this.warmup.toMillis());
		CpuWindow cpu = CpuWindow.start(serverPid);
		measuring.accept(true);
		Thread.sleep(this.length.toMillis());
		measuring.accept(false);
		return cpu.stop(line);
	}

}
