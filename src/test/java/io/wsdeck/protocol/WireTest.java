package io.wsdeck.protocol;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running wsdeck on a random port, raw clients to it, and the checks every protocol test repeats: how the server
 * failed a connection, and that a session opened alongside was not disturbed. Every subclass shares one
 * application context; every read waits at most the raw client's timeout. The tests check every frame the server
 * sends, so its heartbeat pings (every 30 s by default, to every session) are put off beyond any test run: a
 * session opened just before one would otherwise see a ping among the frames a test expects (HeartbeatTest covers
 * them).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = WireTest.NO_HEARTBEAT)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class WireTest {

	/** For subclasses that declare their own {@code @SpringBootTest} properties. */
	static final String NO_HEARTBEAT = "wsdeck.heartbeat.interval=1h";

	/** What /ws and /ws/text send first. */
	static final String GREETING = "world";

	/** How long the server may take to close TCP after its close frame. */
	static final Duration TCP_CLOSE = Duration.ofSeconds(5);

	@LocalServerPort
	int port;

	/** A connection to an endpoint that does not greet ({@code /ws/binary}). */
	RawWebSocket open(String path) throws IOException {
		return RawWebSocket.open(this.port, path);
	}

	/** A connection to {@code /ws} or {@code /ws/text}, its greeting read, so the next frame is the test's. */
	RawWebSocket openGreeted(String path) throws IOException {
		return open(path).expectText(GREETING);
	}

	/** A session on the mixed endpoint, opened before a test misbehaves on another one. */
	RawWebSocket bystander() throws IOException {
		return openGreeted("/ws");
	}

	/**
	 * RFC 6455 7.1.7, _Fail the WebSocket Connection_: the server sends a close with {@code status}'s code and a
	 * reason (frames still in flight before it, such as echoes of earlier fragments, are skipped), then closes TCP
	 * without waiting for the client's close.
	 */
	static RawFrame.Close assertFailedWith(RawWebSocket ws, CloseStatus status) throws IOException {
		RawFrame.Close close = ws.skipToClose();
		assertThat(close.code()).as("close code (reason \"%s\")", close.reason()).isEqualTo(status.getCode());
		assertThat(close.reason()).as("reason of the %d close", close.code()).isNotBlank();
		assertThat(ws.awaitEndOfStream(TCP_CLOSE)).as("server closed TCP after failing the connection").isTrue();
		return close;
	}

	/** One session's failure is its own: a session opened beforehand still gets its echo. */
	static void assertStillServed(RawWebSocket bystander) throws IOException {
		bystander.sendText("still there?");
		assertThat(bystander.readText()).isEqualTo("still there?");
	}

}
