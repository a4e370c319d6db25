package io.wsdeck.bench.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Node ws peer ({@code node-echo.js}): the popular choice outside the JVM. Installed for each run with npm into
 * a temporary folder, which {@link #close()} removes.
 */
public record NodeWs(Path folder, String nodeVersion, String wsVersion) implements Server {

	private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");

	/**
	 * Installs {@code ws@8} into a new temporary folder, next to the echo script.
	 * @return empty, with the reason on {@code System.out}, when node or npm is missing or the install fails
	 */
	public static Optional<NodeWs> install() throws IOException, InterruptedException {
		Optional<String> node = run(List.of("node", "--version"), Path.of("."), 30);
		Optional<String> npm = run(List.of("npm", "--version"), Path.of("."), 30);
		if (node.isEmpty() || npm.isEmpty()) {
			System.out.println("# node: skipped, " + (node.isEmpty() ? "node" : "npm")
					+ " is not on the PATH (install Node.js 18+ with npm to compare with Node ws)");
			return Optional.empty();
		}
		Path folder = Files.createTempDirectory("wsdeck-bench-node-");
		try (InputStream script = NodeWs.class.getResourceAsStream("node-echo.js")) {
			Files.copy(script, folder.resolve("node-echo.js"));
		}
		Optional<String> installed = run(
				List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "ws@8"), folder, 300);
		Path wsPackage = folder.resolve("node_modules/ws/package.json");
		if (installed.isEmpty() || !Files.exists(wsPackage)) {
			System.out.println("# node: skipped, `npm install ws@8` failed in " + folder);
			delete(folder);
			return Optional.empty();
		}
		Matcher version = VERSION.matcher(Files.readString(wsPackage));
		return Optional.of(new NodeWs(folder, node.get().trim(), version.find() ? version.group(1) : "?"));
	}

	@Override
	public String name() {
		return "node";
	}

	@Override
	public String description() {
		return "node: Node " + this.nodeVersion + ", ws " + this.wsVersion + ", defaults (no compression)";
	}

	@Override
	public List<String> command(int port) {
		return List.of("node", "node-echo.js", Integer.toString(port));
	}

	@Override
	public Path workingDirectory() {
		return this.folder;
	}

	@Override
	public boolean isJvm() {
		return false;
	}

	/** ws servers leave permessage-deflate off unless configured. */
	@Override
	public boolean negotiatesDeflate() {
		return false;
	}

	@Override
	public void close() throws IOException {
		delete(this.folder);
	}

	/** Runs a command to its end (at most {@code timeoutSeconds}); its output if it exited with 0. */
	private static Optional<String> run(List<String> command, Path directory, long timeoutSeconds)
			throws InterruptedException {
		try {
			Path output = Files.createTempFile("wsdeck-bench-", ".out");
			try {
				Process process = new ProcessBuilder(new ArrayList<>(command)).directory(directory.toFile())
					.redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
					process.destroyForcibly();
					return Optional.empty();
				}
				String text = Files.readString(output, StandardCharsets.UTF_8);
				if (process.exitValue() != 0) {
					System.out.println("# `" + String.join(" ", command) + "` failed:\n" + text);
					return Optional.empty();
				}
				return Optional.of(text);
			}
			finally {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private static void delete(Path folder) throws IOException {
		try (Stream<Path> paths = Files.walk(folder)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

}
