package io.wsdeck.tls;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStore;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;

/**
 * A development certificate for this machine's loopback names, signed by its own key. BouncyCastle builds the
 * X.509 structure; the JDK makes the EC P-256 key and signs, so no security provider is registered.
 * @param certificate the certificate
 * @param privateKey its private key
 */
public record SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey) {

	/** The names a browser or client on this machine uses for it. */
	public static final List<String> DNS_NAMES = List.of("localhost");

	public static final List<String> IP_ADDRESSES = List.of("127.0.0.1", "::1");

	/** Browsers and clients allow for clocks a little behind this one. */
	private static final Duration BACKDATED = Duration.ofHours(1);

	/**
	 * @param now the start of its validity (backdated by an hour)
	 * @param validity how long it is valid from {@code now}
	 */
	public static SelfSignedCertificate generate(Instant now, Duration validity) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			KeyPair keys = generator.generateKeyPair();
			X500Name name = new X500Name("CN=localhost, O=wsdeck development certificate");
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
					new BigInteger(159, new SecureRandom()).setBit(0), Date.from(now.minus(BACKDATED)),
					Date.from(now.plus(validity)), name, keys.getPublic())
				.addExtension(Extension.subjectAlternativeName, false, alternativeNames())
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
				.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
				.addExtension(Extension.subjectKeyIdentifier, false,
						extensions.createSubjectKeyIdentifier(keys.getPublic()))
				.addExtension(Extension.authorityKeyIdentifier, false,
						extensions.createAuthorityKeyIdentifier(keys.getPublic()));
			X509Certificate certificate = new JcaX509CertificateConverter()
				.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
			return new SelfSignedCertificate(certificate, keys.getPrivate());
		}
		catch (GeneralSecurityException | OperatorCreationException | CertIOException ex) {
			throw new IllegalStateException("Could not make a self-signed certificate", ex);
		}
	}

	private static GeneralNames alternativeNames() {
		List<GeneralName> names = new ArrayList<>();
		DNS_NAMES.forEach((dns) -> names.add(new GeneralName(GeneralName.dNSName, dns)));
		IP_ADDRESSES.forEach((ip) -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
		return new GeneralNames(names.toArray(GeneralName[]::new));
	}

	/** Valid at {@code instant} and still for {@code margin} after it. */
	public boolean isValidAt(Instant instant, Duration margin) {
		return !instant.isBefore(this.certificate.getNotBefore().toInstant())
				&& instant.plus(margin).isBefore(this.certificate.getNotAfter().toInstant());
	}

	/** Whether the private key is the one the certificate was issued for (a stray file pair is not). */
	public boolean keyMatches() {
		try {
			byte[] probe = "wsdeck".getBytes(StandardCharsets.US_ASCII);
			Signature signer = Signature.getInstance("SHA256withECDSA");
			signer.initSign(this.privateKey);
			signer.update(probe);
			byte[] signature = signer.sign();
			Signature verifier = Signature.getInstance("SHA256withECDSA");
			verifier.initVerify(this.certificate.getPublicKey());
			verifier.update(probe);
			return verifier.verify(signature);
		}
		catch (GeneralSecurityException ex) {
			return false;
		}
	}

	/** SHA-256 of the whole certificate, as browsers show it: {@code AB:CD:…}. */
	public String sha256Fingerprint() {
		return CertificateFingerprint.sha256(this.certificate);
	}

	/** Base64 SHA-256 of the public key, for Chromium's {@code --ignore-certificate-errors-spki-list}. */
	public String publicKeySha256() {
		return Base64.getEncoder().encodeToString(sha256(this.certificate.getPublicKey().getEncoded()));
	}

	/** The certificate and key as the Spring SSL bundle Tomcat's connector is configured from. */
	public SslBundle sslBundle() {
		return SslBundle.of(new PemSslStoreBundle(PemSslStore.of(List.of(this.certificate), this.privateKey), null));
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

}
