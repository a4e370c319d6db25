package io.wsdeck.push;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broadcast body is the message, byte for byte, whatever the request says it is: {@code curl --data}, the
 * README's example, sends it as a form.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsdeck.limits.max-message-size=1KB")
class BroadcastBodyTest {

	private static final String FORM = "application/x-www-form-urlencoded";

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void aFormBodyIsBroadcastAsItCameNotAsParsedFormFields() throws Exception {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws/text")) {
			for (String text : new String[] { "hello everyone", "50% off & more=yes", "héllo wörld ✓ 😀" }) {
				HttpResponse<String> response = post(FORM, text.getBytes(StandardCharsets.UTF_8), true);

				assertThat(response.statusCode()).as(text).isEqualTo(200);
				assertThat(client.nextText()).isEqualTo(text);
			}
		}
	}

	@Test
	void aBodyThatIsNotUtf8IsRefusedWith400AndReachesNoOne() throws Exception {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws/text")) {
			HttpResponse<String> response = post("text/plain", new byte[] { 'h', (byte) 0xE9, 'l', 'l', 'o' }, true);

			assertThat(response.statusCode()).isEqualTo(400);
			assertThat(response.body()).contains("not valid UTF-8");
			post("text/plain", "after".getBytes(StandardCharsets.UTF_8), true);
			assertThat(client.nextText()).as("the refused body was not sent").isEqualTo("after");
		}
	}

	@Test
	void aBodyOverTheMessageLimitIsRefusedWith413WithOrWithoutALength() throws Exception {
		byte[] atLimit = new byte[1024];
		Arrays.fill(atLimit, (byte) 'a');
		byte[] overLimit = Arrays.copyOf(atLimit, 1025);
		overLimit[1024] = 'a';
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws/text")) {
			for (boolean withLength : new boolean[] { true, false }) {
				HttpResponse<String> response = post("text/plain", overLimit, withLength);

				assertThat(response.statusCode()).as("with a length: " + withLength).isEqualTo(413);
				assertThat(response.body()).contains("wsdeck.limits.max-message-size");
			}
			assertThat(post("text/plain", atLimit, false).statusCode()).isEqualTo(200);
			assertThat(client.nextText()).as("only the body at the limit was sent").hasSize(1024);
		}
	}

	/** With a length, or chunked (an input stream of unknown length). */
	private HttpResponse<String> post(String contentType, byte[] body, boolean withLength) throws Exception {
		HttpRequest.BodyPublisher publisher = withLength ? HttpRequest.BodyPublishers.ofByteArray(body)
				: HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/broadcast"))
			.header("Content-Type", contentType)
			.POST(publisher)
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
