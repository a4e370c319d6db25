package io.wsdeck.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The rule for tests that need a program outside the JVM (a browser, Redis, nginx): where the program is missing
 * the test is skipped with a message saying how to install it, so a developer without it can still build; but on
 * CI ({@code CI=true}) a missing program fails the test, because {@code .ci/run} installs everything the tests
 * need and a skip there would hide a broken install step behind a green build.
 */
public final class ExternalProgram {

	private ExternalProgram() {
	}

	/**
	 * @param path where the program must be, as an absolute path (never looked up on {@code PATH}, so the test
	 *        runs what {@code .ci/run} installed)
	 * @param name what the program is, for the message
	 * @param install the command that installs it, for the message
	 * @return {@code path}, once it is an executable file
	 */
	public static Path require(Path path, String name, String install) {
		return require(path, name, install, System.getenv());
	}

	static Path require(Path path, String name, String install, Map<String, String> environment) {
		if (Files.isRegularFile(path) && Files.isExecutable(path)) {
			return path;
		}
		String missing = name + " is not installed at " + path + " (install it with: " + install + ")";
		if ("true".equalsIgnoreCase(environment.get("CI"))) {
			Assertions.fail(missing + "; CI=true, so this fails instead of skipping: .ci/run must install it");
		}
		Assumptions.abort(missing + "; skipping");
		return path; // not reached: abort throws
	}

}
