package io.wsdeck.session;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A close for the server's own reasons waits for the message under way up to the send-time limit. A client that is
 * reading it, only slowly, is still reading it at that limit: the close then goes out between two of the echo's
 * parts, cutting the message short, and the client reads every frame whole and then the close. Before, the close
 * got Tomcat's 50 ms to get past the part being written, which a slow reader never gave it: the connection was
 * dropped in the middle of a frame.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "wsdeck.heartbeat.interval=300ms", "wsdeck.heartbeat.idle-timeout=300ms",
				"wsdeck.outbound.send-time-limit=2s" })
@ExtendWith(OutputCaptureExtension.class)
class SlowReaderCloseTest {

	/** At the pace below, far more than the client reads before the send-time limit. */
	private static final byte[] LARGE = Payloads.randomBytes(8_000_000, 7);

	@LocalServerPort
	int port;

	@Test
	void anIdleCloseReachesAClientReadingALargeEchoSlowlyBetweenTwoParts(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = RawWebSocket.connector()
			.receiveBufferSize(16 * 1024)
			.timeout(Duration.ofSeconds(30))
			.open(this.port, "/ws/echo")) {
			ws.send(RawFrame.of(RawFrame.BINARY, LARGE));

			List<RawFrame> parts = new ArrayList<>();
			RawFrame frame = ws.readFrame();
			while (frame.opcode() != RawFrame.CLOSE) {
				if (frame.isControl()) { // a heartbeat ping, between two parts
					frame = ws.readFrame();
					continue;
				}
				assertThat(frame.opcode()).as("part %d", parts.size() + 1)
					.isEqualTo(parts.isEmpty() ? RawFrame.BINARY : RawFrame.CONTINUATION);
				parts.add(frame);
				// About 1 MB/s at most: eight seconds for the whole echo, four times the send-time limit
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(8));
				frame = ws.readFrame();
			}
			RawFrame.Close close = frame.close();
			assertThat(close.code()).isEqualTo(1001);
			assertThat(close.reason()).startsWith("idle: ");
			assertThat(parts).as("cut short").last().satisfies(last -> assertThat(last.fin()).isFalse());
			long received = parts.stream().mapToLong(part -> part.payload().length).sum();
			assertThat(received).isLessThan(LARGE.length);
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("Closed session \\S+ on echo: 1001 \"idle: [^\"]*; it cut short the message under way, "
					+ "not finished in time\" by server after"));
	}

}
