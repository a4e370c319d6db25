package io.wsdeck.handshake;

import org.apache.coyote.Request;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the 408 and its log line say of a request cut short, from Tomcat's request as its parser leaves it. */
class RequestSoFarTest {

	@Test
	void nothingOfTheRequestLineParsedSaysOnlyThatItDidNotEnd() {
		RequestSoFar soFar = RequestSoFar.of(new Request());

		assertThat(soFar.summary()).isEqualTo("the request line did not end");
		assertThat(soFar.explanation()).startsWith("The request line never ended: it ends with CRLF");
	}

	@Test
	void aRequestLineWithItsProtocolAndNoHeaderSaysSo() {
		Request request = requestLine("GET", "/ws", "tick=5", "HTTP/1.1");

		assertThat(RequestSoFar.of(request).summary())
			.isEqualTo("the headers of GET /ws?tick=5 HTTP/1.1 did not end: no header so far, then no empty line");
	}

	@Test
	void oneHeaderIsCountedInTheSingular() {
		Request request = requestLine("GET", "/ws", null, "HTTP/1.1");
		request.getMimeHeaders().addValue("Host").setString("localhost");

		assertThat(RequestSoFar.of(request).explanation())
			.startsWith("The headers of GET /ws HTTP/1.1 never ended: 1 header so far (Host), and no empty line");
	}

	@Test
	void manyHeadersAreCountedAndTheFirstListed() {
		Request request = requestLine("GET", "/ws", null, "HTTP/1.1");
		for (int i = 1; i <= 15; i++) {
			request.getMimeHeaders().addValue("X-" + i).setString("v");
		}

		assertThat(RequestSoFar.of(request).summary()).contains("15 headers so far (X-1, X-2, X-3,")
			.contains("X-12, …), then no empty line")
			.doesNotContain("X-13");
	}

	@Test
	void whatTheClientSentIsShortenedAndStrippedOfControlCharacters() {
		Request request = requestLine("GET", "/" + "a".repeat(300), null, null);
		Request control = requestLine("GET", "/ws\u001b[31m", null, null);

		assertThat(RequestSoFar.of(request).target()).hasSize(ClientText.MAX_LENGTH + 1).endsWith("a…");
		assertThat(RequestSoFar.of(control).target()).isEqualTo("/ws?[31m");
	}

	private static Request requestLine(String method, String path, String query, String protocol) {
		Request request = new Request();
		request.method().setString(method);
		request.requestURI().setString(path);
		if (query != null) {
			request.queryString().setString(query);
		}
		if (protocol != null) {
			request.protocol().setString(protocol);
		}
		return request;
	}

}
