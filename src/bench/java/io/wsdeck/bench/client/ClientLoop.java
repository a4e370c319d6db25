package io.wsdeck.bench.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One thread and one selector serving many connections: the JDK's default selector is epoll on Linux. Each turn
 * handles the ready sockets, then the tasks other threads handed in, then writes every connection that sent
 * something during the turn.
 */
final class ClientLoop implements AutoCloseable {

	/** One read takes up to this much; a larger frame arrives over several reads. */
	private static final int READ_BUFFER_SIZE = 256 * 1024;

	private final Selector selector;

	private final Thread thread;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);

	private final Set<Connection> connections = new HashSet<>();

	private final List<Connection> toFlush = new ArrayList<>();

	private volatile boolean stopping;

	ClientLoop(String name) throws IOException {
		this.selector = Selector.open();
		this.thread = new Thread(this::run, name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/** Runs {@code task} on this loop's thread. */
	void execute(Runnable task) {
		this.tasks.add(task);
		this.selector.wakeup();
	}

	<T> CompletableFuture<T> call(Callable<T> task) {
		CompletableFuture<T> result = new CompletableFuture<>();
		execute(() -> {
			try {
				result.complete(task.call());
			}
			catch (Exception ex) {
				result.completeExceptionally(ex);
			}
		});
		return result;
	}

	void connect(InetSocketAddress address, InetAddress from, Handshake handshake, ConnectionListener listener) {
		Runnable open = () -> {
			if (this.stopping) {
				return; // a listener reconnecting while the loop closes its connections
			}
			Connection connection = new Connection(this, handshake, listener);
			this.connections.add(connection);
			connection.start(address, from);
		};
		if (Thread.currentThread() == this.thread) {
			open.run();
		}
		else {
			execute(open);
		}
	}

	/** The connections whose upgrade has succeeded and that are not closed yet (loop thread only). */
	int openCount() {
		return (int) this.connections.stream().filter(Connection::isOpen).count();
	}

	/** Starts the close handshake on every open connection (loop thread only). */
	void sendCloseToAll() {
		new ArrayList<>(this.connections).forEach(Connection::sendClose);
	}

	SelectionKey register(SocketChannel channel, Connection connection) throws IOException {
		return channel.register(this.selector, SelectionKey.OP_CONNECT, connection);
	}

	void flushLater(Connection connection) {
		if (!connection.flushScheduled) {
			connection.flushScheduled = true;
			this.toFlush.add(connection);
		}
	}

	void forget(Connection connection) {
		this.connections.remove(connection);
	}

	private void run() {
		try {
			while (!this.stopping) {
				this.selector.select(this::handle, 100);
				for (Runnable task = this.tasks.poll(); task != null; task = this.tasks.poll()) {
					try {
						task.run();
					}
					catch (RuntimeException ex) {
						System.err.println(this.thread.getName() + ": a task failed: " + ex);
					}
				}
				for (int i = 0; i < this.toFlush.size(); i++) {
					Connection connection = this.toFlush.get(i);
					try {
						connection.flush();
					}
					catch (IOException | RuntimeException ex) {
						connection.end(ex);
					}
				}
				this.toFlush.clear();
			}
		}
		catch (IOException | ClosedSelectorException ex) {
			System.err.println(this.thread.getName() + " stopped: " + ex);
		}
		finally {
			new ArrayList<>(this.connections).forEach(Connection::close);
			try {
				this.selector.close();
			}
			catch (IOException ex) {
				// stopping anyway
			}
		}
	}

	private void handle(SelectionKey key) {
		Connection connection = (Connection) key.attachment();
		try {
			if (key.isValid() && key.isConnectable()) {
				connection.onConnectable();
			}
			if (key.isValid() && key.isReadable()) {
				connection.onReadable(this.readBuffer);
			}
			if (key.isValid() && key.isWritable()) {
				connection.flush();
			}
		}
		catch (IOException | RuntimeException ex) {
			connection.end(ex);
		}
	}

	/** Stops the thread, which closes every connection it still has; waits for it at most 10 s. */
	@Override
	public void close() throws InterruptedException {
		this.stopping = true;
		this.selector.wakeup();
		this.thread.join(TimeUnit.SECONDS.toMillis(10));
	}

	boolean awaitNoConnections(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				if (call(this.connections::isEmpty).get(1, TimeUnit.SECONDS)) {
					return true;
				}
			}
			catch (Exception ex) {
				return false;
			}
			Thread.sleep(50);
		}
		return false;
	}

}
