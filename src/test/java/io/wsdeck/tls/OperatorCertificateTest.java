package io.wsdeck.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;

import io.wsdeck.WsdeckApplication;
import io.wsdeck.support.TrustingClients;
import io.wsdeck.support.WsClient;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The operator's own certificate, given as a Spring SSL bundle of PEM files or of a keystore, and the mistakes
 * that stop startup with a message naming the property. Each test starts its own wsdeck on free ports.
 */
class OperatorCertificateTest {

	private static final String PASSWORD = "operator-secret";

	@TempDir
	Path directory;

	@Test
	void servesThePemFilesOfTheNamedBundleRatherThanASelfSignedCertificate() {
		SelfSignedCertificateStore operator = operatorsCertificate();
		Path selfSigned = this.directory.resolve("self-signed");
		try (ConfigurableApplicationContext wsdeck = start("--wsdeck.tls.bundle=site",
				"--spring.ssl.bundle.pem.site.keystore.certificate=file:" + operator.certificateFile(),
				"--spring.ssl.bundle.pem.site.keystore.private-key=file:" + operator.privateKeyFile(),
				"--wsdeck.tls.self-signed=true", "--wsdeck.tls.directory=" + selfSigned)) {
			assertEchoesOverWssTrusting(wsdeck, operator.certificateFile());
			assertThat(selfSigned).as("no self-signed certificate is made when a bundle is named").doesNotExist();
		}
	}

	@Test
	void servesTheKeystoreOfTheNamedBundle() throws Exception {
		SelfSignedCertificateStore operator = operatorsCertificate();
		Path keyStore = pkcs12(operator.loadOrCreate());
		try (ConfigurableApplicationContext wsdeck = start("--wsdeck.tls.bundle=site",
				"--spring.ssl.bundle.jks.site.keystore.location=file:" + keyStore,
				"--spring.ssl.bundle.jks.site.keystore.password=" + PASSWORD,
				"--spring.ssl.bundle.jks.site.keystore.type=PKCS12")) {
			assertEchoesOverWssTrusting(wsdeck, operator.certificateFile());
		}
	}

	@Test
	void aRenewedCertificateIsServedWithoutARestartWhenTheBundleReloadsOnUpdate() throws IOException {
		SelfSignedCertificateStore operator = operatorsCertificate();
		SelfSignedCertificateStore renewal = new SelfSignedCertificateStore(this.directory.resolve("renewal"));
		renewal.loadOrCreate();
		try (ConfigurableApplicationContext wsdeck = start("--wsdeck.tls.bundle=site",
				"--spring.ssl.bundle.pem.site.reload-on-update=true",
				"--spring.ssl.bundle.watch.file.quiet-period=100ms",
				"--spring.ssl.bundle.pem.site.keystore.certificate=" + operator.certificateFile(),
				"--spring.ssl.bundle.pem.site.keystore.private-key=" + operator.privateKeyFile())) {
			int port = wsdeck.getBean(WssConnector.class).localPort();
			assertThat(healthTrusting(renewal.certificateFile(), port)).as("the renewal is not served yet").isFalse();

			Files.copy(renewal.privateKeyFile(), operator.privateKeyFile(), StandardCopyOption.REPLACE_EXISTING);
			Files.copy(renewal.certificateFile(), operator.certificateFile(), StandardCopyOption.REPLACE_EXISTING);

			await().atMost(Duration.ofSeconds(30)).until(() -> healthTrusting(renewal.certificateFile(), port));
		}
	}

	@Test
	void aBundleThatIsNotConfiguredStopsStartupNamingTheProperty() {
		assertThatThrownBy(() -> start("--wsdeck.tls.bundle=missing").close())
			.hasStackTraceContaining("wsdeck.tls.bundle is 'missing', but there is no such SSL bundle: configure "
					+ "spring.ssl.bundle.pem.missing or spring.ssl.bundle.jks.missing");
	}

	@Test
	void aBundleWithOnlyATrustStoreStopsStartupNamingTheProperty() {
		SelfSignedCertificateStore operator = operatorsCertificate();
		assertThatThrownBy(() -> start("--wsdeck.tls.bundle=trust-only",
				"--spring.ssl.bundle.pem.trust-only.truststore.certificate=file:" + operator.certificateFile())
			.close())
			.hasStackTraceContaining("wsdeck.tls.bundle is 'trust-only', but that SSL bundle has no certificate with a "
					+ "private key to serve");
	}

	@Test
	void theSamePortForWsAndWssStopsStartupNamingBothProperties() throws IOException {
		int port;
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		int both = port;
		assertThatThrownBy(() -> start("--server.port=" + both, "--wsdeck.tls.port=" + both,
				"--wsdeck.tls.self-signed=true", "--wsdeck.tls.directory=" + this.directory).close())
			.hasStackTraceContaining("wsdeck.tls.port and server.port are both " + both);
	}

	@Test
	void withNeitherABundleNorSelfSignedOnlyThePlainPortIsOpen() {
		try (ConfigurableApplicationContext wsdeck = start()) {
			TomcatWebServer tomcat = (TomcatWebServer) ((WebServerApplicationContext) wsdeck).getWebServer();
			Connector[] connectors = tomcat.getTomcat().getService().findConnectors();

			assertThat(connectors).extracting(Connector::getScheme).containsExactly("http");
			assertThat(wsdeck.getBean(WssConnector.class).localPort()).isEqualTo(-1);
		}
	}

	/** wsdeck on free ports unless the arguments choose them. */
	private static ConfigurableApplicationContext start(String... arguments) {
		List<String> all = new ArrayList<>(List.of(arguments));
		for (String port : List.of("--server.port=", "--wsdeck.tls.port=")) {
			if (all.stream().noneMatch((argument) -> argument.startsWith(port))) {
				all.add(port + "0");
			}
		}
		return new SpringApplicationBuilder(WsdeckApplication.class).run(all.toArray(String[]::new));
	}

	/** Stands in for the certificate an operator got from their CA: PEM files of a certificate and its key. */
	private SelfSignedCertificateStore operatorsCertificate() {
		SelfSignedCertificateStore operator = new SelfSignedCertificateStore(this.directory.resolve("operator"));
		operator.loadOrCreate();
		return operator;
	}

	private Path pkcs12(SelfSignedCertificate certificate) throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setKeyEntry("site", certificate.privateKey(), PASSWORD.toCharArray(),
				new Certificate[] { certificate.certificate() });
		Path file = this.directory.resolve("site.p12");
		try (OutputStream out = Files.newOutputStream(file)) {
			store.store(out, PASSWORD.toCharArray());
		}
		return file;
	}

	/** Whether a new https connection that trusts only {@code certificate} gets an answer. */
	private static boolean healthTrusting(Path certificate, int port) {
		try {
			return TrustingClients.httpClient(certificate)
				.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/actuator/health")).build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode() == 200;
		}
		catch (SSLHandshakeException ex) {
			return false;
		}
		catch (IOException ex) {
			if (ex.getCause() instanceof SSLHandshakeException) {
				return false;
			}
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void assertEchoesOverWssTrusting(ConfigurableApplicationContext wsdeck, Path certificate) {
		int port = wsdeck.getBean(WssConnector.class).localPort();
		try (WsClient client = WsClient.connect(TrustingClients.webSocketClient(certificate),
				URI.create("wss://127.0.0.1:" + port + "/ws/text"), null)) {
			assertThat(client.nextText()).isEqualTo("world");
			assertThat(client.sendText("over the operator's certificate").nextText())
				.isEqualTo("over the operator's certificate");
		}
	}

}
