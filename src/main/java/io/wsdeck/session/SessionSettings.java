package io.wsdeck.session;

import java.time.Duration;

import io.wsdeck.config.WsdeckProperties;

/**
 * What every session is built with, taken from configuration once.
 * @param maxMessageBytes largest message accepted
 * @param sendTimeLimit longest a send may block before the session counts as a slow consumer
 * @param sendBufferBytes bytes that may wait to be sent before the session counts as a slow consumer
 * @param maxMessagesPerSecond messages a session may send per second; 0 for no limit
 */
public record SessionSettings(long maxMessageBytes, Duration sendTimeLimit, int sendBufferBytes,
		int maxMessagesPerSecond) {

	public static SessionSettings from(WsdeckProperties properties) {
		return new SessionSettings(properties.limits().maxMessageSize().toBytes(),
				properties.outbound().sendTimeLimit(), Math.toIntExact(properties.outbound().sendBufferLimit().toBytes()),
				properties.limits().maxMessagesPerSecond());
	}

}
