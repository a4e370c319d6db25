package io.wsdeck.page;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.wsdeck.support.Browser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Served over HTTPS, the page must open its socket with wss: (a secure page may not open ws:). The server gets a
 * throwaway self-signed certificate made by the JDK's keytool, which Chromium is told to accept.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OverHttpsTest {

	private static final String PASSWORD = "wsdeck-test";

	@RegisterExtension
	static final Browser browser = new Browser("--ignore-certificate-errors");

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void serveOverHttps(DynamicPropertyRegistry registry) throws IOException, InterruptedException {
		Path keyStore = selfSignedKeyStore();
		registry.add("server.ssl.key-store", () -> "file:" + keyStore);
		registry.add("server.ssl.key-store-type", () -> "PKCS12");
		registry.add("server.ssl.key-store-password", () -> PASSWORD);
	}

	@Test
	void theAddressUsesWssAndTheEchoWorks() {
		DeckPage page = DeckPage.open(browser, "https://127.0.0.1:" + this.port + "/");

		assertThat(page.address()).isEqualTo("wss://127.0.0.1:" + this.port + "/ws");
		page.connectAndAwaitOpen().sendBuffer(100_000);

		await().until(() -> "true".equals(page.lastSend().get("match")));
		assertThat(page.lastSend()).containsEntry("check", "sha-256").containsEntry("echoBytes", "100000");
		assertThat(page.securityContext().getDomAttribute("data-secure")).isEqualTo("true");
	}

	private static Path selfSignedKeyStore() throws IOException, InterruptedException {
		Path directory = Files.createTempDirectory("wsdeck-tls-");
		directory.toFile().deleteOnExit();
		Path keyStore = directory.resolve("server.p12");
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", "wsdeck", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
				"-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
				"-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
			.redirectErrorStream(true)
			.start();
		String output = new String(keytool.getInputStream().readAllBytes());
		assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(keytool.exitValue()).as("keytool: %s", output).isZero();
		keyStore.toFile().deleteOnExit();
		return keyStore;
	}

}
