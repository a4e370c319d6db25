package io.wsdeck.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.wsdeck.support.RawDeflate;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire tests of {@link DeflateTest} again against a server as Tomcat's own: its compressors keep their windows
 * between messages ({@code wsdeck.compression.context-takeover=true}), where each side refers back into earlier
 * messages, and it compresses every message however short ({@code wsdeck.compression.min-size=0B}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"wsdeck.compression.context-takeover=true", "wsdeck.compression.min-size=0B", WireTest.NO_HEARTBEAT })
class DeflateWithContextTakeoverTest extends DeflateTest {

	@Override
	@Test
	void compressesMessagesFromTheMinimumSizeOn() throws IOException {
		byte[] one = { 'a' };
		try (RawWebSocket ws = offering("/ws/text", RawDeflate.EXTENSION);
				RawDeflate deflate = RawDeflate.negotiatedBy(ws.response())) {
			RawWebSocket.Message greeting = ws.readMessage();
			assertThat(greeting.compressed()).as("the greeting compressed").isTrue();
			assertThat(deflate.payloadOf(greeting)).asString(StandardCharsets.UTF_8).isEqualTo(GREETING);

			ws.send(deflate.frame(RawFrame.TEXT, one));
			RawWebSocket.Message echo = ws.readMessage();
			assertThat(echo.compressed()).as("1 byte compressed").isTrue();
			assertThat(deflate.payloadOf(echo)).isEqualTo(one);
		}
	}

}
