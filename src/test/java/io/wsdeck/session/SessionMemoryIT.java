package io.wsdeck.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.wsdeck.support.PackagedJar;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What an idle session costs outside the Java heap (permessage-deflate keeps zlib state in native memory), with
 * compression negotiated and without. Prints both figures for the README. The packaged jar runs in its own JVM
 * with a fixed, pre-touched heap, so the growth of its resident set is what sessions add outside the heap.
 */
class SessionMemoryIT {

	private static final int SESSIONS = 500;

	@TempDir
	Path workDir;

	@Test
	void printsTheResidentMemoryOfAnIdleSessionWithAndWithoutCompression() throws Exception {
		assumeTrue(Files.exists(Path.of("/proc/self/status")), "reads resident memory from Linux's /proc");
		long plain = perSession(false);
		long compressed = perSession(true);
		// The heap is fixed and pre-touched, so resident growth is memory outside the heap; IdleMemoryTest
		// measures the heap side.
		System.out.printf("idle session memory outside the Java heap, %d sessions: compression off %.1f KiB/session, "
				+ "compression on %.1f KiB/session%n", SESSIONS, plain / 1024.0, compressed / 1024.0);
		assertThat(compressed).as("zlib state makes a compressed session dearer").isGreaterThan(plain);
	}

	private long perSession(boolean offerDeflate) throws Exception {
		List<RawWebSocket> sessions = new ArrayList<>();
		try (PackagedJar server = PackagedJar.start(this.workDir,
				List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"), "--logging.level.io.wsdeck=WARN")) {
			int port = server.port();
			warmUp(port, offerDeflate);
			long before = residentBytes(server.process().pid());
			for (int i = 0; i < SESSIONS; i++) {
				RawUpgradeRequest request = RawUpgradeRequest.to("/ws");
				if (offerDeflate) {
					request.header("Sec-WebSocket-Extensions", "permessage-deflate");
				}
				RawWebSocket ws = RawWebSocket.connect(port, request);
				assertThat(ws.response().status()).isEqualTo(101);
				assertThat(ws.response().header("Sec-WebSocket-Extensions") != null).isEqualTo(offerDeflate);
				ws.readFrame(); // the greeting: compressed, so its inflater has run too
				sessions.add(ws);
			}
			return (residentBytes(server.process().pid()) - before) / SESSIONS;
		}
		finally {
			sessions.forEach(RawWebSocket::close);
		}
	}

	/** Class loading and JIT of the session path are not the sessions' cost. */
	private static void warmUp(int port, boolean offerDeflate) throws IOException {
		for (int i = 0; i < 50; i++) {
			RawUpgradeRequest request = RawUpgradeRequest.to("/ws");
			if (offerDeflate) {
				request.header("Sec-WebSocket-Extensions", "permessage-deflate");
			}
			try (RawWebSocket ws = RawWebSocket.connect(port, request)) {
				ws.readFrame();
			}
		}
	}

	private static long residentBytes(long pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
			}
		}
		throw new IllegalStateException("no VmRSS for " + pid);
	}

}
