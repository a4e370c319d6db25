package io.wsdeck.proxy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

import io.wsdeck.session.SessionRegistry;

/** The remote addresses of wsdeck's open sessions: what its quota counts and its logs show. */
final class SessionAddresses {

	private SessionAddresses() {
	}

	static List<String> of(SessionRegistry sessions) {
		return sessions.all()
			.stream()
			.map((session) -> session.getRemoteAddress())
			.filter(Objects::nonNull)
			.map(InetSocketAddress::getHostString)
			.toList();
	}

}
