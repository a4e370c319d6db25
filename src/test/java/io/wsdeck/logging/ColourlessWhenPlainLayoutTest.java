package io.wsdeck.logging;

import java.util.Map;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.CoreConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.ansi.AnsiOutput;
import org.springframework.boot.logging.logback.ColorConverter;

import static org.assertj.core.api.Assertions.assertThat;

/** The colourless layout writes what Spring Boot's would, whatever the pattern does with {@code %clr}. */
class ColourlessWhenPlainLayoutTest {

	private final LoggerContext context = new LoggerContext();

	private final LoggingEvent event = new LoggingEvent(Logger.class.getName(), this.context.getLogger("io.wsdeck.X"),
			Level.ERROR, "Closed {}", new IllegalStateException("broken"), new Object[] { "s1" });

	@BeforeEach
	void registerSpringBootsConverter() {
		Map<String, Supplier<?>> rules = Map.of("clr", ColorConverter::new);
		this.context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
	}

	@AfterEach
	void detectColoursAgain() {
		AnsiOutput.setEnabled(AnsiOutput.Enabled.DETECT);
	}

	@ParameterizedTest
	@ValueSource(strings = { "%clr(%d{HH:mm}){faint} %clr(%5p) %clr(%logger{10}){cyan} : %m%n",
			"%-12clr(%5p){cyan}|%.3clr(%m){faint}|%n", // padded and truncated colours keep their width
			"%clr(a %clr(%p){red} b %clr([%m]){faint}){faint}%n", // colours within colours
			"%clr(%m){faint}%n" }) // no throwable converter: Logback's own adds one
	void linesAreSpringBootsWithColoursOffAndOn(String pattern) {
		PatternLayout springBoots = start(new PatternLayout(), pattern);
		PatternLayout colourless = start(new ColourlessWhenPlainLayout(), pattern);

		AnsiOutput.setEnabled(AnsiOutput.Enabled.NEVER);
		String plain = colourless.doLayout(this.event);
		assertThat(plain).isEqualTo(springBoots.doLayout(this.event)).doesNotContain("\u001B[")
			.contains("java.lang.IllegalStateException: broken");

		AnsiOutput.setEnabled(AnsiOutput.Enabled.ALWAYS);
		assertThat(colourless.doLayout(this.event)).isEqualTo(springBoots.doLayout(this.event)).contains("\u001B[")
			.isNotEqualTo(plain);
	}

	private PatternLayout start(PatternLayout layout, String pattern) {
		layout.setContext(this.context);
		layout.setPattern(pattern);
		layout.start();
		return layout;
	}

}
