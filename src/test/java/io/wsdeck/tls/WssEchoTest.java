package io.wsdeck.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;

import io.wsdeck.support.ConnectionBuffers;
import io.wsdeck.support.RawHttpResponse;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.TrustingClients;
import io.wsdeck.support.TutorialRoundTrip;
import io.wsdeck.support.WsClient;
import org.apache.tomcat.util.net.SecureNioChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * wss on its own port beside ws, with the self-signed development certificate, through Spring's
 * {@code StandardWebSocketClient} told to trust that certificate and nothing else.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "wsdeck.tls.self-signed=true", "wsdeck.tls.port=0" })
@ExtendWith(OutputCaptureExtension.class)
class WssEchoTest {

	@TempDir
	static Path directory;

	@DynamicPropertySource
	static void keepTheCertificateInATemporaryDirectory(DynamicPropertyRegistry registry) {
		registry.add("wsdeck.tls.directory", () -> directory.toString());
	}

	@Autowired
	WssConnector wss;

	@Autowired
	WebServerApplicationContext context;

	@LocalServerPort
	int port;

	/** A ws:// URL with the wss port in it: Tomcat's 400 before any handshake code, and a line in wsdeck's log. */
	@Test
	void aPlainHandshakeOnTheWssPortGetsTomcats400AndALogLine(CapturedOutput output) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.wss.localPort())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write(RawUpgradeRequest.to("/ws/text").toBytes("127.0.0.1:" + this.wss.localPort()));
			RawHttpResponse response = RawHttpResponse.read(socket.getInputStream(), "GET");
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.bodyText()).contains("This combination of host and port requires TLS.");
		}
		await().atMost(WsClient.TIMEOUT)
			.untilAsserted(() -> assertThat(output.getOut()).contains("Refused plain HTTP on the wss port from /127.0.0.1:")
				.contains("400 This combination of host and port requires TLS (\"GET /ws/text HTTP/1.1\": a ws:// or "
						+ "http:// URL with the wss port in it?)"));
	}

	@Test
	void greetsAndEchoesTextOverWss() {
		try (WsClient client = connect("/ws/text")) {
			assertThat(client.nextText()).isEqualTo("world");
			assertThat(client.sendText("Hello Server!").nextText()).isEqualTo("Hello Server!");
		}
	}

	/**
	 * Between reads and writes a wss connection holds no read buffer and neither of TLS's network buffers: wsdeck's
	 * copies of Tomcat's SocketBufferHandler and SecureNioChannel lend them per thread. And its socket's write buffer
	 * keeps the 1 KiB wsdeck gives it (see ContainerTuning): the copy of SocketBufferHandler grows only the read
	 * buffer to a TLS record's size. Tomcat kept all four, about 16.5 KiB each, for the connection's life.
	 */
	@Test
	void anIdleWssSessionHoldsNoReadOrNetworkBufferAndASmallWriteBuffer() {
		try (WsClient client = connect("/ws/text")) {
			assertThat(client.nextText()).isEqualTo("world");
			assertThat(client.sendText("Hello Server!").nextText()).isEqualTo("Hello Server!");

			await().atMost(WsClient.TIMEOUT)
				.untilAsserted(() -> assertThat(ConnectionBuffers.webSocketChannels(this.context, this.wss.localPort()))
					.isNotEmpty()
					.allSatisfy((channel) -> {
						assertThat(ConnectionBuffers.readBufferBytes(channel)).as("read buffer").isZero();
						assertThat(ConnectionBuffers.networkBufferBytes((SecureNioChannel) channel))
							.as("network buffers")
							.isZero();
						assertThat(channel.getBufHandler().getWriteBuffer().capacity()).as("write buffer")
							.isEqualTo(1024);
					}));
			assertThat(client.sendText("still there").nextText()).isEqualTo("still there");
		}
	}

	@Test
	void echoesBinaryOverWss() {
		try (WsClient client = connect("/ws/binary")) {
			assertThat(client.sendBinary(new byte[] { 0, 1, 2, (byte) 255 }).nextBinary()).containsExactly(0, 1, 2, 255);
		}
	}

	@Test
	void echoesTheTutorialsTenMillionBytesOverWss() {
		try (WsClient client = connect("/ws")) {
			TutorialRoundTrip.assertEchoedIntact(client, 6);
		}
	}

	@Test
	void aClientThatDoesNotTrustTheCertificateFailsTheHandshakeSayingWhy() {
		URI uri = wssUri("/ws");

		assertThatThrownBy(() -> WsClient.connect(new StandardWebSocketClient(), uri, null))
			.hasStackTraceContaining("PKIX path building failed")
			.satisfies((failure) -> assertThat(causes(failure)).hasAtLeastOneElementOfType(SSLHandshakeException.class));
	}

	@Test
	void plainWsKeepsWorkingOnServerPort() {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws/text")) {
			assertThat(client.sendText("plain").nextText()).isEqualTo("plain");
		}
		assertThat(this.wss.localPort()).isPositive().isNotEqualTo(this.port);
	}

	@Test
	void servesThePageAndTheActuatorOverHttps() throws Exception {
		HttpClient https = TrustingClients.httpClient(certificate());
		HttpResponse<String> page = https.send(HttpRequest.newBuilder(httpsUri("/")).build(),
				HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> health = https.send(HttpRequest.newBuilder(httpsUri("/actuator/health")).build(),
				HttpResponse.BodyHandlers.ofString());

		HttpResponse<String> plainPage = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/")).build(),
					HttpResponse.BodyHandlers.ofString());

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<html").isEqualTo(plainPage.body()); // in 1 KiB records, see above
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"");
	}

	/** As for an operator's certificate, the health endpoint tells whether it is valid and when it ends. */
	@Test
	void theHealthEndpointCoversTheSelfSignedCertificate() throws Exception {
		HttpResponse<String> health = TrustingClients.httpClient(certificate())
			.send(HttpRequest.newBuilder(httpsUri("/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());

		assertThat(health.body()).containsPattern("\"ssl\":\\{\"details\":\\{\"expiringChains\":\\[\\],"
				+ "\"invalidChains\":\\[\\],\"validChains\":\\[\\{\"alias\":\"[^\"]+\",\"certificates\":\\[\\{"
				+ "\"issuer\":\"O=wsdeck development certificate,CN=localhost\"");
	}

	@Test
	void aBrowserTabOnTheTlsPortIsToldToConnectWithWss() throws Exception {
		HttpResponse<String> tab = TrustingClients.httpClient(certificate())
			.send(HttpRequest.newBuilder(httpsUri("/ws")).build(), HttpResponse.BodyHandlers.ofString());

		assertThat(tab.statusCode()).isEqualTo(426);
		assertThat(tab.body()).contains("new WebSocket('wss://127.0.0.1:" + this.wss.localPort() + "/ws')");
	}

	@Test
	void answersOnLocalhostAsWellAsOnTheLoopbackAddress() {
		try (WsClient client = WsClient.connect(TrustingClients.webSocketClient(certificate()),
				URI.create("wss://localhost:" + this.wss.localPort() + "/ws/text"), null)) {
			assertThat(client.nextText()).isEqualTo("world");
		}
	}

	@Test
	void theServedCertificateIsTheOneKeptForTheNextStartWithItsKeyReadableByItsOwnerOnly() throws Exception {
		SelfSignedCertificateStore store = new SelfSignedCertificateStore(directory);
		HttpResponse<Void> response = TrustingClients.httpClient(certificate())
			.send(HttpRequest.newBuilder(httpsUri("/")).build(), HttpResponse.BodyHandlers.discarding());
		X509Certificate served = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];

		assertThat(CertificateFingerprint.sha256(served)).isEqualTo(store.loadOrCreate().sha256Fingerprint());
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.privateKeyFile())))
			.isEqualTo("rw-------");
	}

	private WsClient connect(String path) {
		return WsClient.connect(TrustingClients.webSocketClient(certificate()), wssUri(path), null);
	}

	private Path certificate() {
		return new SelfSignedCertificateStore(directory).certificateFile();
	}

	private URI wssUri(String path) {
		return URI.create("wss://127.0.0.1:" + this.wss.localPort() + path);
	}

	private URI httpsUri(String path) {
		return URI.create("https://127.0.0.1:" + this.wss.localPort() + path);
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

}
