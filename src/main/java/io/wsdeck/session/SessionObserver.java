package io.wsdeck.session;

import java.time.Duration;

import org.springframework.web.socket.CloseStatus;

/**
 * What the session layer reports as it happens, for metrics. Calls come on the hot path (every message, every
 * fragment), so implementations must be cheap and must not block.
 */
public interface SessionObserver {

	/** No metrics: for tests and for wiring without a meter registry. */
	SessionObserver NONE = new SessionObserver() {
	};

	default void opened(Endpoint endpoint) {
	}

	/**
	 * Payload bytes of one fragment (or whole message) received.
	 * @param messageBytes the whole message's size once its last fragment is in, else -1
	 */
	default void received(Endpoint endpoint, MessageKind kind, long bytes, long messageBytes) {
	}

	/**
	 * Payload bytes of one fragment (or whole message) written to the connection.
	 * @param messageBytes the whole message's size once its last fragment is out, else -1
	 */
	default void sent(Endpoint endpoint, MessageKind kind, long bytes, long messageBytes) {
	}

	default void closed(Endpoint endpoint, CloseStatus status, Duration open) {
	}

}
