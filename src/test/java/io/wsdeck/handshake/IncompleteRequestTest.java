package io.wsdeck.handshake;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsdeck.support.RawHttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request that stops arriving half-way, on a raw socket: once {@code server.tomcat.connection-timeout} (1 s here)
 * passes without more of it, the client gets a {@code 408} saying what was missing and the log a line, where Tomcat
 * alone closes without a word. A connection that sent nothing, or only finished requests, still closes silently.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.tomcat.connection-timeout=1s")
@ExtendWith(OutputCaptureExtension.class)
class IncompleteRequestTest {

	/** Bounds every read, so a server that never answers fails the test instead of hanging it. */
	private static final int READ_TIMEOUT_MILLIS = 15_000;

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry meters;

	@Test
	void headersWithoutTheEmptyLineAfterThemGet408NamingTheHeadersSoFar(CapturedOutput output) throws IOException {
		double countedBefore = refused(408);
		try (Socket socket = connect()) {
			send(socket, "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n");
			InputStream in = new BufferedInputStream(socket.getInputStream());

			RawHttpResponse response = RawHttpResponse.read(in, "GET");

			assertThat(response.status()).as(response::toString).isEqualTo(408);
			assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
			assertThat(response.header("Content-Type")).isEqualTo("text/plain;charset=UTF-8");
			assertThat(response.bodyText())
				.startsWith("Nothing more of the request came for 1 s (server.tomcat.connection-timeout). ")
				.contains("The headers of GET /ws HTTP/1.1 never ended: 2 headers so far (Host, Upgrade)")
				.contains("CRLF CRLF");
			assertThat(in.read()).as("the connection closes after the 408").isEqualTo(-1);
			await().untilAsserted(() -> assertThat(output).contains("Closed connection from " + client(socket)
					+ " with 408 after 1 s without more of the request: the headers of GET /ws HTTP/1.1 did not end: "
					+ "2 headers so far (Host, Upgrade), then no empty line"));
			await().untilAsserted(() -> assertThat(refused(408)).isEqualTo(countedBefore + 1));
		}
	}

	@Test
	void aRequestLineWithoutItsEndGets408WithWhatCameOfIt(CapturedOutput output) throws IOException {
		try (Socket socket = connect()) {
			send(socket, "GET /ws/text?tick=100 HTT");

			RawHttpResponse response = RawHttpResponse.read(new BufferedInputStream(socket.getInputStream()), "GET");

			assertThat(response.status()).as(response::toString).isEqualTo(408);
			assertThat(response.bodyText()).contains("The request line never ended (GET /ws/text?tick=100 so far)")
				.contains("it ends with CRLF");
			await().untilAsserted(() -> assertThat(output).contains("Closed connection from " + client(socket)
					+ " with 408 after 1 s without more of the request: the request line did not end "
					+ "(GET /ws/text?tick=100 so far)"));
		}
	}

	@Test
	void aConnectionThatSentNothingOrOnlyFinishedRequestsClosesWithoutAWord(CapturedOutput output)
			throws IOException {
		try (Socket silent = connect(); Socket keptAlive = connect()) {
			send(keptAlive, "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
			InputStream keptAliveIn = new BufferedInputStream(keptAlive.getInputStream());
			assertThat(RawHttpResponse.read(keptAliveIn, "GET").status()).isEqualTo(200);

			assertThat(silent.getInputStream().read()).as("nothing before the close").isEqualTo(-1);
			assertThat(keptAliveIn.read()).as("nothing after the response").isEqualTo(-1);

			// Log lines keep their order: once a later connection's line is there, theirs would be before it.
			try (Socket later = connect()) {
				send(later, "GET /later");
				await().untilAsserted(() -> assertThat(output).contains("from " + client(later) + " with 408"));
			}
			assertThat(output).doesNotContain("from " + client(silent) + " ")
				.doesNotContain("from " + client(keptAlive) + " ");
		}
	}

	@Test
	void otherClientsAreServedWhileARequestWaitsForItsEnd() throws IOException {
		try (Socket waiting = connect(); Socket other = connect()) {
			send(waiting, "GET /ws HTTP/1.1\r\n");
			send(other, "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

			assertThat(RawHttpResponse.read(new BufferedInputStream(other.getInputStream()), "GET").status())
				.isEqualTo(200);
			assertThat(RawHttpResponse.read(new BufferedInputStream(waiting.getInputStream()), "GET").status())
				.isEqualTo(408);
		}
	}

	/** {@code wsdeck.requests.refused} for the status, 0 before the first. */
	private double refused(int status) {
		Counter counter = this.meters.find("wsdeck.requests.refused").tag("status", Integer.toString(status)).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port);
		socket.setSoTimeout(READ_TIMEOUT_MILLIS);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	/** The client as the server's log names it. */
	private static String client(Socket socket) {
		return "/127.0.0.1:" + socket.getLocalPort();
	}

}
