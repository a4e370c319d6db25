package io.wsdeck.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar ({@code target/wsdeck-*.jar}, so only in integration tests that run after {@code package}) in a
 * child JVM on a free loopback port, started from a directory of the test's choosing, its output in
 * {@code wsdeck.out} there.
 */
public record PackagedJar(Process process, int port, Path output) implements AutoCloseable {

	private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

	/** Starts the jar and waits until Tomcat listens. */
	public static PackagedJar start(Path directory, List<String> jvmArgs, String... args) throws IOException {
		Process process = command(directory, jvmArgs, args).start();
		Path out = directory.resolve("wsdeck.out");
		int[] port = new int[1];
		await().atMost(Duration.ofSeconds(90)).until(() -> {
			assertThat(process.isAlive()).as("wsdeck is running; its output:%n%s", read(out)).isTrue();
			Matcher matcher = STARTED.matcher(read(out));
			if (matcher.find()) {
				port[0] = Integer.parseInt(matcher.group(1));
				return true;
			}
			return false;
		});
		return new PackagedJar(process, port[0], out);
	}

	public static PackagedJar start(Path directory, String... args) throws IOException {
		return start(directory, List.of(), args);
	}

	/** The command line, not started: for tests that expect the jar to stop by itself. */
	public static ProcessBuilder command(Path directory, List<String> jvmArgs, String... args) {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(jvmArgs);
		command.add("-jar");
		command.add(jar().getAbsolutePath());
		command.add("--server.port=0");
		command.add("--server.address=127.0.0.1");
		command.addAll(List.of(args));
		return new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("wsdeck.out").toFile());
	}

	public static File jar() {
		File[] jars = new File("target").listFiles((dir, name) -> name.matches("wsdeck-.*\\.jar"));
		assertThat(jars).as("the packaged jar in target/ (run through mvn verify)").hasSize(1);
		return jars[0];
	}

	public String outputText() throws IOException {
		return read(this.output);
	}

	private static String read(Path out) throws IOException {
		return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
