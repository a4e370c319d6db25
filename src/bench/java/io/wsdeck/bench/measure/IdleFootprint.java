package io.wsdeck.bench.measure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.wsdeck.bench.client.Client;
import io.wsdeck.bench.client.Connection;
import io.wsdeck.bench.client.ConnectionListener;
import io.wsdeck.bench.report.JsonLine;

/**
 * {@code idle}: what an open, idle session costs the server in resident memory. A few hundred sessions opened and
 * closed first warm the handshake path (class loading, JIT, pools); then N sessions are opened, at most 256
 * handshakes at a time, and left idle. RSS growth divided by the sessions still open is the figure; for a JVM it is
 * read again after a full GC ({@code jcmd PID GC.run}, before and after), so garbage not yet collected does not
 * count. With {@code offerDeflate} the client offers permessage-deflate, as browsers do.
 */
public final class IdleFootprint {

	private static final int CONCURRENT_HANDSHAKES = 256;

	private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

	private final int count;

	private final int warm;

	private final Duration settle;

	private final boolean offerDeflate;

	private final Path jcmd;

	/**
	 * @param jcmd the JDK's {@code jcmd} for a full GC, or {@code null} for a server that is not a JVM
	 */
	public IdleFootprint(int count, int warm, Duration settle, boolean offerDeflate, Path jcmd) {
		this.count = count;
		this.warm = warm;
		this.settle = settle;
		this.offerDeflate = offerDeflate;
		this.jcmd = jcmd;
	}

	public JsonLine run(Target target) throws Exception {
		JsonLine line = new JsonLine().put("count", this.count).put("deflate_offered", this.offerDeflate);
		long pid = target.serverPid();
		try (Client warmClient = new Client(1)) {
			open(warmClient, target, this.warm, new AtomicReference<>(), new AtomicReference<>());
			warmClient.closeGracefully(Duration.ofSeconds(10));
		}
		Thread.sleep(this.settle.toMillis());
		long before = ProcStats.rssKiB(pid);
		long beforeGc = fullGcThenRss(pid);
		AtomicReference<String> extensions = new AtomicReference<>("");
		try (Client client = new Client(1)) {
			long startNanos = System.nanoTime();
			AtomicReference<String> firstFailure = new AtomicReference<>();
			int failed = open(client, target, this.count, extensions, firstFailure);
			line.put("open_s", (System.nanoTime() - startNanos) / 1e9, 1).put("failed", failed);
			if (firstFailure.get() != null) {
				line.put("first_failure", firstFailure.get());
			}
			Thread.sleep(this.settle.toMillis());
			long after = ProcStats.rssKiB(pid);
			long afterGc = fullGcThenRss(pid);
			int open = client.openCount();
			line.put("opened", open).put("extensions", extensions.get());
			line.put("rss_before_kb", before).put("rss_after_kb", after);
			if (open > 0) {
				line.put("rss_per_conn_bytes", Math.round((after - before) * 1024.0 / open));
				if (beforeGc > 0 && afterGc > 0) {
					line.put("rss_before_gc_kb", beforeGc)
						.put("rss_after_gc_kb", afterGc)
						.put("rss_per_conn_after_gc_bytes", Math.round((afterGc - beforeGc) * 1024.0 / open));
				}
			}
			client.closeGracefully(Duration.ofSeconds(20));
		}
		return line;
	}

	/**
	 * Opens {@code n} sessions that stay idle, at most {@link #CONCURRENT_HANDSHAKES} handshakes at a time. Gives
	 * up on the rest when no handshake has ended for {@link #STALL_TIMEOUT}: a slow machine (an emulated one
	 * opening 100,000 sessions) may take long, a stuck server does not hold the run.
	 * @return how many failed
	 */
	private int open(Client client, Target target, int n, AtomicReference<String> extensions,
			AtomicReference<String> firstFailure) throws InterruptedException {
		Semaphore handshakes = new Semaphore(CONCURRENT_HANDSHAKES);
		AtomicInteger failed = new AtomicInteger();
		SourceAddresses sources = SourceAddresses.toReach(target.address(), n);
		ConnectionListener idle = new ConnectionListener() {

			@Override
			public void onOpen(Connection connection) {
				extensions.set(connection.extensions());
				handshakes.release();
			}

			@Override
			public void onMessage(Connection connection, int opcode, long length) {
				// a greeting: idle sessions ignore it
			}

			@Override
			public void onClosed(Connection connection, Throwable cause) {
				if (!connection.upgraded()) {
					if (failed.incrementAndGet() == 1) {
						firstFailure.set(String.valueOf(cause));
					}
					handshakes.release();
				}
			}

		};
		for (int i = 0; i < n; i++) {
			if (!handshakes.tryAcquire(STALL_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
				failed.addAndGet(n - i);
				return failed.get();
			}
			client.connect(target.address(), target.path(), this.offerDeflate, sources.forConnection(i), idle);
		}
		// the last handshakes: wait for all permits to come back
		for (int i = 0; i < CONCURRENT_HANDSHAKES; i++) {
			if (!handshakes.tryAcquire(STALL_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
				break;
			}
		}
		return failed.get();
	}

	/** The RSS in KiB after a full GC, for a JVM; -1 otherwise. */
	private long fullGcThenRss(long pid) throws Exception {
		if (this.jcmd == null) {
			return -1;
		}
		Process gc = new ProcessBuilder(this.jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (!gc.waitFor(60, TimeUnit.SECONDS)) {
			gc.destroyForcibly();
			return -1;
		}
		Thread.sleep(1000);
		return ProcStats.rssKiB(pid);
	}

}
