package io.wsdeck.bench.measure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsdeck.bench.client.Client;
import io.wsdeck.bench.client.Connection;
import io.wsdeck.bench.client.ConnectionListener;
import io.wsdeck.bench.report.JsonLine;

/**
 * {@code burst}: N clients open their sessions at once, as a load test's start or a crowd reconnecting after a
 * restart does, then all close; a few such bursts after two that warm the server up. For each burst: how long
 * clients waited for their session (p99, and how many waited a second or more) and how many connection attempts
 * the kernel dropped because the server's accept queue was full ({@code TcpExtListenOverflows} from
 * {@code /proc/net/netstat}, machine-wide). A dropped attempt costs its client a second: Linux retries a SYN after
 * 1 s. A client whose SYN got through but whose final ACK found the queue full believes it is connected, sends its
 * request and waits, unanswered, until a retransmitted SYN-ACK finds room (or the kernel gives up on it). The line
 * gives the medians over the measured bursts, and the totals of failed and unanswered sessions.
 */
public final class ConnectionBurst {

	private static final int WARM_UP_BURSTS = 2;

	/** Past Linux's fourth SYN retry (1, 3, 7, 15 s): whoever has no answer by then is reported, not waited for. */
	private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);

	private static final Path NETSTAT = Path.of("/proc/net/netstat");

	private final int clients;

	private final int bursts;

	private final int clientThreads;

	public ConnectionBurst(int clients, int bursts, int clientThreads) {
		this.clients = clients;
		this.bursts = bursts;
		this.clientThreads = clientThreads;
	}

	public JsonLine run(Target target) throws Exception {
		List<Long> p99 = new ArrayList<>();
		List<Long> overOneSecond = new ArrayList<>();
		List<Long> dropped = new ArrayList<>();
		List<Long> took = new ArrayList<>();
		long failed = 0;
		long unanswered = 0;
		for (int i = 0; i < WARM_UP_BURSTS + this.bursts; i++) {
			long overflowsBefore = listenOverflows();
			Result result = burst(target);
			if (i < WARM_UP_BURSTS) {
				continue;
			}
			p99.add(result.waitPercentile(99));
			overOneSecond.add(result.waitsOf(Duration.ofSeconds(1)));
			dropped.add(listenOverflows() - overflowsBefore);
			took.add(result.tookNanos());
			failed += result.failed();
			unanswered += result.unanswered();
		}
		JsonLine line = new JsonLine().put("clients", this.clients)
			.put("bursts", this.bursts)
			.put("burst_p99_ms", median(p99) / 1e6, 1)
			.put("burst_over_1s", median(overOneSecond))
			.put("burst_ms", median(took) / 1e6, 0)
			.put("failed", failed)
			.put("unanswered_after_30s", unanswered);
		return Files.isReadable(NETSTAT) ? line.put("burst_syns_dropped", median(dropped)) : line;
	}

	/**
	 * Opens every client's session at once, waits for them all (at most {@link #OPEN_TIMEOUT}), then closes them
	 * all. A client still waiting then counts as unanswered, with the whole timeout as its wait.
	 */
	private Result burst(Target target) throws Exception {
		long[] waits = new long[this.clients];
		AtomicInteger failed = new AtomicInteger();
		CountDownLatch settled = new CountDownLatch(this.clients);
		long start = System.nanoTime();
		long took;
		try (Client client = new Client(this.clientThreads)) {
			for (int i = 0; i < this.clients; i++) {
				int index = i;
				long asked = System.nanoTime();
				client.connect(target.address(), target.path(), false, new ConnectionListener() {

					@Override
					public void onOpen(Connection connection) {
						waits[index] = System.nanoTime() - asked;
						settled.countDown();
					}

					@Override
					public void onMessage(Connection connection, int opcode, long length) {
						// the greeting, if any
					}

					@Override
					public void onClosed(Connection connection, Throwable cause) {
						if (!connection.upgraded()) {
							waits[index] = System.nanoTime() - asked;
							failed.incrementAndGet();
							settled.countDown();
						}
					}

				});
			}
			settled.await(OPEN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			took = System.nanoTime() - start;
			client.closeGracefully(Duration.ofSeconds(10));
		}
		// Read after the client's threads have ended: a wait still 0 is a client that got neither answer nor error
		long unanswered = Arrays.stream(waits).filter(wait -> wait == 0).count();
		long[] sorted = Arrays.stream(waits).map(wait -> (wait == 0) ? OPEN_TIMEOUT.toNanos() : wait).sorted().toArray();
		return new Result(sorted, took, failed.get(), unanswered);
	}

	private static long median(List<Long> values) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(sorted.size() / 2);
	}

	/** The kernel's count of connections dropped for a full accept queue; 0 where there is none to read. */
	private static long listenOverflows() throws Exception {
		if (!Files.isReadable(NETSTAT)) {
			return 0;
		}
		List<String> lines = Files.readAllLines(NETSTAT);
		for (int i = 0; i + 1 < lines.size(); i += 2) {
			if (lines.get(i).startsWith("TcpExt:")) {
				int column = Arrays.asList(lines.get(i).split(" ")).indexOf("ListenOverflows");
				return (column < 0) ? 0 : Long.parseLong(lines.get(i + 1).split(" ")[column]);
			}
		}
		return 0;
	}

	/** One burst: every client's wait, sorted, and the time until the last had its session or failed. */
	private record Result(long[] waits, long tookNanos, int failed, long unanswered) {

		long waitPercentile(int percent) {
			return this.waits[Math.min(this.waits.length - 1, this.waits.length * percent / 100)];
		}

		long waitsOf(Duration atLeast) {
			return Arrays.stream(this.waits).filter(wait -> wait >= atLeast.toNanos()).count();
		}

	}

}
