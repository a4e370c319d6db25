package io.wsdeck.echo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.wsdeck.push.Broadcaster;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawHttpResponse;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /ws/echo, for conformance suites and load tools: every message a client receives is the echo of one it sent, so
 * no greeting, no ticks, no broadcasts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class PlainEchoTest {

	@LocalServerPort
	int port;

	@Autowired
	Broadcaster broadcaster;

	@Test
	void echoesTextAndBinaryAndSendsNothingElse() throws IOException {
		try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/echo")) {
			assertThat(ws.pollFrame(Duration.ofMillis(300))).as("no greeting").isEmpty();
			this.broadcaster.broadcast("not for the plain echo");

			ws.sendText("");
			ws.sendBinary(new byte[] { 1, 2, 3 });
			ws.sendText("héllo");

			assertThat(ws.readText()).isEmpty();
			RawWebSocket.Message binary = ws.readMessage();
			assertThat(binary.opcode()).isEqualTo(RawFrame.BINARY);
			assertThat(binary.payload()).containsExactly(1, 2, 3);
			assertThat(ws.readMessage().payload()).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
			assertThat(ws.pollFrame(Duration.ofMillis(300))).as("nothing but the echoes").isEmpty();
		}
	}

	@Test
	void refusesTicksWith400() throws IOException {
		try (RawWebSocket ws = RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws/echo?tick=100"))) {
			RawHttpResponse response = ws.response();
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.bodyText()).contains("sends no ticks");
		}
	}

}
