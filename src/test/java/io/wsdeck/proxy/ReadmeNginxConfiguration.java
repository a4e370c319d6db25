package io.wsdeck.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The nginx configuration the README shows, kept in {@code src/test/resources/nginx/wsdeck.conf} so the tests run
 * the very text an operator copies ({@code NginxConfigurationTest} pins that the README holds it verbatim).
 */
final class ReadmeNginxConfiguration {

	static final String RESOURCE = "/nginx/wsdeck.conf";

	private ReadmeNginxConfiguration() {
	}

	static String text() {
		try (InputStream in = ReadmeNginxConfiguration.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " is not on the test classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The same configuration with only what differs on a test machine changed: the port nginx listens on (a free
	 * loopback one rather than 443 on every address), the certificate files, and wsdeck's random port.
	 */
	static String forTest(int nginxPort, int wsdeckPort, Path certificate, Path privateKey) {
		String text = text();
		text = replaceOnce(text, "listen 443 ssl;", "listen 127.0.0.1:" + nginxPort + " ssl;");
		text = replaceOnce(text, "/etc/ssl/wsdeck/fullchain.pem", certificate.toAbsolutePath().toString());
		text = replaceOnce(text, "/etc/ssl/wsdeck/privkey.pem", privateKey.toAbsolutePath().toString());
		return replaceOnce(text, "proxy_pass http://127.0.0.1:8080;", "proxy_pass http://127.0.0.1:" + wsdeckPort + ";");
	}

	/** Fails when the README's configuration no longer has the line, rather than testing something else. */
	private static String replaceOnce(String text, String line, String replacement) {
		int at = text.indexOf(line);
		if (at < 0 || text.indexOf(line, at + 1) >= 0) {
			throw new IllegalStateException(RESOURCE + " must hold \"" + line + "\" exactly once for the test to adapt it");
		}
		return text.substring(0, at) + replacement + text.substring(at + line.length());
	}

}
