package io.wsdeck.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Debian's nginx ({@code /usr/sbin/nginx}) run by a test as a child process, in the foreground, with everything it
 * writes (pid, logs, temporary files) in a directory of the test's own: nothing under {@code /etc} or
 * {@code /var} is read or written, so it also runs as a user other than root. {@link ExternalProgram}'s rule
 * applies where it is missing (skip locally, fail on CI). Closing it stops nginx and waits for it.
 */
public final class Nginx implements AutoCloseable {

	public static final Path NGINX = Path.of("/usr/sbin/nginx");

	private static final Duration STARTUP = Duration.ofSeconds(20);

	private final Process process;

	private final Path prefix;

	private Nginx(Process process, Path prefix) {
		this.process = process;
		this.prefix = prefix;
	}

	/** A free loopback port for nginx to listen on (free when asked; nginx binds it moments later). */
	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Checks {@code serverConfiguration} with {@code nginx -t}, then starts nginx with it and waits until
	 * {@code port} accepts connections.
	 * @param prefix a directory of the test's own for nginx's files
	 * @param serverConfiguration what goes in nginx's {@code http} block ({@code server}, {@code map} …)
	 * @param port the loopback port the configuration listens on
	 */
	public static Nginx start(Path prefix, String serverConfiguration, int port) throws IOException, InterruptedException {
		ExternalProgram.require(NGINX, "nginx", "apt-get install -y nginx");
		Path site = Files.writeString(prefix.resolve("site.conf"), serverConfiguration);
		Path main = Files.writeString(prefix.resolve("nginx.conf"), mainConfiguration(prefix, site));
		List<String> command = command(prefix, main);
		Process check = new ProcessBuilder(concat(command, "-t")).redirectErrorStream(true).start();
		String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
			throw new AssertionError("nginx -t refused the configuration:\n" + checked + "\n" + serverConfiguration);
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(prefix.resolve("output.log").toFile())
			.start();
		Nginx nginx = new Nginx(process, prefix);
		try {
			await().atMost(STARTUP).until(() -> {
				if (!process.isAlive()) {
					throw new AssertionError("nginx exited with " + process.exitValue() + ":\n" + nginx.errorLog());
				}
				return accepts(port);
			});
		}
		catch (RuntimeException | Error ex) {
			nginx.close();
			throw ex;
		}
		return nginx;
	}

	private static List<String> command(Path prefix, Path main) {
		// -e: the error log before the configuration is read (the built-in one is under /var/log)
		return List.of(NGINX.toString(), "-p", prefix.toString(), "-e", prefix.resolve("error.log").toString(), "-c",
				main.toString(), "-g", "daemon off;");
	}

	private static String mainConfiguration(Path prefix, Path site) {
		return """
				worker_processes 1;
				%3$s
				pid %1$s/nginx.pid;
				error_log %1$s/error.log info;
				events {
				    worker_connections 256;
				}
				http {
				    access_log %1$s/access.log;
				    client_body_temp_path %1$s/client_body;
				    proxy_temp_path %1$s/proxy;
				    fastcgi_temp_path %1$s/fastcgi;
				    uwsgi_temp_path %1$s/uwsgi;
				    scgi_temp_path %1$s/scgi;
				    include %2$s;
				}
				""".formatted(prefix, site, workerUser());
	}

	/**
	 * Started by root, nginx runs its worker as {@code nobody}, which may not write the temporary files (a request
	 * body over 16 KB) in the test's directory; as anyone else, it runs the worker as itself.
	 */
	private static String workerUser() {
		return "root".equals(System.getProperty("user.name")) ? "user root;" : "";
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static List<String> concat(List<String> command, String argument) {
		List<String> all = new ArrayList<>(command);
		all.add(argument);
		return all;
	}

	/** nginx's error log so far, to explain a failure. */
	public String errorLog() {
		try {
			Path log = this.prefix.resolve("error.log");
			return Files.exists(log) ? Files.readString(log) : "(no error log)";
		}
		catch (IOException ex) {
			return "(error log unreadable: " + ex.getMessage() + ")";
		}
	}

	/** SIGTERM (nginx's fast shutdown, which also stops its worker), then waits; forcibly if it will not stop. */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.descendants().forEach(ProcessHandle::destroyForcibly);
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
