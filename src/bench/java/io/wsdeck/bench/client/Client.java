package io.wsdeck.bench.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load client: a few {@link ClientLoop}s (one thread each), connections spread over them in turn. Closing it
 * stops the threads and closes every socket; after that, whatever the listeners counted may be read from any
 * thread (the threads' end happens-before {@link #close()} returns).
 */
public final class Client implements AutoCloseable {

	private final List<ClientLoop> loops = new ArrayList<>();

	private final AtomicInteger next = new AtomicInteger();

	public Client(int threads) throws IOException {
		for (int i = 0; i < threads; i++) {
			this.loops.add(new ClientLoop("bench-client-" + i));
		}
	}

	/** Opens a connection to {@code ws://address/path}; the listener hears of it on the loop's thread. */
	public void connect(InetSocketAddress address, String path, boolean offerDeflate, ConnectionListener listener) {
		connect(address, path, offerDeflate, null, listener);
	}

	/**
	 * The same from a chosen source address ({@code null}: the system's choice). One source address reaches one
	 * server address with at most as many connections as there are ephemeral ports; other loopback addresses
	 * (127.0.0.2, ...) give more.
	 */
	public void connect(InetSocketAddress address, String path, boolean offerDeflate, InetAddress from,
			ConnectionListener listener) {
		loop().connect(address, from, new Handshake(address, path, offerDeflate), listener);
	}

	/** Runs {@code task} on the connection's loop thread. */
	public void execute(Connection connection, Runnable task) {
		connection.loop().execute(task);
	}

	/** Connections open right now, over all loops. */
	public int openCount() throws Exception {
		int open = 0;
		for (ClientLoop loop : this.loops) {
			open += loop.call(loop::openCount).get(10, TimeUnit.SECONDS);
		}
		return open;
	}

	/**
	 * Starts the close handshake on every open connection and waits, at most {@code grace}, for the servers'
	 * answers; {@link #close()} then closes whatever is left.
	 */
	public void closeGracefully(Duration grace) throws InterruptedException {
		this.loops.forEach(loop -> loop.execute(loop::sendCloseToAll));
		long deadline = System.nanoTime() + grace.toNanos();
		for (ClientLoop loop : this.loops) {
			loop.awaitNoConnections(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		}
	}

	@Override
	public void close() throws InterruptedException {
		for (ClientLoop loop : this.loops) {
			loop.close();
		}
	}

	private ClientLoop loop() {
		return this.loops.get(Math.floorMod(this.next.getAndIncrement(), this.loops.size()));
	}

}
