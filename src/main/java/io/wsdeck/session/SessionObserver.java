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

	/** A whole data message received, once its last fragment is in. */
	default void received(Endpoint endpoint, MessageKind kind, long messageBytes) {
	}

	/** A whole data message written to the connection, once its last fragment is out. */
	default void sent(Endpoint endpoint, MessageKind kind, long messageBytes) {
	}

	/**
	 * The fragments of a message the session ended in the middle of, in either direction: its bytes were
	 * carried although the message never completed.
	 * @param received whether the message was coming in (else going out)
	 */
	default void cutShort(Endpoint endpoint, MessageKind kind, boolean received, long bytes) {
	}

	default void closed(Endpoint endpoint, CloseStatus status, Duration open) {
	}

}
