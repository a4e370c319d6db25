package io.wsdeck.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real WebSocket client ({@link StandardWebSocketClient}, Tomcat's client underneath) for integration tests.
 * It reassembles fragmented messages, so it can receive wsdeck's streamed echo of a 10 MB message with the
 * client's own small buffers, and queues every whole message for the test to take in order.
 */
public final class WsClient implements AutoCloseable {

	public static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final Collector collector;

	private final WebSocketSession session;

	private WsClient(Collector collector, WebSocketSession session) {
		this.collector = collector;
		// Tests send from several threads; the client session is not thread-safe on its own.
		this.session = new ConcurrentWebSocketSessionDecorator(session, (int) TIMEOUT.toMillis(), 256 * 1024 * 1024);
	}

	public static WsClient connect(int port, String pathAndQuery) {
		return connect(URI.create("ws://127.0.0.1:" + port + pathAndQuery));
	}

	public static WsClient connect(URI uri) {
		return connect(uri, null);
	}

	/** With handshake headers: subprotocols, extensions to offer, authorization. */
	public static WsClient connect(URI uri, WebSocketHttpHeaders headers) {
		return connect(new StandardWebSocketClient(), uri, headers);
	}

	/** Through a client the test set up, e.g. one that trusts a test certificate for {@code wss:}. */
	public static WsClient connect(StandardWebSocketClient client, URI uri, WebSocketHttpHeaders headers) {
		Collector collector = new Collector();
		try {
			WebSocketSession session = client.execute(collector, headers, uri)
				.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			return new WsClient(collector, session);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not connect to " + uri, ex);
		}
	}

	/** Connects and takes the greeting the mixed and text endpoints send first. */
	public static WsClient connectGreeted(int port, String pathAndQuery) {
		WsClient client = connect(port, pathAndQuery);
		assertThat(client.nextText()).isEqualTo("world");
		return client;
	}

	public WsClient sendText(String text) {
		return send(new TextMessage(text));
	}

	public WsClient sendBinary(byte[] bytes) {
		return send(new BinaryMessage(bytes));
	}

	/**
	 * Sends one binary message as several frames. Tomcat's client recurses once per 8 KiB while writing a whole
	 * message, so a single 16 MiB {@code sendBinary} overflows its stack; fragments keep each write short.
	 */
	public WsClient sendBinaryInFragments(byte[] bytes, int fragmentSize) {
		for (int offset = 0; offset < bytes.length; offset += fragmentSize) {
			int length = Math.min(fragmentSize, bytes.length - offset);
			send(new BinaryMessage(ByteBuffer.wrap(bytes, offset, length), offset + length == bytes.length));
		}
		return this;
	}

	public WsClient send(WebSocketMessage<?> message) {
		try {
			this.session.sendMessage(message);
		}
		catch (IOException | RuntimeException ex) {
			// Say why the client's session ended: Tomcat's client closes it without a word when, say, a frame from
			// the server breaks the protocol, and the send then only sees a closed session.
			throw new IllegalStateException("send failed; the client's session " + whyClosed(), ex);
		}
		return this;
	}

	private String whyClosed() {
		CloseStatus status = this.collector.closed.getNow(null);
		Throwable error = this.collector.transportError;
		return (status == null ? "is not closed" : "closed with " + status)
				+ (error == null ? "" : " after the transport error " + error);
	}

	/** The next whole message: a {@code String} for text, a {@code byte[]} for binary. */
	public Object next() {
		try {
			Object message = this.collector.messages.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (message == null) {
				throw new AssertionError("No message within " + TIMEOUT + "; the client's session " + whyClosed());
			}
			return message;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public String nextText() {
		Object message = next();
		assertThat(message).as("expected a text message").isInstanceOf(String.class);
		return (String) message;
	}

	public byte[] nextBinary() {
		Object message = next();
		assertThat(message).as("expected a binary message").isInstanceOf(byte[].class);
		return (byte[]) message;
	}

	/** Messages received and not yet taken. */
	public int pending() {
		return this.collector.messages.size();
	}

	public CloseStatus awaitClose() {
		return this.collector.closed.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
	}

	public boolean isOpen() {
		return this.session.isOpen();
	}

	public WebSocketSession session() {
		return this.session;
	}

	@Override
	public void close() {
		if (this.session.isOpen()) {
			try {
				this.session.close(CloseStatus.NORMAL);
			}
			catch (IOException ex) {
				// the test is over; the server logs the drop
			}
		}
	}

	/** Reassembles fragments into whole messages. Callbacks come one at a time per session. */
	private static final class Collector extends AbstractWebSocketHandler {

		private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();

		private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

		private volatile Throwable transportError;

		private final StringBuilder text = new StringBuilder();

		private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) {
			this.text.append(message.getPayload());
			if (message.isLast()) {
				this.messages.add(this.text.toString());
				this.text.setLength(0);
			}
		}

		@Override
		protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
			ByteBuffer payload = message.getPayload();
			byte[] bytes = new byte[payload.remaining()];
			payload.get(bytes);
			this.binary.writeBytes(bytes);
			if (message.isLast()) {
				this.messages.add(this.binary.toByteArray());
				this.binary.reset();
			}
		}

		@Override
		public void handleTransportError(WebSocketSession session, Throwable exception) {
			this.transportError = exception;
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			this.closed.complete(status);
		}

		@Override
		public boolean supportsPartialMessages() {
			return true;
		}

	}

	public static String utf8(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
