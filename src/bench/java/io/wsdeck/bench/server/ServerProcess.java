package io.wsdeck.bench.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.wsdeck.bench.client.Frames;
import io.wsdeck.support.RawWebSocket;

/**
 * A server running as a child process. Stopped by its PID: SIGTERM, then SIGKILL if it has not exited within 15
 * s. A shutdown hook stops every one still running, so none outlives the benchmark, whether it ends normally, fails
 * or is interrupted.
 */
public final class ServerProcess implements AutoCloseable {

	private static final Set<ServerProcess> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(ServerProcess::stopAll, "stop-servers"));
	}

	private final String name;

	private final Process process;

	private final Path log;

	private ServerProcess(String name, Process process, Path log) {
		this.name = name;
		this.process = process;
		this.log = log;
	}

	static ServerProcess start(String name, List<String> command, Path directory, Path log) throws IOException {
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		ServerProcess server = new ServerProcess(name, process, log);
		RUNNING.add(server);
		return server;
	}

	public long pid() {
		return this.process.pid();
	}

	/** Waits until a WebSocket handshake on {@code path} succeeds; fails early if the process exits. */
	public void awaitReady(InetSocketAddress address, String path, Duration timeout)
			throws IOException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IOException(this.name + " exited with " + this.process.exitValue() + "; its output ends:\n"
						+ logTail());
			}
			try (RawWebSocket probe = RawWebSocket.connector()
				.timeout(Duration.ofSeconds(2))
				.open(address.getPort(), path)) {
				probe.sendClose(Frames.NORMAL_CLOSURE, "");
				return;
			}
			catch (IOException | AssertionError notYet) {
				// not listening yet, or not upgrading yet
			}
			Thread.sleep(200);
		}
		throw new IOException(this.name + " did not answer a handshake on " + path + " within " + timeout.toSeconds()
				+ " s; its output ends:\n" + logTail());
	}

	/** The last lines of the server's output, to say why it failed. */
	public String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
		}
		catch (IOException | RuntimeException ex) {
			return "(no output: " + ex + ")";
		}
	}

	@Override
	public void close() {
		stop(this);
		RUNNING.remove(this);
	}

	public static void stopAll() {
		RUNNING.forEach(ServerProcess::stop);
		RUNNING.clear();
	}

	private static void stop(ServerProcess server) {
		Process process = server.process;
		try {
			process.destroy();
			if (!process.waitFor(15, TimeUnit.SECONDS)) {
				System.err.println(server.name + " (pid " + process.pid() + ") ignored SIGTERM for 15 s: killing it");
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	/** A loopback port free right now (the server binds it a moment later; a clash shows as a failed start). */
	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
