package io.wsdeck.session;

/**
 * Something a handshake took for a session (a quota slot, say) and put in the session's attributes; the session
 * layer releases every such attribute when the session closes, however it closes.
 */
public interface ReleasedOnClose {

	/** Called once the session has closed; may be called more than once and must be idempotent. */
	void release();

}
