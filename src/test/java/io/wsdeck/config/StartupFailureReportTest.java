package io.wsdeck.config;

import io.wsdeck.WsdeckApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A setting found not to work once bound (here Tomcat's connection limit against wsdeck's session limit) stops the
 * real application the way a property that fails to bind does: Spring Boot's report names the property and says
 * what to do, with no stack trace for the operator to dig the one line out of.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTest {

	@Test
	void aSettingThatCannotWorkIsReportedByPropertyWithoutAStackTrace(CapturedOutput output) {
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> new SpringApplicationBuilder(WsdeckApplication.class).run("--server.port=0",
					"--server.tomcat.max-connections=100"))
			.havingRootCause()
			.isInstanceOf(InvalidSettingException.class);

		assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "Invalid setting server.tomcat.max-connections:",
				"server.tomcat.max-connections (100) must be above wsdeck.access.max-sessions (10000)", "Action:",
				"Raise server.tomcat.max-connections above wsdeck.access.max-sessions")
			.doesNotContain("Application run failed")
			.doesNotContainPattern("\\tat io\\.wsdeck\\.");
	}

}
