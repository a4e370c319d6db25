package io.wsdeck.bench.measure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.wsdeck.bench.client.Client;
import io.wsdeck.bench.client.Connection;
import io.wsdeck.bench.client.ConnectionListener;
import io.wsdeck.bench.client.Frames;
import io.wsdeck.bench.report.JsonLine;

/**
 * {@code churn}: W workers, each looping through whole sessions: connect, upgrade, one text echo, close handshake.
 * After a warm-up ({@link Window}), a measured window gives complete cycles (handshakes) per second and the
 * server's CPU time per handshake. Bounded by the time and by a maximum number of cycles, warm-up included; a run
 * that reaches the maximum before its window ends fails rather than report the rate of a half-idle window. A failed
 * cycle counts as started, not done.
 */
public final class HandshakeChurn {

	private static final ByteBuffer MESSAGE = Frames.text("hello churn".getBytes(StandardCharsets.UTF_8));

	private final int workers;

	private final Window window;

	private final long maxCycles;

	private final int clientThreads;

	private final AtomicLong started = new AtomicLong();

	private final AtomicLong counted = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final LatencyHistogram cycleTimes = new LatencyHistogram();

	private volatile boolean measuring;

	/** Set once the window has ended: workers finish their cycle and start no other. */
	private volatile boolean stopped;

	/** Set when a worker found the maximum reached while the churn was still meant to run. */
	private volatile boolean exhausted;

	private CountDownLatch finished;

	public HandshakeChurn(int workers, Window window, long maxCycles, int clientThreads) {
		this.workers = workers;
		this.window = window;
		this.maxCycles = maxCycles;
		this.clientThreads = clientThreads;
	}

	public JsonLine run(Target target) throws Exception {
		JsonLine line = new JsonLine().put("workers", this.workers);
		this.finished = new CountDownLatch(this.workers);
		CpuWindow.Usage usage;
		try (Client client = new Client(this.clientThreads)) {
			for (int i = 0; i < this.workers; i++) {
				next(client, target);
			}
			try {
				usage = this.window.measure(target.serverPid(), line, on -> this.measuring = on);
			}
			finally {
				this.stopped = true;
			}
			if (!this.finished.await(15, TimeUnit.SECONDS)) {
				line.put("unfinished_workers", this.finished.getCount());
			}
		}
		if (this.exhausted) {
			// The workers stopped early, so the window's rate would be that of a server idle for part of it.
			throw new IllegalStateException("the churn reached BENCH_CHURN_MAX (" + this.maxCycles
					+ " cycles) before its window ended: raise it, or shorten BENCH_CHURN_WARMUP");
		}
		long cycles = this.counted.get();
		usage.perUnit(line, cycles, "server_us_per_handshake");
		synchronized (this.cycleTimes) {
			line.put("cycle_p50_us", this.cycleTimes.percentile(50) / 1e3, 1)
				.put("cycle_p99_us", this.cycleTimes.percentile(99) / 1e3, 1);
		}
		return line.put("handshakes_per_s", Math.round(cycles / usage.seconds()))
			.put("cycles", cycles)
			.put("failed", this.failed.get());
	}

	/** A worker's next cycle, or its end once the time or the count is up. */
	private void next(Client client, Target target) {
		if (this.stopped || this.started.incrementAndGet() > this.maxCycles) {
			if (!this.stopped) {
				this.exhausted = true; // only ever set: a read-modify-write could put back another thread's false
			}
			this.finished.countDown();
			return;
		}
		client.connect(target.address(), target.path(), false, new Cycle(client, target));
	}

	/** One session from connect to close. */
	private final class Cycle implements ConnectionListener {

		private final Client client;

		private final Target target;

		private final long startNanos = System.nanoTime();

		private int messagesLeft;

		private boolean echoed;

		Cycle(Client client, Target target) {
			this.client = client;
			this.target = target;
			this.messagesLeft = target.greetings() + 1;
		}

		@Override
		public void onOpen(Connection connection) {
			connection.send(MESSAGE);
		}

		@Override
		public void onMessage(Connection connection, int opcode, long length) {
			if (--this.messagesLeft == 0) {
				this.echoed = true;
				connection.sendClose();
			}
		}

		@Override
		public void onClosed(Connection connection, Throwable cause) {
			if (this.echoed && cause == null) {
				if (HandshakeChurn.this.measuring) {
					HandshakeChurn.this.counted.incrementAndGet();
					synchronized (HandshakeChurn.this.cycleTimes) {
						HandshakeChurn.this.cycleTimes.record(System.nanoTime() - this.startNanos);
					}
				}
			}
			else {
				HandshakeChurn.this.failed.incrementAndGet();
			}
			next(this.client, this.target);
		}

	}

}
