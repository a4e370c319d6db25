package io.wsdeck.session;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.sun.management.UnixOperatingSystemMXBean;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Idle sessions must stay cheap: Tomcat allocates each session's message buffers at full size when it opens, so
 * sizing them to the 16 MiB message limit would cost about 48 MiB per idle client. wsdeck keeps them small, streams
 * large messages instead, and lends a session its read, write and message buffers only while it has bytes in them
 * (its copies of Tomcat's WsFrameBase, WsFrameServer, WsRemoteEndpointImplBase and SocketBufferHandler), so that
 * what a connection holds for its life is its socket's 1 KiB write buffer and objects. This pins the result: 15.8
 * KiB per session when the budget was set (75 KiB with Tomcat's own classes and buffers), for sessions that have
 * exchanged messages before going idle. The clients are raw sockets with tiny buffers in this same JVM, so the heap
 * growth measured is the server's cost plus a little of theirs: an upper bound.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "logging.level.io.wsdeck.session=WARN") // 2,000 open/close INFO lines would drown the figure
class IdleMemoryTest {

	private static final int SESSIONS = 1_000;

	private static final long BUDGET_BYTES = 24L * 1024 * 1024;

	/** Opened and closed first, so class loading and Tomcat's worker threads are not counted as session cost. */
	private static final int WARM_UP_SESSIONS = 50;

	/** Parallel handshakes: enough to be quick, few enough for a 2-core machine that is building too. */
	private static final int CONNECTING_THREADS = 4;

	/** Heap readings after consecutive GCs this close together count as stable. */
	private static final long STABLE_BYTES = 512 * 1024;

	private static final double MIB = 1024.0 * 1024;

	private final RawWebSocket.Connector idleClient = RawWebSocket.connector()
		.inputBufferSize(64) // the greeting is 7 bytes; a default 8 KiB buffer each would be 8 MiB of client heap
		.timeout(Duration.ofSeconds(30));

	@LocalServerPort
	private int port;

	@Autowired
	private SessionRegistry registry;

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void thousandIdleSessionsCostUnder24MiBOfHeap() throws Exception {
		requireFreeFileDescriptors(2 * SESSIONS + 200); // both ends of every connection live in this JVM
		ExecutorService pool = Executors.newFixedThreadPool(CONNECTING_THREADS);
		Queue<RawWebSocket> opened = new ConcurrentLinkedQueue<>();
		try {
			closeAll(pool, openIdleSessions(pool, WARM_UP_SESSIONS, opened));
			awaitNoSessions();
			opened.clear();
			long before = usedHeapAfterGc();

			List<RawWebSocket> sessions = openIdleSessions(pool, SESSIONS, opened);
			assertThat(this.registry.size()).isEqualTo(SESSIONS);
			long growth = usedHeapAfterGc() - before;

			System.out.printf("idle sessions: %d, heap growth after GC: %.1f MiB (%.1f KiB/session)%n", SESSIONS,
					growth / MIB, growth / 1024.0 / SESSIONS);
			assertThat(growth).as("heap growth for %d idle sessions: %.1f MiB", SESSIONS, growth / MIB)
				.isLessThan(BUDGET_BYTES);

			closeAll(pool, sessions);
			awaitNoSessions();
		}
		finally {
			pool.shutdownNow();
			opened.forEach(RawWebSocket::close);
		}
	}

	/**
	 * Each session completes the handshake on {@code /ws}, reads its greeting, sends a text and a binary message as
	 * a client subscribing to a push service would, reads their echoes, then sits idle.
	 */
	private List<RawWebSocket> openIdleSessions(ExecutorService pool, int count, Queue<RawWebSocket> opened)
			throws Exception {
		List<Callable<RawWebSocket>> opens = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			opens.add(() -> {
				RawWebSocket ws = this.idleClient.open(this.port, "/ws");
				opened.add(ws);
				assertThat(ws.readText()).isEqualTo("world");
				ws.sendText("subscribe");
				assertThat(ws.readText()).isEqualTo("subscribe");
				ws.sendBinary(new byte[] { 1, 2, 3 });
				assertThat(ws.readMessage().payload()).containsExactly(1, 2, 3);
				return ws;
			});
		}
		return results(pool.invokeAll(opens));
	}

	private void closeAll(ExecutorService pool, Collection<RawWebSocket> sessions) throws Exception {
		List<Callable<RawWebSocket>> closes = new ArrayList<>(sessions.size());
		for (RawWebSocket ws : sessions) {
			closes.add(() -> {
				try (ws) {
					assertThat(ws.closeHandshake(CloseStatus.NORMAL.getCode(), "done").code())
						.isEqualTo(CloseStatus.NORMAL.getCode());
				}
				return ws;
			});
		}
		results(pool.invokeAll(closes));
	}

	private void awaitNoSessions() {
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(this.registry.size()).as("open sessions").isZero());
	}

	private static <T> List<T> results(List<Future<T>> futures) throws Exception {
		List<T> results = new ArrayList<>(futures.size());
		for (Future<T> future : futures) {
			results.add(future.get()); // rethrows the first failure, with its cause
		}
		return results;
	}

	/** Heap in use once garbage is gone: GC until two readings agree. */
	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long previous = Long.MAX_VALUE;
		for (int i = 0; i < 10; i++) {
			memory.gc();
			long used = memory.getHeapMemoryUsage().getUsed();
			if (Math.abs(previous - used) < STABLE_BYTES) {
				return used;
			}
			previous = used;
		}
		return previous;
	}

	/** Fails at once with the fix, rather than hanging or failing obscurely at connection 1,019. */
	private static void requireFreeFileDescriptors(long needed) {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof UnixOperatingSystemMXBean unix) {
			long free = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
			assertThat(free)
				.as("this test needs %d free file descriptors but the limit (ulimit -n) leaves %d of %d; "
						+ "raise it, e.g. ulimit -n 4096", needed, free, unix.getMaxFileDescriptorCount())
				.isGreaterThanOrEqualTo(needed);
		}
	}

}
