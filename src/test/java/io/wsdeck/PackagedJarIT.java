package io.wsdeck;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The jar as an operator runs it: {@code java -jar} from a directory that is not the project, with the packaged
 * {@code application.yml} as defaults, and overrides from {@code ./application.yml} or an extra location.
 * Runs after {@code package} (failsafe), on the real artifact.
 */
class PackagedJarIT {

	private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

	@TempDir
	Path workDir;

	@Test
	void startsFromAnyDirectoryWithThePackagedDefaults() throws Exception {
		try (RunningJar jar = RunningJar.start(this.workDir)) {
			try (WsClient client = WsClient.connect(jar.port(), "/ws")) {
				assertThat(client.nextText()).isEqualTo("world");
			}
		}
	}

	@Test
	void applicationYmlInTheWorkingDirectoryOverridesTheDefaults() throws Exception {
		Files.writeString(this.workDir.resolve("application.yml"), "wsdeck:\n  echo:\n    greeting: hello from ./application.yml\n");
		try (RunningJar jar = RunningJar.start(this.workDir)) {
			try (WsClient client = WsClient.connect(jar.port(), "/ws/text")) {
				assertThat(client.nextText()).isEqualTo("hello from ./application.yml");
				client.sendText("and the other defaults still apply");
				assertThat(client.nextText()).isEqualTo("and the other defaults still apply");
			}
		}
	}

	@Test
	void additionalLocationOverridesTheDefaults() throws Exception {
		Path extra = Files.writeString(this.workDir.resolve("extra.yml"), "wsdeck.echo.greeting: from extra.yml\n");
		try (RunningJar jar = RunningJar.start(this.workDir, "--spring.config.additional-location=" + extra)) {
			try (WsClient client = WsClient.connect(jar.port(), "/ws")) {
				assertThat(client.nextText()).isEqualTo("from extra.yml");
			}
		}
	}

	@Test
	void sigtermClosesEverySessionWith1001AndExitsZeroWithinTheShutdownTimeout() throws Exception {
		RunningJar jar = RunningJar.start(this.workDir, "--wsdeck.shutdown.timeout=5s");
		try (WsClient client = WsClient.connect(jar.port(), "/ws?tick=100")) {
			assertThat(client.nextText()).isEqualTo("world");
			long start = System.nanoTime();
			jar.process().destroy(); // SIGTERM, as a service manager stops a server

			org.springframework.web.socket.CloseStatus status = client.awaitClose();
			assertThat(status.getCode()).isEqualTo(1001);
			assertThat(status.getReason()).isEqualTo("server shutting down");
			assertThat(jar.process().waitFor(10, TimeUnit.SECONDS)).as("exited within 10 s").isTrue();
			assertThat(jar.process().exitValue()).isZero();
			assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
		}
		finally {
			jar.close();
		}
	}

	@Test
	void badConfigurationStopsStartupNamingTheProperty() throws Exception {
		Process process = RunningJar.command(this.workDir, "--wsdeck.limits.max-message-size=64MB").start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits on its own").isTrue();
		assertThat(process.exitValue()).isNotZero();
		assertThat(Files.readString(this.workDir.resolve("wsdeck.out")))
			.contains("wsdeck.outbound.send-buffer-limit must be larger than wsdeck.limits.max-message-size");
	}

	/** The packaged jar in a child JVM on a free port, its output in {@code wsdeck.out} of its directory. */
	private record RunningJar(Process process, int port) implements AutoCloseable {

		static RunningJar start(Path directory, String... args) throws IOException {
			Process process = command(directory, args).start();
			Path out = directory.resolve("wsdeck.out");
			int[] port = new int[1];
			await().atMost(java.time.Duration.ofSeconds(90)).until(() -> {
				assertThat(process.isAlive()).as("wsdeck is running; its output:%n%s", read(out)).isTrue();
				Matcher matcher = STARTED.matcher(read(out));
				if (matcher.find()) {
					port[0] = Integer.parseInt(matcher.group(1));
					return true;
				}
				return false;
			});
			return new RunningJar(process, port[0]);
		}

		static ProcessBuilder command(Path directory, String... args) {
			List<String> command = new ArrayList<>();
			command.add(ProcessHandle.current().info().command().orElse("java"));
			command.add("-jar");
			command.add(jar().getAbsolutePath());
			command.add("--server.port=0");
			command.add("--server.address=127.0.0.1");
			command.addAll(List.of(args));
			return new ProcessBuilder(command).directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("wsdeck.out").toFile());
		}

		static File jar() {
			File[] jars = new File("target").listFiles((dir, name) -> name.matches("wsdeck-.*\\.jar"));
			assertThat(jars).as("the packaged jar in target/ (run through mvn verify)").hasSize(1);
			return jars[0];
		}

		static String read(Path out) throws IOException {
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

}
