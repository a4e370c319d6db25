package io.wsdeck.config;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad configuration stops startup with a message that names the property. */
class ConfigValidationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(PropertiesOnly.class);

	@Test
	void defaultsBindAndMatchTheDocumentedValues() {
		this.runner.run(context -> {
			WsdeckProperties properties = context.getBean(WsdeckProperties.class);
			assertThat(properties.endpoints().mixed()).isEqualTo("/ws");
			assertThat(properties.echo().greeting()).isEqualTo("world");
			assertThat(properties.limits().maxMessageSize().toMegabytes()).isEqualTo(16);
			assertThat(properties.push().minTick().toMillis()).isEqualTo(50);
			assertThat(properties.admin().hasToken()).isFalse();
			assertThat(properties.logging().consoleFlushDelay()).isEqualTo(Duration.ofMillis(10));
		});
	}

	@Test
	void sendBufferNotLargerThanMaxMessageFailsNamingBothProperties() {
		assertStartupFailsNaming("field 'outbound.sendBufferLimit': rejected value [33554432B]",
				"wsdeck.limits.max-message-size=64MB");
		assertStartupFailsNaming("must be larger than wsdeck.limits.max-message-size (67108864B)",
				"wsdeck.limits.max-message-size=64MB");
	}

	@Test
	void tinyMessageBufferFailsNamingTheProperty() {
		assertStartupFailsNaming("field 'limits.messageBufferSize': rejected value [10B]",
				"wsdeck.limits.message-buffer-size=10B");
	}

	@Test
	void negativeCompressionMinimumFailsNamingTheProperty() {
		assertStartupFailsNaming("field 'compression.minSize': rejected value [-1B]", "wsdeck.compression.min-size=-1B");
		assertStartupFailsNaming("must be between 0B and 1GB", "wsdeck.compression.min-size=-1B");
	}

	@Test
	void hugeSocketReadBufferFailsNamingTheProperty() {
		assertStartupFailsNaming("field 'limits.socketReadBufferSize': rejected value [2097152B]",
				"wsdeck.limits.socket-read-buffer-size=2MB");
		assertStartupFailsNaming("must be between 1KB and 1MB", "wsdeck.limits.socket-read-buffer-size=2MB");
	}

	@Test
	void pathWithoutSlashFailsNamingTheProperty() {
		assertStartupFailsNaming("wsdeck.endpoints.text", "wsdeck.endpoints.text=ws/text");
	}

	/** The page is at / and a health probe at /actuator/health: an endpoint there would answer them with 426. */
	@Test
	void endpointPathsThatWouldTakeOverThePageOrTheApiFailNamingTheProperty() {
		assertStartupFailsNaming("wsdeck.endpoints.mixed", "wsdeck.endpoints.mixed=/");
		assertStartupFailsNaming("wsdeck.endpoints.echo", "wsdeck.endpoints.echo=/ws/*");
		assertStartupFailsNaming("wsdeck.endpoints.text", "wsdeck.endpoints.text=/my ws");
		assertStartupFailsNaming("field 'endpoints.lab': rejected value [/api/broadcast]",
				"wsdeck.endpoints.lab=/api/broadcast");
		assertStartupFailsNaming("must not be under /api/ or /actuator", "wsdeck.endpoints.lab=/api/broadcast");
		assertStartupFailsNaming("must not be under /api/ or /actuator", "wsdeck.endpoints.lab=/actuator/health");
	}

	/** A browser's Origin always has a scheme, so a pattern without one would refuse every cross-origin page. */
	@Test
	void anAllowedOriginWithoutSchemeFailsNamingTheProperty() {
		assertStartupFailsNaming("must be * or an origin with its scheme", "wsdeck.endpoints.allowed-origins=example.com");
		this.runner.withPropertyValues("wsdeck.endpoints.allowed-origins=https://*.example.com,http://localhost:[*]")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/** Past Tomcat's connection limit, handshakes wait unanswered, where wsdeck's session limit answers them 503. */
	@Test
	void aConnectionLimitNotAboveTheSessionLimitFailsNamingBothProperties() {
		ApplicationContextRunner withCheck = this.runner.withUserConfiguration(ConnectionLimitCheck.class);
		withCheck.withPropertyValues("server.tomcat.max-connections=100", "wsdeck.access.max-sessions=100")
			.run((context) -> assertThat(messages(context.getStartupFailure()))
				.contains("server.tomcat.max-connections (100) must be above wsdeck.access.max-sessions (100)"));
		withCheck.withPropertyValues("server.tomcat.max-connections=10100")
			.run((context) -> assertThat(context).hasNotFailed());
		withCheck.withPropertyValues("server.tomcat.max-connections=-1", "wsdeck.access.max-sessions=100000")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void labPathSharedWithAnEchoEndpointFailsNamingTheProperties() {
		assertStartupFailsNaming("field 'endpoints.lab': rejected value [/ws]", "wsdeck.endpoints.lab=/ws");
		assertStartupFailsNaming("must differ from wsdeck.endpoints.mixed", "wsdeck.endpoints.lab=/ws");
	}

	@Test
	void minTickLongerThanMaxTickFailsNamingTheProperties() {
		assertStartupFailsNaming("field 'push.minTick': rejected value [PT2H]", "wsdeck.push.min-tick=2h");
		assertStartupFailsNaming("must not be longer than wsdeck.push.max-tick (3600000ms)", "wsdeck.push.min-tick=2h");
	}

	@Test
	void unparseableSizeFailsNamingTheProperty() {
		assertStartupFailsNaming("wsdeck.limits.max-message-size", "wsdeck.limits.max-message-size=lots");
	}

	@Test
	void wssIsOffByDefaultAndItsCertificateWouldBeKeptOutsideTheProject() {
		this.runner.run(context -> {
			WsdeckProperties.Tls tls = context.getBean(WsdeckProperties.class).tls();
			assertThat(tls.enabled()).isFalse();
			assertThat(tls.port()).isEqualTo(8443);
			assertThat(tls.directory()).isEqualTo(Path.of(System.getProperty("user.home"), ".wsdeck", "tls"));
		});
	}

	@Test
	void consoleFlushDelayOverASecondFailsNamingTheProperty() {
		assertStartupFailsNaming("wsdeck.logging.console-flush-delay must be between 0ms and 1s",
				"wsdeck.logging.console-flush-delay=5s");
	}

	@Test
	void tlsPortOutOfRangeFailsNamingTheProperty() {
		assertStartupFailsNaming("wsdeck.tls.port", "wsdeck.tls.port=70000");
	}

	@Test
	void aMisspelledPropertyFailsNamingIt() {
		assertStartupFailsNaming("wsdeck.limits.max-mesage-size", "wsdeck.limits.max-mesage-size=1KB");
	}

	private void assertStartupFailsNaming(String expected, String... properties) {
		this.runner.withPropertyValues(properties).run(context -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(expected);
		});
	}

	private static String messages(Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			all.append(t.getMessage()).append('\n');
		}
		return all.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(WsdeckProperties.class)
	static class PropertiesOnly {

	}

}
