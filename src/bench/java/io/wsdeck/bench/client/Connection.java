package io.wsdeck.bench.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

import io.wsdeck.support.RawFrame;

/**
 * One client WebSocket connection on a non-blocking socket, driven by its {@link ClientLoop}: connect, upgrade,
 * then frames. Sends are gathered and written once per turn of the loop, so a burst of echoes costs one system
 * call. Answers pings with pongs and the server's close frame with its own, as RFC 6455 5.5 asks. All methods run
 * on the loop thread.
 */
public final class Connection implements FrameReader.Sink {

	private enum State {

		CONNECTING, UPGRADING, OPEN, CLOSED

	}

	/** Small frames are copied into {@link #out}; larger ones are queued as they are (a 10 MB frame). */
	private static final int COPY_LIMIT = 64 * 1024;

	private final ClientLoop loop;

	private final Handshake handshake;

	private final ConnectionListener listener;

	private final FrameReader reader = new FrameReader();

	private final ArrayDeque<ByteBuffer> queued = new ArrayDeque<>();

	private SocketChannel channel;

	private SelectionKey key;

	private State state = State.CONNECTING;

	/** Bytes to write, in write mode (position = end of the pending bytes). */
	private ByteBuffer out = ByteBuffer.allocate(1024);

	/** Unconsumed bytes from the last read (an incomplete header), or {@code null}. */
	private ByteBuffer carry;

	private boolean upgraded;

	private boolean closeSent;

	private int closeCode = -1;

	private String extensions = "";

	/** Inflates compressed messages once the server has agreed to permessage-deflate, else {@code null}. */
	private MessageInflater inflater;

	boolean flushScheduled;

	Connection(ClientLoop loop, Handshake handshake, ConnectionListener listener) {
		this.loop = loop;
		this.handshake = handshake;
		this.listener = listener;
	}

	ClientLoop loop() {
		return this.loop;
	}

	/** The {@code Sec-WebSocket-Extensions} the server answered with, "" for none. */
	public String extensions() {
		return this.extensions;
	}

	/** The code of the server's close frame, or -1 if none arrived. */
	public int closeCode() {
		return this.closeCode;
	}

	/** Whether the server accepted the upgrade (the connection may have ended since). */
	public boolean upgraded() {
		return this.upgraded;
	}

	public boolean isOpen() {
		return this.state == State.OPEN;
	}

	/** Queues a whole frame (from {@link Frames}) for the end of this turn of the loop. */
	public void send(ByteBuffer frame) {
		if (this.state == State.CLOSED) {
			return;
		}
		if (this.queued.isEmpty() && frame.remaining() <= COPY_LIMIT) {
			if (frame.remaining() > this.out.remaining()) {
				int capacity = Math.max(this.out.capacity() * 2, this.out.position() + frame.remaining());
				this.out = ByteBuffer.allocate(capacity).put(this.out.flip());
			}
			this.out.put(frame.duplicate());
		}
		else {
			this.queued.add(frame.duplicate());
		}
		this.loop.flushLater(this);
	}

	/** Starts the close handshake; the connection ends when the server's close frame arrives. */
	public void sendClose() {
		if (this.state == State.OPEN && !this.closeSent) {
			this.closeSent = true;
			send(Frames.CLOSE_NORMAL);
		}
	}

	/** Closes the socket at once. */
	public void close() {
		end(null);
	}

	void start(InetSocketAddress address, InetAddress from) {
		try {
			this.channel = SocketChannel.open();
			this.channel.configureBlocking(false);
			this.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			if (from != null) {
				this.channel.bind(new InetSocketAddress(from, 0));
			}
			this.key = this.loop.register(this.channel, this);
			if (this.channel.connect(address)) {
				onConnectable();
			}
		}
		catch (IOException | RuntimeException ex) {
			end(ex);
		}
	}

	void onConnectable() throws IOException {
		if (!this.channel.finishConnect()) {
			return;
		}
		this.state = State.UPGRADING;
		this.key.interestOps(SelectionKey.OP_READ);
		send(this.handshake.request());
	}

