package io.wsdeck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wsdeck.support.PackagedJar;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
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

	@TempDir
	Path workDir;

	@Test
	void startsFromAnyDirectoryWithThePackagedDefaults() throws Exception {
		try (PackagedJar jar = PackagedJar.start(this.workDir)) {
			try (WsClient client = WsClient.connect(jar.port(), "/ws")) {
				assertThat(client.nextText()).isEqualTo("world");
			}
			// the log says where to connect (the jar listens on 127.0.0.1 alone here, where localhost might be ::1),
			// and why there is no wss (the packaged defaults name no certificate)
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Files.readString(jar.output()))
				.contains("ws://127.0.0.1:" + jar.port() + "/ws (text and binary; also /ws/text, /ws/binary, /ws/echo "
						+ "and /ws/lab) and the page at http://127.0.0.1:" + jar.port() + "/")
				.contains("No wss: no certificate. Name an SSL bundle in wsdeck.tls.bundle"));
		}
	}

	@Test
	void applicationYmlInTheWorkingDirectoryOverridesTheDefaults() throws Exception {
		Files.writeString(this.workDir.resolve("application.yml"), "wsdeck:\n  echo:\n    greeting: hello from ./application.yml\n");
		try (PackagedJar jar = PackagedJar.start(this.workDir)) {
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
		try (PackagedJar jar = PackagedJar.start(this.workDir, "--spring.config.additional-location=" + extra)) {
			try (WsClient client = WsClient.connect(jar.port(), "/ws")) {
				assertThat(client.nextText()).isEqualTo("from extra.yml");
			}
		}
	}

	@Test
	void sigtermClosesEverySessionWith1001AndExitsZeroWithinTheShutdownTimeout() throws Exception {
		PackagedJar jar = PackagedJar.start(this.workDir, "--wsdeck.shutdown.timeout=5s",
				"--wsdeck.logging.console-flush-delay=1s");
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
			// INFO lines wait up to wsdeck.logging.console-flush-delay (1 s here, longer than the shutdown takes)
			// for company; stopping writes the last ones.
			assertThat(Files.readString(jar.output())).containsPattern("Closed session \\S+ on mixed: 1001 ");
		}
		finally {
			jar.close();
		}
	}

	/**
	 * wsdeck's copy of Tomcat's frame parser must win over Tomcat's own in the jar too (BOOT-INF/classes before
	 * BOOT-INF/lib): Tomcat alone would answer this close with 1002.
	 */
	@Test
	void theJarAnswersACloseReasonOfInvalidUtf8With1007() throws Exception {
		try (PackagedJar jar = PackagedJar.start(this.workDir);
				RawWebSocket ws = RawWebSocket.open(jar.port(), "/ws/echo")) {
			ws.send(RawFrame.of(RawFrame.CLOSE, RawFrame.closePayload(1000, new byte[] { 'o', 'k', (byte) 0xC0 })));

			assertThat(ws.readClose().code()).isEqualTo(1007);
		}
	}

	@Test
	void badConfigurationStopsStartupNamingTheProperty() throws Exception {
		Process process = PackagedJar.command(this.workDir, List.of(), "--wsdeck.limits.max-message-size=64MB").start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits on its own").isTrue();
		assertThat(process.exitValue()).isNotZero();
		assertThat(Files.readString(this.workDir.resolve("wsdeck.out")))
			.contains("APPLICATION FAILED TO START", "Property: wsdeck.outbound.sendBufferLimit",
					"must be larger than wsdeck.limits.max-message-size (67108864B)");
	}

}
