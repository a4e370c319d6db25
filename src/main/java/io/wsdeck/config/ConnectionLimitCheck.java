package io.wsdeck.config;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Stops startup when Tomcat's connection limit is not above wsdeck's session limit. wsdeck answers the handshake
 * past {@code wsdeck.access.max-sessions} with 503 and {@code Retry-After}, but only on a connection Tomcat has
 * accepted: past {@code server.tomcat.max-connections} a client waits in the kernel's accept queue, unanswered and
 * unlogged. The page, the API and the refusals themselves need connections beyond the sessions too.
 */
@Component
class ConnectionLimitCheck {

	/** Tomcat's value for no limit. */
	private static final int UNLIMITED = -1;

	ConnectionLimitCheck(WsdeckProperties properties,
			@Value("${server.tomcat.max-connections:8192}") int maxConnections) {
		int maxSessions = properties.access().maxSessions();
		if (maxConnections != UNLIMITED && maxConnections <= maxSessions) {
			throw new InvalidSettingException("server.tomcat.max-connections", "server.tomcat.max-connections ("
					+ maxConnections + ") must be above wsdeck.access.max-sessions (" + maxSessions + "): past "
					+ "Tomcat's limit, a handshake waits unanswered instead of being refused with 503",
					"Raise server.tomcat.max-connections above wsdeck.access.max-sessions (the packaged "
							+ "application.yml has 10100 against 10000), or lower wsdeck.access.max-sessions.");
		}
	}

}
