package io.wsdeck.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The development certificate: what it names, where it is kept, and when it is made anew. */
class SelfSignedCertificateStoreTest {

	private static final Instant NOW = Instant.parse("2026-11-25T17:00:00Z");

	@TempDir
	Path directory;

	@Test
	void namesLocalhostAndBothLoopbackAddressesForServerUseOnly() throws Exception {
		X509Certificate certificate = store(NOW).loadOrCreate().certificate();

		assertThat(certificate.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "localhost"),
				List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
		assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
		assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
		certificate.verify(certificate.getPublicKey()); // self-signed
		assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
	}

	@Test
	void isValidForAYearFromNowAndAlreadyAnHourAgoForClocksBehindThisOne() {
		X509Certificate certificate = store(NOW).loadOrCreate().certificate();

		assertThat(certificate.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
		assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
	}

	@Test
	void keepsThePrivateKeyAndItsDirectoryToTheOwner() throws IOException {
		SelfSignedCertificateStore store = store(NOW);
		store.loadOrCreate();

		assertThat(permissions(store.privateKeyFile())).isEqualTo("rw-------");
		assertThat(permissions(this.directory.resolve("tls"))).isEqualTo("rwx------");
		assertThat(permissions(store.certificateFile())).isEqualTo("rw-r--r--");
		assertThat(Files.readString(store.privateKeyFile())).startsWith("-----BEGIN PRIVATE KEY-----");
		assertThat(Files.readString(store.certificateFile())).startsWith("-----BEGIN CERTIFICATE-----");
	}

	@Test
	void theNextStartReusesTheKeptCertificate() {
		String first = store(NOW).loadOrCreate().sha256Fingerprint();

		assertThat(store(NOW.plus(Duration.ofDays(300))).loadOrCreate().sha256Fingerprint()).isEqualTo(first);
	}

	@Test
	void anExpiredCertificateIsReplaced() {
		String first = store(NOW).loadOrCreate().sha256Fingerprint();
		Instant later = NOW.plus(Duration.ofDays(366));

		SelfSignedCertificate renewed = store(later).loadOrCreate();

		assertThat(renewed.sha256Fingerprint()).isNotEqualTo(first);
		assertThat(renewed.isValidAt(later, Duration.ofDays(364))).isTrue();
		assertThat(store(later).loadOrCreate().sha256Fingerprint()).as("and the new one is kept")
			.isEqualTo(renewed.sha256Fingerprint());
	}

	@Test
	void aCertificateWithLessThanADayLeftIsReplaced() {
		String first = store(NOW).loadOrCreate().sha256Fingerprint();

		assertThat(store(NOW.plus(Duration.ofDays(364)).plus(Duration.ofHours(1))).loadOrCreate().sha256Fingerprint())
			.isNotEqualTo(first);
	}

	@Test
	void aMissingKeyMeansANewCertificate() throws IOException {
		SelfSignedCertificateStore store = store(NOW);
		String first = store.loadOrCreate().sha256Fingerprint();
		Files.delete(store.privateKeyFile());

		assertThat(store.loadOrCreate().sha256Fingerprint()).isNotEqualTo(first);
		assertThat(store.privateKeyFile()).exists();
	}

	@Test
	void aKeyThatIsNotTheCertificatesMeansANewCertificate() throws IOException {
		SelfSignedCertificateStore store = store(NOW);
		String first = store.loadOrCreate().sha256Fingerprint();
		SelfSignedCertificateStore other = new SelfSignedCertificateStore(this.directory.resolve("other"));
		other.loadOrCreate();
		Files.copy(other.privateKeyFile(), store.privateKeyFile(), StandardCopyOption.REPLACE_EXISTING);

		SelfSignedCertificate replaced = store.loadOrCreate();

		assertThat(replaced.sha256Fingerprint()).isNotEqualTo(first);
		assertThat(replaced.keyMatches()).isTrue();
	}

	@Test
	void unreadableFilesMeanANewCertificate() throws IOException {
		SelfSignedCertificateStore store = store(NOW);
		String first = store.loadOrCreate().sha256Fingerprint();
		Files.writeString(store.certificateFile(), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");

		assertThat(store.loadOrCreate().sha256Fingerprint()).isNotEqualTo(first);
	}

	@Test
	void aDirectoryThatCannotBeMadeStopsStartupNamingTheProperty() throws IOException {
		Path file = Files.writeString(this.directory.resolve("a-file"), "not a directory");
		SelfSignedCertificateStore store = new SelfSignedCertificateStore(file.resolve("tls"));

		assertThatIllegalStateException().isThrownBy(store::loadOrCreate).withMessageContaining("wsdeck.tls.directory");
	}

	private SelfSignedCertificateStore store(Instant now) {
		return new SelfSignedCertificateStore(this.directory.resolve("tls"), Clock.fixed(now, ZoneOffset.UTC));
	}

	private static String permissions(Path path) throws IOException {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
	}

}
