package io.wsdeck.bench.measure;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.wsdeck.bench.client.Client;
import io.wsdeck.bench.client.Connection;
import io.wsdeck.bench.client.ConnectionListener;
import io.wsdeck.bench.client.Frames;
import io.wsdeck.bench.report.JsonLine;
import io.wsdeck.support.RawFrame;

/**
 * {@code large}: one binary message of N bytes (10,000,000, the tutorial's {@code ArrayBuffer}) sent and echoed
 * back, one at a time on one connection; the median round trip of the timed runs after the warm-ups. The echo's
 * bytes are compared with what was sent on the warm-ups only, so the comparison stays out of the timed runs; its
 * length is checked on every run.
 * <p>
 * {@code large-deflate} is the same from a client that offers permessage-deflate, as browsers do: it sends the
 * message as it is (random bytes, which do not compress), and the server compresses its echo as it sees fit.
 */
public final class LargeRoundTrip {

	private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

	private final int bytes;

	private final int runs;

	private final int warmups;

	private final boolean offerDeflate;

	public LargeRoundTrip(int bytes, int runs, int warmups, boolean offerDeflate) {
		this.offerDeflate = offerDeflate;
		this.bytes = bytes;
		this.runs = runs;
		this.warmups = warmups;
	}

	public JsonLine run(Target target) throws Exception {
		JsonLine line = new JsonLine().put("bytes", this.bytes).put("n", this.runs).put("warmups", this.warmups);
		byte[] payload = new byte[this.bytes];
		new Random(42).nextBytes(payload);
		ByteBuffer frame = Frames.binary(payload);
		RoundTrip roundTrip = new RoundTrip(ByteBuffer.wrap(payload), target.greetings());
		long[] nanos = new long[this.runs];
		try (Client client = new Client(1)) {
			client.connect(target.address(), target.path(), this.offerDeflate, roundTrip);
			Connection connection = roundTrip.opened.get(30, TimeUnit.SECONDS);
			for (int i = 0; i < this.warmups + this.runs; i++) {
				boolean verify = i < this.warmups;
				CompletableFuture<Long> done = new CompletableFuture<>();
				client.execute(connection, () -> roundTrip.send(connection, frame, verify, done));
				long elapsed = done.get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				if (!verify) {
					nanos[i - this.warmups] = elapsed;
				}
			}
			client.closeGracefully(Duration.ofSeconds(5));
		}
		Arrays.sort(nanos);
		return line.put("median_ms", nanos[nanos.length / 2] / 1e6, 1)
			.put("min_ms", nanos[0] / 1e6, 1)
			.put("max_ms", nanos[nanos.length - 1] / 1e6, 1)
			.put("verified_runs", this.warmups);
	}

	/** The one connection: times each round trip and, when asked, compares the echo piece by piece. */
	private static final class RoundTrip implements ConnectionListener {

		private final CompletableFuture<Connection> opened = new CompletableFuture<>();

		private final ByteBuffer expected;

		private int greetingsLeft;

		private CompletableFuture<Long> done;

		private long startNanos;

		private int received;

		private boolean verify;

		private boolean differs;

		RoundTrip(ByteBuffer expected, int greetings) {
			this.expected = expected;
			this.greetingsLeft = greetings;
		}

		void send(Connection connection, ByteBuffer frame, boolean verify, CompletableFuture<Long> done) {
			this.done = done;
			this.verify = verify;
			this.differs = false;
			this.received = 0;
			this.startNanos = System.nanoTime();
			connection.send(frame);
		}

		@Override
		public void onOpen(Connection connection) {
			this.opened.complete(connection);
		}

		@Override
		public void onPayload(Connection connection, ByteBuffer piece) {
			if (this.greetingsLeft > 0) {
				return;
			}
			int length = piece.remaining();
			if (this.verify && !this.differs) {
				this.differs = this.received + length > this.expected.capacity()
						|| this.expected.slice(this.received, length).mismatch(piece) >= 0;
			}
			this.received += length;
		}

		@Override
		public void onMessage(Connection connection, int opcode, long length) {
			if (this.greetingsLeft > 0) {
				this.greetingsLeft--;
				return;
			}
			long elapsed = System.nanoTime() - this.startNanos;
			if (this.done == null || this.done.isDone()) {
				return;
			}
			if (opcode != RawFrame.BINARY || length != this.expected.capacity()) {
				this.done.completeExceptionally(new IllegalStateException(
						"echo of " + this.expected.capacity() + " bytes came back as " + length + " bytes, opcode "
								+ opcode));
			}
			else if (this.differs) {
				this.done.completeExceptionally(new IllegalStateException("the echoed bytes differ from those sent"));
			}
			else {
				this.done.complete(elapsed);
			}
		}

		@Override
		public void onClosed(Connection connection, Throwable cause) {
			String why = (cause != null) ? cause.toString() : "server closed with " + connection.closeCode();
			IllegalStateException closed = new IllegalStateException("connection ended: " + why);
			this.opened.completeExceptionally(closed);
			if (this.done != null) {
				this.done.completeExceptionally(closed);
			}
		}

	}

}
