package io.wsdeck.support;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExternalProgramTest {

	private static final Path NOWHERE = Path.of("/nonexistent/wsdeck-test-program");

	@Test
	void returnsThePathOfAnInstalledProgram() {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		assertThat(ExternalProgram.require(java, "java", "apt-get install -y openjdk-17-jdk", Map.of())).isEqualTo(java);
	}

	@Test
	void skipsWithTheInstallCommandWhenTheProgramIsMissingOutsideCi() {
		assertThatThrownBy(() -> ExternalProgram.require(NOWHERE, "Nothing", "apt-get install -y nothing", Map.of()))
			.isInstanceOf(TestAbortedException.class)
			.hasMessageContaining("Nothing is not installed at " + NOWHERE)
			.hasMessageContaining("apt-get install -y nothing");
	}

	@Test
	void failsInsteadOfSkippingWhenTheProgramIsMissingOnCi() {
		assertThatThrownBy(
				() -> ExternalProgram.require(NOWHERE, "Nothing", "apt-get install -y nothing", Map.of("CI", "true")))
			.isInstanceOf(AssertionFailedError.class)
			.hasMessageContaining("CI=true");
	}

	@Test
	void aDirectoryIsNotAProgram() {
		assertThatThrownBy(() -> ExternalProgram.require(Path.of("/usr/bin"), "bin", "nothing", Map.of()))
			.isInstanceOf(TestAbortedException.class);
	}

}
