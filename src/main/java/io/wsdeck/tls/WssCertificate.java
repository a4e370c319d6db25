package io.wsdeck.tls;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.function.Consumer;

import io.wsdeck.config.InvalidSettingException;
import io.wsdeck.config.WsdeckProperties;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * The certificate wss serves: the operator's SSL bundle when {@code wsdeck.tls.bundle} names one, else the
 * self-signed development certificate kept in {@code wsdeck.tls.directory}. A bundle that cannot serve stops
 * startup with a message naming the property, rather than a TLS error at the first client.
 * @param bundle the certificate and key, as Tomcat's connector is configured from them
 * @param bundleName the operator's bundle, or {@code null} for the self-signed certificate
 * @param description what the startup log says about it
 */
record WssCertificate(SslBundle bundle, String bundleName, String description) {

	private static final String BUNDLE = "wsdeck.tls.bundle";

	static WssCertificate choose(WsdeckProperties.Tls tls, SslBundles bundles) {
		return tls.hasBundle() ? operators(tls.bundle(), bundles) : selfSigned(tls.directory());
	}

	private static WssCertificate selfSigned(Path directory) {
		SelfSignedCertificateStore store = new SelfSignedCertificateStore(directory);
		SelfSignedCertificate certificate = store.loadOrCreate();
		return new WssCertificate(certificate.sslBundle(), null, "a self-signed development certificate (SHA-256 "
				+ certificate.sha256Fingerprint() + "); clients must be told to trust " + store.certificateFile());
	}

	private static WssCertificate operators(String name, SslBundles bundles) {
		SslBundle bundle;
		try {
			bundle = bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidSettingException(BUNDLE, BUNDLE + " is '" + name + "', but there is no such SSL bundle: "
					+ "configure spring.ssl.bundle.pem." + name + " or spring.ssl.bundle.jks." + name,
					"Configure the bundle (see \"wss and proxies\" in the README), or correct " + BUNDLE + ".", ex);
		}
		Certificate served = servedCertificate(bundle);
		if (served == null) {
			throw new InvalidSettingException(BUNDLE, BUNDLE + " is '" + name + "', but that SSL bundle has no "
					+ "certificate with a private key to serve (its keystore, not only a truststore, must be set)",
					"Give the bundle a keystore: spring.ssl.bundle.pem." + name + ".keystore.certificate and "
							+ ".private-key, or spring.ssl.bundle.jks." + name + ".keystore.location.");
		}
		return new WssCertificate(bundle, name, "the certificate of SSL bundle '" + name + "' (SHA-256 "
				+ CertificateFingerprint.sha256(served) + ")");
	}

	/**
	 * With {@code spring.ssl.bundle.*.<name>.reload-on-update}, Spring reloads the operator's bundle when its files
	 * change; {@code serve} then puts the renewed certificate in place without a restart.
	 */
	void whenRenewed(SslBundles bundles, Consumer<SslBundle> serve) {
		if (this.bundleName != null) {
			bundles.addBundleUpdateHandler(this.bundleName, serve);
		}
	}

	/** The certificate of the key entry Tomcat will use: the bundle's key alias, else the first key entry. */
	private static Certificate servedCertificate(SslBundle bundle) {
		KeyStore keyStore = bundle.getStores().getKeyStore();
		if (keyStore == null) {
			return null;
		}
		try {
			String alias = bundle.getKey().getAlias();
			if (alias != null) {
				return keyStore.getCertificate(alias);
			}
			for (String candidate : Collections.list(keyStore.aliases())) {
				if (keyStore.isKeyEntry(candidate)) {
					return keyStore.getCertificate(candidate);
				}
			}
			return null;
		}
		catch (KeyStoreException ex) {
			throw new InvalidSettingException(BUNDLE, "Could not read the keystore of the SSL bundle named by "
					+ BUNDLE, "Check the bundle's keystore and its password.", ex);
		}
	}

}
