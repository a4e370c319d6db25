package io.wsdeck.page;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.wsdeck.support.Browser;
import io.wsdeck.tls.SelfSignedCertificate;
import io.wsdeck.tls.SelfSignedCertificateStore;
import io.wsdeck.tls.WssConnector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The page served over https from wsdeck's own TLS port with the self-signed development certificate. A secure
 * page may not open ws:, so it must connect with wss:, and everything must work as over http. Chromium is told to
 * trust that certificate's key and nothing else, as a developer accepts it once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsdeck.tls.self-signed=true", "wsdeck.tls.port=0" })
class OverHttpsTest {

	private static final Path DIRECTORY = temporaryDirectory();

	/** Made before Chromium starts, so it can be given the key; wsdeck then finds this one kept and serves it. */
	private static final SelfSignedCertificate CERTIFICATE = new SelfSignedCertificateStore(DIRECTORY).loadOrCreate();

	@RegisterExtension
	static final Browser browser = new Browser(
			"--ignore-certificate-errors-spki-list=" + CERTIFICATE.publicKeySha256());

	@Autowired
	WssConnector wss;

	DeckPage page;

	@DynamicPropertySource
	static void serveTheCertificateMadeForChromium(DynamicPropertyRegistry registry) {
		registry.add("wsdeck.tls.directory", DIRECTORY::toString);
	}

	@BeforeEach
	void openThePageOverHttps() {
		this.page = DeckPage.open(browser, "https://localhost:" + this.wss.localPort() + "/");
	}

	@Test
	void connectsWithWssAndTheTutorialsTenMillionBytesComeBackIntact() {
		assertThat(this.page.address()).isEqualTo("wss://localhost:" + this.wss.localPort() + "/ws");
		assertThat(this.page.securityContext().getDomAttribute("data-secure")).isEqualTo("true");

		this.page.connectAndAwaitOpen().sendBuffer(); // the page's default: new ArrayBuffer(10000000)

		await().atMost(Duration.ofSeconds(60)).until(() -> "true".equals(this.page.lastSend().get("match")));
		assertThat(this.page.lastSend()).containsEntry("check", "sha-256").containsEntry("echoBytes", "10000000");
	}

	/** {@code PageAsAWholeTest}'s walk through every panel, once over https. */
	@Test
	void everyPanelWorksOverHttpsWithoutAConsoleError() {
		this.page.useEveryPanel();

		assertThat(browser.consoleErrors()).isEmpty();
	}

	/** Removed when the JVM exits: the certificate is a test's, and so is its key. */
	private static Path temporaryDirectory() {
		try {
			Path directory = Files.createTempDirectory("wsdeck-https-page-");
			directory.toFile().deleteOnExit();
			Path kept = directory.resolve("tls");
			kept.toFile().deleteOnExit();
			for (String file : new String[] { SelfSignedCertificateStore.CERTIFICATE_FILE,
					SelfSignedCertificateStore.PRIVATE_KEY_FILE }) {
				kept.resolve(file).toFile().deleteOnExit();
			}
			return kept;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
