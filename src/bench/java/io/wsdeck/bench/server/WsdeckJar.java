package io.wsdeck.bench.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * wsdeck as a user runs it: the packaged jar with its packaged defaults (limits, metrics, heartbeats, INFO logging
 * of every session), started from an empty directory so no local {@code application.yml} changes them.
 * @param textPath the endpoint for the text measurements ({@code /ws/text} unless {@code BENCH_WSDECK_PATH} says)
 * @param textGreetings the messages that endpoint sends a client first (its greeting)
 */
public record WsdeckJar(Path java, Path jar, List<String> jvmOptions, Path workingDirectory, String textPath,
		int textGreetings) implements Server {

	/** The one {@code wsdeck-*.jar} in {@code target}, built by the package phase. */
	public static Path findJar(Path target) throws IOException {
		try (Stream<Path> files = Files.list(target)) {
			List<Path> jars = files.filter(p -> p.getFileName().toString().matches("wsdeck-.*\\.jar")).toList();
			if (jars.size() != 1) {
				throw new IOException("expected one wsdeck-*.jar in " + target + ", found " + jars
						+ " (the package phase builds it)");
			}
			return jars.get(0);
		}
	}

	@Override
	public String name() {
		return "wsdeck";
	}

	@Override
	public String description() {
		return "wsdeck: " + this.jar.getFileName() + ", packaged defaults, text on " + this.textPath;
	}

	@Override
	public List<String> command(int port) {
		List<String> command = new ArrayList<>();
		command.add(this.java.toString());
		command.addAll(this.jvmOptions);
		command.add("-jar");
		command.add(this.jar.toAbsolutePath().toString());
		command.add("--server.port=" + port);
		command.add("--server.address=127.0.0.1");
		return command;
	}

	@Override
	public String binaryPath() {
		return "/ws/binary";
	}

	@Override
	public boolean isJvm() {
		return true;
	}

	@Override
	public boolean negotiatesDeflate() {
		return true;
	}

}
