package io.wsdeck.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.wsdeck.support.PackagedJar;
import io.wsdeck.support.RawDeflate;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What an idle session costs outside the Java heap (permessage-deflate keeps zlib state in native memory): without
 * compression, with it as negotiated by default (no context takeover, so the zlib objects are lent per message)
 * and with {@code wsdeck.compression.context-takeover=true} (each session keeps its own). Every session has sent
 * and received a compressed message, so both of the server's zlib objects have run. Prints the figures for the
 * README. The packaged jar runs in its own JVM with a fixed, pre-touched heap, so the growth of its resident set
 * is what sessions add outside the heap.
 */
class SessionMemoryIT {

	private static final int SESSIONS = 500;

	@TempDir
	Path workDir;

	@Test
	void printsTheResidentMemoryOfAnIdleSessionWithAndWithoutCompression() throws Exception {
		assumeTrue(Files.exists(Path.of("/proc/self/status")), "reads resident memory from Linux's /proc");
		long plain = perSession(false);
		long lent = perSession(true);
		long kept = perSession(true, "--wsdeck.compression.context-takeover=true");
		// The heap is fixed and pre-touched, so resident growth is memory outside the heap; IdleMemoryTest
		// measures the heap side.
		System.out.printf("idle session memory outside the Java heap, %d sessions: compression off %.1f KiB/session, "
				+ "compression on %.1f KiB/session, with context takeover %.1f KiB/session%n", SESSIONS,
				plain / 1024.0, lent / 1024.0, kept / 1024.0);
		assertThat(kept).as("zlib state kept per session").isGreaterThan(plain + 32 * 1024);
		// Against what kept state costs, not a fixed margin: each figure moves by several KiB per session from run to
		// run (the compilers' and malloc's memory comes and goes), and once came out at -8.4 KiB without compression.
		assertThat(lent - plain).as("no zlib state kept per session").isLessThan((kept - plain) / 3);
	}

	private long perSession(boolean offerDeflate, String... serverArguments) throws Exception {
		List<RawWebSocket> sessions = new ArrayList<>();
		List<RawDeflate> compressors = new ArrayList<>();
		List<String> arguments = new ArrayList<>(List.of("--logging.level.io.wsdeck=WARN"));
		arguments.addAll(List.of(serverArguments));
		try (PackagedJar server = PackagedJar.start(this.workDir,
				List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"), arguments.toArray(String[]::new))) {
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
				sessions.add(ws);
				if (offerDeflate) {
					RawDeflate deflate = RawDeflate.negotiatedBy(ws.response());
					compressors.add(deflate);
					ws.readMessage(); // the greeting, compressed by the server
					byte[] message = "compress me ".repeat(100).getBytes(StandardCharsets.UTF_8);
					ws.send(deflate.frame(RawFrame.TEXT, message)); // inflated by the server, and echoed compressed
					assertThat(deflate.payloadOf(ws.readMessage())).isEqualTo(message);
				}
				else {
					ws.readFrame(); // the greeting
				}
			}
			return (residentBytes(server.process().pid()) - before) / SESSIONS;
		}
		finally {
			sessions.forEach(RawWebSocket::close);
			compressors.forEach(RawDeflate::close);
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
