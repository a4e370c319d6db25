package io.wsdeck.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.HexFormat;

/** The SHA-256 fingerprint of a certificate, as browsers show it and as people compare it: {@code AB:CD:…}. */
public final class CertificateFingerprint {

	private CertificateFingerprint() {
	}

	public static String sha256(Certificate certificate) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
			return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not take the fingerprint of a certificate", ex);
		}
	}

}