	void onReadable(ByteBuffer buffer) throws IOException {
		buffer.clear();
		if (this.carry != null) {
			buffer.put(this.carry);
			this.carry = null;
		}
		int n = this.channel.read(buffer);
		buffer.flip();
		if (this.state == State.UPGRADING) {
			String negotiated = this.handshake.accept(buffer);
			if (negotiated != null) {
				this.extensions = negotiated;
				this.inflater = MessageInflater.negotiatedBy(negotiated);
				this.state = State.OPEN;
				this.upgraded = true;
				this.listener.onOpen(this);
			}
		}
		if (this.state == State.OPEN) {
			this.reader.read(buffer, this);
		}
		if (this.state != State.CLOSED && buffer.hasRemaining()) {
			this.carry = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
		}
		if (n < 0 && this.state != State.CLOSED) {
			end(new EOFException("the server ended the connection without a close frame"));
		}
	}

	@Override
	public void payload(ByteBuffer piece, boolean compressed) throws IOException {
		if (this.state != State.OPEN) {
			return;
		}
		if (compressed) {
			inflater().inflate(piece, inflated -> this.listener.onPayload(this, inflated));
		}
		else {
			this.listener.onPayload(this, piece);
		}
	}

	@Override
	public void messageEnd(int opcode, long length, boolean compressed) throws IOException {
		if (this.state != State.OPEN) {
			return;
		}
		long messageLength = compressed ? inflater().end(inflated -> this.listener.onPayload(this, inflated))
				: length;
		this.listener.onMessage(this, opcode, messageLength);
	}

	private MessageInflater inflater() throws IOException {
		if (this.inflater == null) {
			throw new IOException("a compressed message (RSV1) without permessage-deflate agreed (RFC 6455 5.2)");
		}
		return this.inflater;
	}

	@Override
	public void control(int opcode, ByteBuffer payload) throws IOException {
		if (opcode == RawFrame.PING) {
			send(Frames.pong(payload));
		}
		else if (opcode == RawFrame.CLOSE) {
			this.closeCode = (payload.remaining() >= 2) ? (payload.getShort(payload.position()) & 0xFFFF)
					: RawFrame.Close.NO_STATUS_RECEIVED;
			if (!this.closeSent) {
				// the server began the close: answer it (RFC 6455 5.5.1) before closing the socket
				this.closeSent = true;
				this.out.clear();
				this.queued.clear();
				this.out.put((this.closeCode == RawFrame.Close.NO_STATUS_RECEIVED) ? Frames.CLOSE_NORMAL.duplicate()
						: Frames.close(this.closeCode));
				flush();
			}
			end(null);
		}
	}

	/** Writes what is pending, as far as the socket takes it; asks for OP_WRITE while anything is left. */
	void flush() throws IOException {
		this.flushScheduled = false;
		if (this.state == State.CLOSED) {
			return;
		}
		this.out.flip();
		try {
			while (this.out.hasRemaining() && this.channel.write(this.out) > 0) {
				// the socket took some; offer the rest
			}
		}
		finally {
			this.out.compact();
		}
		while (this.out.position() == 0 && !this.queued.isEmpty()) {
			ByteBuffer head = this.queued.peek();
			this.channel.write(head);
			if (head.hasRemaining()) {
				break;
			}
			this.queued.poll();
		}
		boolean pending = this.out.position() > 0 || !this.queued.isEmpty();
		int interest = SelectionKey.OP_READ | (pending ? SelectionKey.OP_WRITE : 0);
		if (this.key.interestOps() != interest) {
			this.key.interestOps(interest);
		}
	}

	/** Ends the connection once: closes the socket and tells the listener. */
	void end(Throwable cause) {
		if (this.state == State.CLOSED) {
			return;
		}
		this.state = State.CLOSED;
		this.carry = null;
		this.queued.clear();
		if (this.inflater != null) {
			this.inflater.close();
		}
		try {
			if (this.channel != null) {
				this.channel.close();
			}
		}
		catch (IOException ex) {
			// closing: nothing left to do
		}
		this.loop.forget(this);
		this.listener.onClosed(this, cause);
	}

}
