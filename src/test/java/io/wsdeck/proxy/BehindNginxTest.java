package io.wsdeck.proxy;

import java.io.BufferedInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.SSLSocket;

import io.wsdeck.session.SessionRegistry;
import io.wsdeck.support.ExternalProgram;
import io.wsdeck.support.Nginx;
import io.wsdeck.support.RawHttpResponse;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.TrustingClients;
import io.wsdeck.support.TutorialRoundTrip;
import io.wsdeck.support.WsClient;
import io.wsdeck.tls.SelfSignedCertificateStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Debian's real nginx with the README's configuration, on a free loopback port in front of wsdeck: nginx
 * terminates TLS (with a throwaway self-signed certificate) and passes the upgrade to wsdeck's plain port. Clients
 * speak {@code wss:} to nginx exactly as they would on the internet.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BehindNginxTest {

	@TempDir
	static Path directory;

	private static Nginx nginx;

	private static int nginxPort;

	private static Path certificate;

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry sessions;

	@BeforeAll
	static void requireNginx() {
		ExternalProgram.require(Nginx.NGINX, "nginx", "apt-get install -y nginx");
	}

	/** Once, before the first test: wsdeck's port is known only once the Spring context has started. */
	@BeforeEach
	void startNginxInFrontOfWsdeck() throws Exception {
		if (nginx != null) {
			return;
		}
		SelfSignedCertificateStore tls = new SelfSignedCertificateStore(directory.resolve("tls"));
		tls.loadOrCreate();
		certificate = tls.certificateFile();
		nginxPort = Nginx.freePort();
		String configuration = ReadmeNginxConfiguration.forTest(nginxPort, this.port, tls.certificateFile(),
				tls.privateKeyFile());
		nginx = Nginx.start(Files.createDirectory(directory.resolve("nginx")), configuration, nginxPort);
	}

	@AfterAll
	static void stopNginx() {
		if (nginx != null) {
			nginx.close();
			nginx = null;
		}
	}

	@Test
	void greetsAndEchoesTextAndBinaryThroughNginx() {
		try (WsClient client = connect("/ws")) {
			assertThat(client.nextText()).isEqualTo("world");
			assertThat(client.sendText("Hello Server!").nextText()).isEqualTo("Hello Server!");
			assertThat(client.sendBinary(new byte[] { 1, 2, 3 }).nextBinary()).containsExactly(1, 2, 3);
		}
	}

	@Test
	void echoesTheTutorialsTenMillionBytesThroughNginx() {
		try (WsClient client = connect("/ws")) {
			TutorialRoundTrip.assertEchoedIntact(client, 8);
		}
	}

	@Test
	void ticksTheServerPushesReachTheClientThroughNginx() {
		try (WsClient client = connect("/ws/text?tick=100")) {
			assertThat(client.nextText()).isEqualTo("world");
			assertThat(client.nextText()).contains("\"type\":\"tick\"", "\"seq\":1,");
			assertThat(client.nextText()).contains("\"type\":\"tick\"", "\"seq\":2,");
		}
	}

	/** 2 MB: over nginx's default limit on request bodies (1m), which the README's configuration raises. */
	@Test
	void aBroadcastPostedThroughNginxReachesTheSessionsBehindIt() throws Exception {
		String broadcast = "pushed through nginx " + "x".repeat(2_000_000);
		try (WsClient client = connect("/ws/text")) {
			assertThat(client.nextText()).isEqualTo("world");
			HttpResponse<String> response = TrustingClients.httpClient(certificate)
				.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + nginxPort + "/api/broadcast"))
					.POST(HttpRequest.BodyPublishers.ofString(broadcast))
					.header("Content-Type", "text/plain; charset=utf-8")
					.build(), HttpResponse.BodyHandlers.ofString());

			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			String received = client.nextText();
			assertThat(received.length()).isEqualTo(broadcast.length());
			assertThat(received.equals(broadcast)).as("the broadcast arrived intact").isTrue();
		}
	}

	/**
	 * Every connection reaches wsdeck from nginx on 127.0.0.1; the client here connects from 127.0.0.2, and that is
	 * the address wsdeck's session (and so its quota and logs) must show.
	 */
	@Test
	void wsdeckSeesTheClientsAddressNotNginxs() throws Exception {
		InetAddress client = InetAddress.getByName("127.0.0.2");
		try (SSLSocket socket = (SSLSocket) TrustingClients.sslContext(certificate)
			.getSocketFactory()
			.createSocket(InetAddress.getByName("127.0.0.1"), nginxPort, client, 0)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(RawUpgradeRequest.to("/ws/binary").toBytes("127.0.0.1:" + nginxPort));
			out.flush();
			RawHttpResponse response = RawHttpResponse.read(new BufferedInputStream(socket.getInputStream()), "GET");

			assertThat(response.status()).as(response.toString()).isEqualTo(101);
			await().until(() -> SessionAddresses.of(this.sessions).contains("127.0.0.2"));
		}
	}

	private WsClient connect(String pathAndQuery) {
		return WsClient.connect(TrustingClients.webSocketClient(certificate),
				URI.create("wss://127.0.0.1:" + nginxPort + pathAndQuery), null);
	}

}
