package io.wsdeck.config;

import java.nio.file.Path;
import java.util.List;

import io.wsdeck.handshake.IncompleteRequestProtocol;
import io.wsdeck.support.TomcatEndpoints;
import org.apache.tomcat.util.net.NioEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Settings that both connectors, ws:// and wss://, must carry, checked on the Tomcat the packaged configuration
 * builds. Neither hands a closed connection's channel to a new one: a session closed from another thread than the
 * one writing to it could otherwise have its last frames written to the new connection (see ContainerTuning). The
 * lab's drop test in LabCommandsTest provokes that race itself; this checks the setting behind the fix, which the
 * race only shows now and then.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "wsdeck.tls.self-signed=true", "wsdeck.tls.port=0" })
class ConnectorSettingsTest {

	@TempDir
	static Path directory;

	@DynamicPropertySource
	static void certificateDirectory(DynamicPropertyRegistry registry) {
		registry.add("wsdeck.tls.directory", () -> directory.toString());
	}

	@Autowired
	WebServerApplicationContext context;

	@Test
	void noConnectorKeepsClosedChannelsForNewConnections() {
		assertThat(endpoints())
			.allSatisfy((endpoint) -> assertThat((Object) ReflectionTestUtils.invokeMethod(endpoint, "getNioChannels"))
				.isNull());
	}

	/** application.yml's queue, not Tomcat's 100, on which a burst of clients has its SYNs dropped. */
	@Test
	void bothConnectorsQueueABurstOfConnections() {
		assertThat(endpoints()).allSatisfy((endpoint) -> assertThat(endpoint.getAcceptCount()).isEqualTo(1024));
	}

	/** application.yml's 20 s, not Tomcat's 60 s, for a connection that sends no request. */
	@Test
	void bothConnectorsDropASilentConnectionAfter20Seconds() {
		assertThat(endpoints()).allSatisfy((endpoint) -> assertThat(endpoint.getConnectionTimeout()).isEqualTo(20_000));
	}

	/** Both answer a request cut short with a 408 saying what was missing (IncompleteRequestTest shows it). */
	@Test
	void bothConnectorsAnswerARequestCutShort() {
		assertThat(TomcatEndpoints.connectors(this.context)).hasSize(2)
			.allSatisfy((connector) -> assertThat(connector.getProtocolHandler())
				.isInstanceOf(IncompleteRequestProtocol.class));
	}

	private List<NioEndpoint> endpoints() {
		List<NioEndpoint> endpoints = TomcatEndpoints.all(this.context);
		assertThat(endpoints).hasSize(2);
		return endpoints;
	}

}
