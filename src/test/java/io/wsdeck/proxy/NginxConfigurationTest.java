package io.wsdeck.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's nginx configuration is the one {@code BehindNginxTest} runs, and has what WebSockets need. */
class NginxConfigurationTest {

	private final String configuration = ReadmeNginxConfiguration.text();

	@Test
	void theReadmeShowsTheTestedConfigurationVerbatim() throws IOException {
		String readme = Files.readString(Path.of("README.md"));

		assertThat(readme).contains("```nginx\n" + this.configuration + "```\n");
	}

	@Test
	void passesTheUpgradeOnOverHttp11() {
		assertThat(this.configuration).contains("proxy_http_version 1.1;",
				"proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $connection_upgrade;");
	}

	@Test
	void waitsLongerForWsdeckThanTheHeartbeatInterval() throws IOException {
		Matcher timeout = Pattern.compile("proxy_read_timeout (\\d+)s;").matcher(this.configuration);
		assertThat(timeout.find()).as("proxy_read_timeout in seconds").isTrue();

		assertThat(Duration.ofSeconds(Long.parseLong(timeout.group(1)))).isGreaterThan(heartbeatInterval());
	}

	@Test
	void setsTheForwardedForHeaderRatherThanAppendingToTheClients() {
		assertThat(this.configuration).contains("proxy_set_header X-Forwarded-For $remote_addr;")
			.doesNotContain("$proxy_add_x_forwarded_for");
	}

	/** As the operator's application.yml sets it. */
	private static Duration heartbeatInterval() throws IOException {
		List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("application.yml", new FileSystemResource("application.yml"));
		return new Binder(ConfigurationPropertySources.from(sources.get(0)))
			.bind("wsdeck.heartbeat.interval", Duration.class)
			.get();
	}

}
