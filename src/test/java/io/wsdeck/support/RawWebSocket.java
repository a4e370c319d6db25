package io.wsdeck.support;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A WebSocket client on a plain TCP socket to loopback, for tests that must see (or send) exactly what is on the
 * wire: a client library would hide a bad handshake answer, a masked server frame or a re-fragmented echo, and
 * refuses to send unmasked frames, reserved bits or unknown opcodes.
 * <pre>
 * try (RawWebSocket ws = RawWebSocket.open(port, "/ws")) {          // valid upgrade, 101 and accept checked
 *     ws.sendText("hello");                                          // masked, as a client must
 *     assertThat(ws.readMessage().text()).isEqualTo("hello");
 *     ws.send(RawFrame.text("x").withRsv2(true));                   // anything RFC 6455 forbids
 *     assertThat(ws.readClose().code()).isEqualTo(1002);
 * }
 * </pre>
 * {@link #readFrame()} returns every frame as it came; {@link #readMessage()} and {@link #readClose()} read as a
 * strict client, failing on what a conforming client must reject. Every read waits at most the connection's
 * timeout ({@value #DEFAULT_TIMEOUT_SECONDS} s unless set) and fails the test with what it was waiting for. To play
 * a slow consumer, set a small {@link Connector#receiveBufferSize} and simply stop reading. One thread per
 * connection; not thread-safe.
 */
public final class RawWebSocket implements Closeable {

	public static final int DEFAULT_TIMEOUT_SECONDS = 10;

	/** RFC 6455 section 1.3: appended to the client's key before hashing. */
	public static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	/** A larger length claim is taken as a framing error, not honoured with a giant allocation. */
	private static final long MAX_FRAME_PAYLOAD = 256L * 1024 * 1024;

	private final Socket socket;

	private final InputStream in;

	private final RawUpgradeRequest request;

	private final RawHttpResponse response;

	private Duration timeout;

	private boolean answerPings;

	/** Set when a read timed out inside a frame: later reads would parse payload bytes as headers. */
	private boolean outOfStep;

	private RawWebSocket(Socket socket, InputStream in, RawUpgradeRequest request, RawHttpResponse response,
			Duration timeout) throws IOException {
		this.socket = socket;
		this.in = in;
		this.request = request;
		this.response = response;
		this.timeout = timeout;
	}

	/** Sends {@code request} and reads the response, whatever its status: for tests of refused handshakes. */
	public static RawWebSocket connect(int port, RawUpgradeRequest request) throws IOException {
		return connector().connect(port, request);
	}

	/** A valid upgrade to {@code target} (e.g. {@code /ws?tick=50}), failing unless it is correctly accepted. */
	public static RawWebSocket open(int port, String target) throws IOException {
		return connector().open(port, target);
	}

	/** For socket options that must be set before connecting, and the timeout. */
	public static Connector connector() {
		return new Connector();
	}

	/** RFC 6455 section 4.2.2: base64 of the SHA-1 of the key followed by {@link #ACCEPT_GUID}. */
	public static String computeAccept(String key) {
		try {
			byte[] sha1 = MessageDigest.getInstance("SHA-1")
				.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
			return Base64.getEncoder().encodeToString(sha1);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-1", ex);
		}
	}

	public RawUpgradeRequest request() {
		return this.request;
	}

	public RawHttpResponse response() {
		return this.response;
	}

	/** The socket itself, e.g. to half-close it or to read its options. */
	public Socket socket() {
		return this.socket;
	}

	/** How long each read waits for the server. */
	public RawWebSocket timeout(Duration timeout) {
		this.timeout = timeout;
		return this;
	}

	/**
	 * Whether to answer each ping read with a pong of the same payload, as RFC 6455 5.5.2 requires of a live peer.
	 * Off by default, so a test sees every frame and can play a dead peer.
	 */
	public RawWebSocket answerPings(boolean answer) {
		this.answerPings = answer;
		return this;
	}

	/**
	 * Fails unless the response is a correct {@code 101}: {@code Upgrade: websocket}, {@code Connection: Upgrade}
	 * and the {@code Sec-WebSocket-Accept} derived from the key sent. Closes the socket when it fails.
	 */
	public RawWebSocket expectUpgraded() {
		String problem = null;
		if (!this.response.isUpgrade()) {
			problem = "status " + this.response.status();
		}
		else if (!this.response.hasToken("Upgrade", "websocket")) {
			problem = "Upgrade is not websocket";
		}
		else if (!this.response.hasToken("Connection", "upgrade")) {
			problem = "Connection does not include Upgrade";
		}
		else if (!computeAccept(this.request.key()).equals(this.response.header("Sec-WebSocket-Accept"))) {
			problem = "Sec-WebSocket-Accept is not " + computeAccept(this.request.key());
		}
		if (problem != null) {
			close();
			throw new AssertionError("expected a WebSocket upgrade of " + this.request.target() + " but " + problem
					+ "; the response was:\n" + this.response);
		}
		return this;
	}

	/**
	 * Reads the next message, which must be the text {@code expected} (an endpoint's greeting, say), so the next
	 * frame read is the test's own. Closes the socket when it is not.
	 */
	public RawWebSocket expectText(String expected) throws IOException {
		try {
			String text = readText();
			if (!text.equals(expected)) {
				throw new AssertionError("expected the text \"" + expected + "\" but got \"" + text + "\"");
			}
			return this;
		}
		catch (IOException | RuntimeException | Error ex) {
			close();
			throw ex;
		}
	}

	// ---------------------------------------------------------------- writing

	/** Writes the frames in one flush, exactly as they are (mask, reserved bits, opcode). */
	public void send(RawFrame... frames) throws IOException {
		send(List.of(frames));
	}

	public void send(List<RawFrame> frames) throws IOException {
		requireUpgraded();
		OutputStream buffered = new BufferedOutputStream(out(), 16 * 1024); // one per call: idle costs nothing
		for (RawFrame frame : frames) {
			frame.writeTo(buffered);
		}
		buffered.flush();
	}

	/**
	 * Writes the frames on a new thread and returns at once. An echo streams back while a large message is still
	 * arriving, so TCP buffers fill both ways: a test that wrote a 16 MiB message before reading would deadlock.
	 * Until the returned future completes, the calling thread may only read, with {@link #answerPings} off (an
	 * answer would write concurrently).
	 */
	public CompletableFuture<Void> sendInBackground(List<RawFrame> frames) {
		if (this.answerPings) {
			throw new IllegalStateException("answering pings writes from the reading thread; turn it off first");
		}
		CompletableFuture<Void> sent = new CompletableFuture<>();
		Thread writer = new Thread(() -> {
			try {
				send(frames);
				sent.complete(null);
			}
			catch (IOException | RuntimeException ex) {
				sent.completeExceptionally(ex);
			}
		}, "raw-websocket-writer");
		writer.setDaemon(true); // a test that fails mid-write must not keep the JVM alive
		writer.start();
		return sent;
	}

	/** Bytes as given, e.g. half a frame, a frame with a non-minimal length, or garbage. */
	public void sendRaw(byte[] bytes) throws IOException {
		OutputStream out = out();
		out.write(bytes);
		out.flush();
	}

	public void sendText(String text) throws IOException {
		send(RawFrame.text(text));
	}

	public void sendBinary(byte[] payload) throws IOException {
		send(RawFrame.binary(payload));
	}

	/** One message as {@code count} frames; see {@link RawFrame#fragments}. */
	public void sendFragmented(int opcode, byte[] payload, int count) throws IOException {
		send(RawFrame.fragments(opcode, payload, count));
	}

	public void sendPing(byte[] payload) throws IOException {
		send(RawFrame.ping(payload));
	}

	public void sendClose(int code, String reason) throws IOException {
		send(RawFrame.close(code, reason));
	}

	// ---------------------------------------------------------------- reading

	/** The next frame, whatever it is; fails if none arrives within the timeout. */
	public RawFrame readFrame() throws IOException {
		return readFrame(this.timeout);
	}

	public RawFrame readFrame(Duration wait) throws IOException {
		return pollFrame(wait).orElseThrow(() -> new AssertionError("no frame from the server within " + wait));
	}

	/** {@link #readFrame()}, failing on a masked frame: servers must not mask (RFC 6455 5.1). */
	private RawFrame readUnmaskedFrame() throws IOException {
		RawFrame frame = readFrame();
		if (frame.masked()) {
			throw new AssertionError("the server masked a frame, which RFC 6455 5.1 forbids: " + frame);
		}
		return frame;
	}

	/**
	 * The next frame, or empty if none starts within {@code wait}: for asserting that nothing arrives. A frame
	 * that starts but does not finish within the timeout fails the test.
	 * @throws EOFException if the server closed the TCP connection instead
	 */
	public Optional<RawFrame> pollFrame(Duration wait) throws IOException {
		requireUpgraded();
		if (this.outOfStep) {
			throw new IllegalStateException("an earlier read stopped inside a frame; the stream is out of step");
		}
		this.socket.setSoTimeout(Math.toIntExact(Math.max(1, wait.toMillis())));
		int first;
		try {
			first = this.in.read();
		}
		catch (SocketTimeoutException ex) {
			return Optional.empty();
		}
		if (first < 0) {
			throw new EOFException("the server closed the TCP connection (no further frame)");
		}
		try {
			RawFrame frame = readRestOfFrame(first);
			if (this.answerPings && frame.opcode() == RawFrame.PING) {
				send(RawFrame.pong(frame.payload()));
			}
			return Optional.of(frame);
		}
		catch (SocketTimeoutException ex) {
			this.outOfStep = true;
			throw new AssertionError("the server started a frame but did not finish it within " + wait, ex);
		}
	}

	private RawFrame readRestOfFrame(int first) throws IOException {
		DataInputStream data = new DataInputStream(this.in);
		int second = data.readUnsignedByte();
		long length = second & 0x7F;
		if (length == 126) {
			length = data.readUnsignedShort();
		}
		else if (length == 127) {
			length = data.readLong();
		}
		if (length < 0 || length > MAX_FRAME_PAYLOAD) {
			this.outOfStep = true;
			throw new AssertionError("the server's frame claims a payload of " + Long.toUnsignedString(length)
					+ " bytes (first bytes " + String.format("%02x %02x", first, second) + ")");
		}
		byte[] maskKey = null;
		if ((second & 0x80) != 0) {
			maskKey = new byte[4];
			data.readFully(maskKey);
		}
		byte[] payload = new byte[(int) length];
		data.readFully(payload);
		if (maskKey != null) {
			for (int i = 0; i < payload.length; i++) {
				payload[i] ^= maskKey[i & 3];
			}
		}
		return new RawFrame((first & 0x80) != 0, (first & 0x40) != 0, (first & 0x20) != 0, (first & 0x10) != 0,
				first & 0x0F, maskKey, payload);
	}

	/**
	 * The next data message, reassembled from its frames, read as a conforming client would: pings (answered if
	 * {@link #answerPings} is on) and pongs between its frames are skipped; a masked frame (RFC 6455 5.1), a close,
	 * a continuation without a start, a new message inside this one, or a reserved bit no extension gave a meaning
	 * fails the test.
	 */
	public Message readMessage() throws IOException {
		ByteArrayOutputStream payload = new ByteArrayOutputStream();
		RawFrame start = null;
		int frames = 0;
		while (true) {
			RawFrame frame = readUnmaskedFrame();
			if (frame.opcode() == RawFrame.CLOSE) {
				throw new AssertionError("expected a message" + (frames > 0 ? " (after " + frames + " frames)" : "")
						+ " but the server closed: " + frame.close());
			}
			requireMeaningfulReservedBits(frame);
			if (frame.isControl()) {
				continue;
			}
			if (start == null && frame.opcode() == RawFrame.CONTINUATION) {
				throw new AssertionError("continuation frame with no message started: " + frame);
			}
			if (start != null && frame.opcode() != RawFrame.CONTINUATION) {
				throw new AssertionError("new data frame inside a fragmented message (after " + frames + " frames): "
						+ frame);
			}
			if (start == null) {
				start = frame;
			}
			payload.write(frame.payload());
			frames++;
			if (frame.fin()) {
				return new Message(start.opcode(), payload.toByteArray(), frames, start.rsv1());
			}
		}
	}

	/**
	 * RFC 6455 5.2: a reserved bit may only be set when an extension defines it. The only one a server can
	 * negotiate here is permessage-deflate's RSV1, and RFC 7692 6.1 allows it on the first frame of a data message
	 * only.
	 */
	private void requireMeaningfulReservedBits(RawFrame frame) {
		String problem = null;
		if (frame.rsv2() || frame.rsv3()) {
			problem = "RSV2 or RSV3 set, which no extension here defines";
		}
		else if (frame.rsv1() && this.response.headerValues("Sec-WebSocket-Extensions").isEmpty()) {
			problem = "RSV1 set though no extension was negotiated";
		}
		else if (frame.rsv1() && (frame.isControl() || frame.opcode() == RawFrame.CONTINUATION)) {
			problem = "RSV1 set on a control frame or a continuation (RFC 7692 6.1: first data frame only)";
		}
		if (problem != null) {
			throw new AssertionError(problem + ": " + frame);
		}
	}

	/** The next message, which must be text. */
	public String readText() throws IOException {
		Message message = readMessage();
		if (message.opcode() != RawFrame.TEXT) {
			throw new AssertionError("expected a text message, got " + message);
		}
		return message.text();
	}

	/** The next frame other than ping and pong, which must be an unmasked close. */
	public RawFrame.Close readClose() throws IOException {
		while (true) {
			RawFrame frame = readUnmaskedFrame();
			if (frame.opcode() == RawFrame.CLOSE) {
				return frame.close();
			}
			if (!frame.isControl()) {
				throw new AssertionError("expected a close frame, got " + frame);
			}
		}
	}

	/** The close frame, discarding whatever data arrives before it (e.g. ticks queued for a slow reader). */
	public RawFrame.Close skipToClose() throws IOException {
		while (true) {
			RawFrame frame = readUnmaskedFrame();
			if (frame.opcode() == RawFrame.CLOSE) {
				return frame.close();
			}
		}
	}

	/**
	 * Sends a close and returns the server's answer (RFC 6455 5.5.1: it echoes a close), skipping data still in
	 * flight. The socket stays open, for {@link #awaitEndOfStream}.
	 */
	public RawFrame.Close closeHandshake(int code, String reason) throws IOException {
		sendClose(code, reason);
		return skipToClose();
	}

	/**
	 * Whether the server closes the TCP connection within {@code wait}; bytes arriving meanwhile are discarded.
	 * RFC 6455 7.1.1: after the close handshake the server closes TCP first.
	 */
	public boolean awaitEndOfStream(Duration wait) throws IOException {
		long deadline = System.nanoTime() + wait.toNanos();
		byte[] discard = new byte[4096];
		while (true) {
			long left = Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
			this.socket.setSoTimeout(Math.toIntExact(left));
			try {
				if (this.in.read(discard) < 0) {
					return true;
				}
			}
			catch (SocketTimeoutException ex) {
				return false;
			}
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
		}
	}

	/**
	 * Every frame the server still sends before it closes TCP, for asserting what it did after a close (often:
	 * nothing); fails if TCP is still open after {@code wait}.
	 */
	public List<RawFrame> readUntilEndOfStream(Duration wait) throws IOException {
		long deadline = System.nanoTime() + wait.toNanos();
		List<RawFrame> frames = new ArrayList<>();
		while (true) {
			Duration left = Duration.ofNanos(deadline - System.nanoTime());
			Optional<RawFrame> frame;
			try {
				frame = left.isNegative() ? Optional.empty() : pollFrame(left);
			}
			catch (EOFException ex) {
				return frames;
			}
			if (frame.isEmpty()) {
				throw new AssertionError("the server did not close TCP within " + wait + "; frames meanwhile: " + frames);
			}
			frames.add(frame.get());
		}
	}

	/** Closes the TCP connection, with no close frame unless one was sent. */
	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing a socket the server already dropped: nothing left to release
		}
	}

	/** Asked for at each write, so a client can be made of a socket whose sending side is shut down already. */
	private OutputStream out() throws IOException {
		return this.socket.getOutputStream();
	}

	private void requireUpgraded() {
		if (!this.response.isUpgrade()) {
			throw new IllegalStateException("no WebSocket on this connection; the handshake got:\n" + this.response);
		}
	}

	/**
	 * A whole data message.
	 * @param opcode {@link RawFrame#TEXT}, {@link RawFrame#BINARY} or a reserved data opcode
	 * @param payload every frame's payload, in order
	 * @param frames how many frames carried it
	 * @param compressed whether its first frame had RSV1 (permessage-deflate; the payload is still compressed)
	 */
	public record Message(int opcode, byte[] payload, int frames, boolean compressed) {

		/** The payload as UTF-8, failing on invalid sequences. */
		public String text() {
			return RawFrame.strictUtf8(this.payload);
		}

		@Override
		public String toString() {
			return RawFrame.opcodeName(this.opcode) + " message, " + this.payload.length + " B in " + this.frames
					+ " frame(s)" + (this.compressed ? ", compressed" : "") + ": " + RawFrame.hex(this.payload, 32);
		}

	}

	/** Connection settings; every option has a default, so {@code connector().connect(...)} just works. */
	public static final class Connector {

		private int receiveBufferSize;

		private int inputBufferSize = 8 * 1024;

		private Duration timeout = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);

		private Connector() {
		}

		/**
		 * The socket's receive buffer ({@code SO_RCVBUF}), set before connecting so the TCP window is sized by it.
		 * A small one plus not reading makes a slow consumer whose backlog piles up in the server.
		 */
		public Connector receiveBufferSize(int bytes) {
			this.receiveBufferSize = bytes;
			return this;
		}

		/** The client's read buffer in the heap; make it small when a test holds many connections. */
		public Connector inputBufferSize(int bytes) {
			this.inputBufferSize = bytes;
			return this;
		}

		/** How long connecting, the handshake and each later read may take. */
		public Connector timeout(Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		public RawWebSocket connect(int port, RawUpgradeRequest request) throws IOException {
			InetAddress loopback = InetAddress.getByName("127.0.0.1");
			Socket socket = new Socket();
			try {
				if (this.receiveBufferSize > 0) {
					socket.setReceiveBufferSize(this.receiveBufferSize);
				}
				socket.setTcpNoDelay(true);
				int millis = Math.toIntExact(this.timeout.toMillis());
				socket.connect(new InetSocketAddress(loopback, port), millis);
				socket.setSoTimeout(millis);
				OutputStream out = socket.getOutputStream();
				out.write(request.toBytes("127.0.0.1:" + port));
				out.flush();
			}
			catch (IOException | RuntimeException | Error ex) {
				socket.close();
				throw ex;
			}
			return answered(socket, request);
		}

		/**
		 * Reads the answer to {@code request}, which the caller has written on {@code socket} itself: over TLS, say,
		 * or followed by a half-close. The client returned owns the socket; it is closed if reading fails.
		 */
		public RawWebSocket answered(Socket socket, RawUpgradeRequest request) throws IOException {
			try {
				socket.setSoTimeout(Math.toIntExact(this.timeout.toMillis()));
				InputStream in = new BufferedInputStream(socket.getInputStream(), this.inputBufferSize);
				RawHttpResponse response = RawHttpResponse.read(in, request.method());
				return new RawWebSocket(socket, in, request, response, this.timeout);
			}
			catch (IOException | RuntimeException | Error ex) {
				socket.close();
				throw ex;
			}
		}

		public RawWebSocket open(int port, String target) throws IOException {
			return connect(port, RawUpgradeRequest.to(target)).expectUpgraded();
		}

	}

}
