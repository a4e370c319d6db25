package io.wsdeck.bench.client;

import java.nio.ByteBuffer;

/**
 * What a measurement does with one connection. Every call runs on the connection's loop thread, so a listener
 * keeps its state in plain fields.
 */
public interface ConnectionListener {

	/** The server accepted the upgrade; the connection may send. */
	default void onOpen(Connection connection) {
	}

	/** A piece of a data message's payload, valid only during the call. */
	default void onPayload(Connection connection, ByteBuffer piece) {
	}

	/** A data message is complete; {@code opcode} is {@link Frames#TEXT} or {@link Frames#BINARY}. */
	void onMessage(Connection connection, int opcode, long length);

	/**
	 * The connection is over, called once: {@code cause} is {@code null} after a close handshake or a close by the
	 * client, else what went wrong (refused handshake, reset, end of stream without a close frame).
	 */
	default void onClosed(Connection connection, Throwable cause) {
	}

}
