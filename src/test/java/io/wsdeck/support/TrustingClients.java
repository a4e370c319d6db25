package io.wsdeck.support;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;

import javax.net.ssl.SSLContext;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;

/**
 * Clients that trust one certificate and nothing else, as a developer's client is told to trust wsdeck's
 * self-signed one: {@code wss:} and {@code https:} to it work, and the JDK's usual authorities are not consulted.
 */
public final class TrustingClients {

	private TrustingClients() {
	}

	/** @param certificate a PEM file holding the certificate to trust */
	public static SSLContext sslContext(Path certificate) {
		PemSslStoreDetails trusted = PemSslStoreDetails.forCertificate("file:" + certificate.toAbsolutePath());
		return SslBundle.of(new PemSslStoreBundle(null, trusted)).createSslContext();
	}

	public static StandardWebSocketClient webSocketClient(Path certificate) {
		StandardWebSocketClient client = new StandardWebSocketClient();
		client.setSslContext(sslContext(certificate));
		return client;
	}

	public static HttpClient httpClient(Path certificate) {
		return HttpClient.newBuilder()
			.sslContext(sslContext(certificate))
			.connectTimeout(Duration.ofSeconds(10))
			.build();
	}

}
