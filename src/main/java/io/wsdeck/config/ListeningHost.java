package io.wsdeck.config;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The host to print in the addresses the startup log gives: the one address the server listens on when
 * {@code server.address} names one, else {@code localhost}, which reaches a server listening on every address.
 */
public final class ListeningHost {

	private ListeningHost() {
	}

	/** @param address where the server listens, or {@code null} for every address */
	public static String of(InetAddress address) {
		if (address == null || address.isAnyLocalAddress()) {
			return "localhost";
		}
		String literal = address.getHostAddress();
		return (address instanceof Inet6Address) ? "[" + literal.replaceFirst("%.*$", "") + "]" : literal;
	}

}
