package io.wsdeck.bench.measure;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.wsdeck.bench.client.Client;
import io.wsdeck.bench.client.Connection;
import io.wsdeck.bench.client.ConnectionListener;
import io.wsdeck.bench.client.Frames;
import io.wsdeck.bench.report.JsonLine;
import io.wsdeck.support.RawFrame;

/**
 * {@code echo}: C connections, each keeping W text messages of S bytes in flight and answering every echo with a new
 * send. After a warm-up, a measured window gives messages per second, the latency from send to echo (p50, p99,
 * p99.9) and the server's CPU time per message.
 * <p>
 * {@code echo-deflate} is the same load from clients that behave as browsers do: they offer permessage-deflate,
 * and where the server agrees, they compress every message they send and inflate what comes back.
 */
public final class EchoLoad {

	private final int connections;

	private final int inFlight;

	private final int messageBytes;

	private final Window window;

	private final int clientThreads;

	private final boolean offerDeflate;

	private volatile boolean measuring;

	private volatile boolean sending = true;

	public EchoLoad(int connections, int inFlight, int messageBytes, Window window, int clientThreads,
			boolean offerDeflate) {
		this.offerDeflate = offerDeflate;
		this.connections = connections;
		this.inFlight = inFlight;
		this.messageBytes = messageBytes;
		this.window = window;
		this.clientThreads = clientThreads;
	}

	public JsonLine run(Target target) throws Exception {
		JsonLine line = new JsonLine().put("conns", this.connections)
			.put("inflight", this.inFlight)
			.put("size", this.messageBytes);
		byte[] text = new byte[this.messageBytes];
		for (int i = 0; i < text.length; i++) {
			text[i] = (byte) ('a' + i % 26);
		}
		ByteBuffer plain = Frames.text(text);
		ByteBuffer compressed = Frames.compressedText(text);
		CountDownLatch settled = new CountDownLatch(this.connections);
		List<Echoer> echoers = new ArrayList<>();
		CpuWindow.Usage usage;
		try (Client client = new Client(this.clientThreads)) {
			for (int i = 0; i < this.connections; i++) {
				Echoer echoer = new Echoer(plain, compressed, target.greetings(), settled);
				echoers.add(echoer);
				client.connect(target.address(), target.path(), this.offerDeflate, echoer);
			}
			if (!settled.await(30, TimeUnit.SECONDS) || client.openCount() < this.connections) {
				throw new IllegalStateException(
						"only " + client.openCount() + " of " + this.connections + " connections opened in 30 s");
			}
			usage = this.window.measure(target.serverPid(), line, on -> this.measuring = on);
			this.sending = false;
			Thread.sleep(300); // the last echoes in flight come home
			client.closeGracefully(Duration.ofSeconds(5));
		}
		// the client's threads have ended: their counts are final and visible here
		LatencyHistogram all = new LatencyHistogram();
		long messages = 0;
		long mismatched = 0;
		long closedEarly = 0;
		long deflating = 0;
		for (Echoer echoer : echoers) {
			deflating += echoer.deflating ? 1 : 0;
			all.add(echoer.latencies);
			messages += echoer.counted;
			mismatched += echoer.mismatched;
			closedEarly += echoer.closedEarly ? 1 : 0;
		}
		usage.perUnit(line, messages, "server_us_per_msg");
		line.put("msgs_per_s", Math.round(messages / usage.seconds()));
		return line.put("messages", messages)
			.put("p50_us", all.percentile(50) / 1e3, 1)
			.put("p99_us", all.percentile(99) / 1e3, 1)
			.put("p999_us", all.percentile(99.9) / 1e3, 1)
			.put("mismatched", mismatched)
			.put("closed_early", closedEarly)
			.put("deflate_sessions", deflating);
	}

	/** One connection's window of messages in flight; send times are kept in a ring in order of sending. */
	private final class Echoer implements ConnectionListener {

		private final ByteBuffer plain;

		private final ByteBuffer compressed;

		private ByteBuffer frame;

		private boolean deflating;

		private final long[] sentAt = new long[EchoLoad.this.inFlight];

		private final LatencyHistogram latencies = new LatencyHistogram();

		private final CountDownLatch settled;

		private int greetingsLeft;

		private int head;

		private int size;

		private long counted;

		private long mismatched;

		private boolean opened;

		private boolean closedEarly;

		Echoer(ByteBuffer plain, ByteBuffer compressed, int greetings, CountDownLatch settled) {
			this.plain = plain;
			this.compressed = compressed;
			this.greetingsLeft = greetings;
			this.settled = settled;
		}

		@Override
		public void onOpen(Connection connection) {
			this.opened = true;
			this.deflating = connection.extensions().startsWith("permessage-deflate");
			this.frame = this.deflating ? this.compressed : this.plain;
			this.settled.countDown();
			for (int i = 0; i < this.sentAt.length; i++) {
				send(connection);
			}
		}

		@Override
		public void onMessage(Connection connection, int opcode, long length) {
			if (this.greetingsLeft > 0) {
				this.greetingsLeft--;
				return;
			}
			long now = System.nanoTime();
			if (this.size == 0 || length != EchoLoad.this.messageBytes || opcode != RawFrame.TEXT) {
				this.mismatched++;
				return;
			}
			long sent = this.sentAt[this.head];
			this.head = (this.head + 1) % this.sentAt.length;
			this.size--;
			if (EchoLoad.this.measuring) {
				this.latencies.record(now - sent);
				this.counted++;
			}
			if (EchoLoad.this.sending) {
				send(connection);
			}
		}

		@Override
		public void onClosed(Connection connection, Throwable cause) {
			if (!this.opened) {
				this.settled.countDown();
			}
			this.closedEarly = EchoLoad.this.sending;
		}

		private void send(Connection connection) {
			this.sentAt[(this.head + this.size) % this.sentAt.length] = System.nanoTime();
			this.size++;
			connection.send(this.frame);
		}

	}

}
