package io.wsdeck.handshake;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsdeck.support.RawHttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests Tomcat refuses before any of wsdeck's handlers, on a raw socket: each gets its status with Tomcat's
 * reason in plain text, where Tomcat alone answers an HTML page naming only the status, and one log line.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class EarlyRefusalTest {

	private static final String HANDSHAKE_HEADERS = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
			+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry meters;

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '^', textBlock = """
			no Host header       ^ GET /ws HTTP/1.1                          ^ 400 ^ An HTTP/1.1 request has exactly one Host header (RFC 9112 3.2); this one had 0.
			two Host headers     ^ GET /ws HTTP/1.1\\r\\nHost: a\\r\\nHost: b ^ 400 ^ An HTTP/1.1 request has exactly one Host header (RFC 9112 3.2); this one had 2.
			a bar in the path    ^ GET /ws|x HTTP/1.1\\r\\nHost: a             ^ 400 ^ Invalid character found in the request target [/ws|x ]
			a bad percent escape ^ GET /ws%zz HTTP/1.1\\r\\nHost: a            ^ 400 ^ Invalid URI: [The hexadecimal encoding is invalid]
			an unknown version   ^ GET /ws HTTP/2.5\\r\\nHost: a               ^ 505 ^ HTTP version HTTP/2.5 is not supported; a WebSocket handshake is HTTP/1.1
			""")
	void isAnsweredWithTomcatsReasonInPlainTextAndLogged(String what, String head, int status, String reason,
			CapturedOutput output) throws IOException {
		double countedBefore = refused(status);
		try (Socket socket = connect()) {
			send(socket, head.replace("\\r\\n", "\r\n") + "\r\n" + HANDSHAKE_HEADERS + "\r\n");

			RawHttpResponse response = RawHttpResponse.read(new BufferedInputStream(socket.getInputStream()), "GET");

			assertThat(response.status()).as(response::toString).isEqualTo(status);
			assertThat(response.header("Content-Type")).isEqualTo("text/plain;charset=UTF-8");
			assertThat(response.bodyText()).startsWith(reason).doesNotContain("<html");
			await().untilAsserted(() -> assertThat(output).contains("Refused request from /127.0.0.1:"
					+ socket.getLocalPort() + " before any handler: " + status + " " + reason));
			await().untilAsserted(() -> assertThat(refused(status)).isEqualTo(countedBefore + 1));
		}
	}

	@Test
	void headersLargerThanTheLimitAreAnsweredWithTomcatsReason() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "GET /ws HTTP/1.1\r\nHost: a\r\nX-Large: " + "a".repeat(20_000) + "\r\n\r\n");

			RawHttpResponse response = RawHttpResponse.read(new BufferedInputStream(socket.getInputStream()), "GET");

			assertThat(response.status()).as(response::toString).isEqualTo(400);
			assertThat(response.bodyText()).isEqualTo("Request header is too large\n");
		}
	}

	@Test
	void whatTheApplicationAnswersKeepsItsOwnForm(CapturedOutput output) throws IOException {
		try (Socket socket = connect()) {
			send(socket, "GET /nowhere HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

			RawHttpResponse response = RawHttpResponse.read(new BufferedInputStream(socket.getInputStream()), "GET");

			assertThat(response.status()).isEqualTo(404);
			assertThat(response.header("Content-Type")).isEqualTo("application/json");
			assertThat(output).doesNotContain("Refused request from /127.0.0.1:" + socket.getLocalPort() + " ");
		}
	}

	/** {@code wsdeck.requests.refused} for the status, 0 before the first. */
	private double refused(int status) {
		Counter counter = this.meters.find("wsdeck.requests.refused").tag("status", Integer.toString(status)).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port);
		socket.setSoTimeout(15_000);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

}
