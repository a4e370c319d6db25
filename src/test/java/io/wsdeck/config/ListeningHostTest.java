package io.wsdeck.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The host the startup log names is one a client can connect to. */
class ListeningHostTest {

	@Test
	void aServerOnEveryAddressIsReachedAtLocalhost() throws UnknownHostException {
		assertThat(ListeningHost.of(null)).isEqualTo("localhost");
		assertThat(ListeningHost.of(InetAddress.getByName("0.0.0.0"))).isEqualTo("localhost");
		assertThat(ListeningHost.of(InetAddress.getByName("::"))).isEqualTo("localhost");
	}

	/** {@code server.address=127.0.0.2}: localhost would be refused. */
	@Test
	void aServerOnOneAddressIsNamedByIt() throws UnknownHostException {
		assertThat(ListeningHost.of(InetAddress.getByName("127.0.0.2"))).isEqualTo("127.0.0.2");
		assertThat(ListeningHost.of(InetAddress.getByName("::1"))).isEqualTo("[0:0:0:0:0:0:0:1]");
	}

}
