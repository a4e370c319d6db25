package io.wsdeck.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.wsdeck.config.InvalidSettingException;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.pem.PemContent;

/**
 * Keeps the self-signed development certificate in a directory as two PEM files, so every start reuses the one a
 * developer's browser or client has been told to trust. A new one is made when a file is missing or unreadable,
 * when the two do not belong together, or when the certificate is expired or about to be.
 * <p>
 * The private key is written readable by its owner only (on file systems with POSIX permissions), and never
 * inside the project unless the operator points {@code wsdeck.tls.directory} there.
 */
public final class SelfSignedCertificateStore {

	public static final String CERTIFICATE_FILE = "localhost.crt";

	public static final String PRIVATE_KEY_FILE = "localhost.key";

	/** Long enough not to bother a developer, short enough that a lost key stops mattering. */
	public static final Duration VALIDITY = Duration.ofDays(365);

	/** Replaced a day before it expires, so a server is not left running past expiry by a day's margin. */
	private static final Duration RENEW_BEFORE = Duration.ofDays(1);

	private static final Logger log = LoggerFactory.getLogger(SelfSignedCertificateStore.class);

	private final Path directory;

	private final Clock clock;

	public SelfSignedCertificateStore(Path directory) {
		this(directory, Clock.systemUTC());
	}

	SelfSignedCertificateStore(Path directory, Clock clock) {
		this.directory = directory.toAbsolutePath();
		this.clock = clock;
	}

	public Path certificateFile() {
		return this.directory.resolve(CERTIFICATE_FILE);
	}

	public Path privateKeyFile() {
		return this.directory.resolve(PRIVATE_KEY_FILE);
	}

	/** The stored certificate while it is usable, else a new one, stored before it is returned. */
	public SelfSignedCertificate loadOrCreate() {
		SelfSignedCertificate stored = load();
		if (stored != null) {
			return stored;
		}
		SelfSignedCertificate created = SelfSignedCertificate.generate(this.clock.instant(), VALIDITY);
		try {
			store(created);
		}
		catch (IOException ex) {
			throw new InvalidSettingException("wsdeck.tls.directory", "Could not store the self-signed "
					+ "certificate in " + this.directory + " (wsdeck.tls.directory): " + ex.getMessage(),
					"Point wsdeck.tls.directory at a directory this user may create and write.", ex);
		}
		log.info("Made a self-signed development certificate for localhost, 127.0.0.1 and ::1 in {}", this.directory);
		return created;
	}

	private SelfSignedCertificate load() {
		Path certificateFile = certificateFile();
		Path keyFile = privateKeyFile();
		if (!Files.isRegularFile(certificateFile) || !Files.isRegularFile(keyFile)) {
			return null;
		}
		try {
			List<X509Certificate> certificates = PemContent.load(certificateFile).getCertificates();
			PrivateKey key = PemContent.load(keyFile).getPrivateKey();
			if (certificates.size() != 1 || key == null) {
				log.warn("Replacing the self-signed certificate in {}: the files do not hold one certificate and "
						+ "its key", this.directory);
				return null;
			}
			SelfSignedCertificate stored = new SelfSignedCertificate(certificates.get(0), key);
			if (!stored.keyMatches()) {
				log.warn("Replacing the self-signed certificate in {}: the key is not the certificate's", this.directory);
				return null;
			}
			if (!stored.isValidAt(this.clock.instant(), RENEW_BEFORE)) {
				log.info("Replacing the self-signed certificate in {}: it expires {}", this.directory,
						stored.certificate().getNotAfter().toInstant());
				return null;
			}
			return stored;
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Replacing the self-signed certificate in {}: it cannot be read ({})", this.directory,
					ex.getMessage());
			return null;
		}
	}

	private void store(SelfSignedCertificate certificate) throws IOException {
		createOwnerOnlyDirectory(this.directory);
		// The key first: a certificate without its key would be found unusable at the next start anyway.
		write(privateKeyFile(), pem(new JcaPKCS8Generator(certificate.privateKey(), null)), "rw-------");
		write(certificateFile(), pem(certificate.certificate()), "rw-r--r--");
	}

	private static String pem(Object object) throws IOException {
		StringWriter text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			writer.writeObject(object);
		}
		return text.toString();
	}

	/**
	 * Written to a temporary file with its final permissions, then moved into place: the key is never readable by
	 * others, not even for a moment, and a reader never sees half a file.
	 */
	private static void write(Path file, String content, String permissions) throws IOException {
		Path temporary = isPosix(file.getParent())
				? Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp",
						PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ,
								PosixFilePermission.OWNER_WRITE)))
				: Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp");
		try {
			try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII)) {
				writer.write(content);
			}
			if (isPosix(temporary)) {
				Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(permissions));
			}
			try {
				Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	private static void createOwnerOnlyDirectory(Path directory) throws IOException {
		if (Files.isDirectory(directory)) {
			return;
		}
		Path parent = directory.toAbsolutePath().getParent();
		Files.createDirectories(parent);
		try {
			if (isPosix(parent)) {
				Files.createDirectory(directory,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			}
			else {
				Files.createDirectory(directory);
			}
		}
		catch (FileAlreadyExistsException ex) {
			// another wsdeck starting beside this one made it first
		}
	}

	private static boolean isPosix(Path path) {
		return path.getFileSystem().supportedFileAttributeViews().contains("posix");
	}

}
