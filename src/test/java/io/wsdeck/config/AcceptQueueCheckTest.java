package io.wsdeck.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The startup line that says when the kernel queues fewer waiting connections than Tomcat was told to. */
@ExtendWith(OutputCaptureExtension.class)
class AcceptQueueCheckTest {

	@TempDir
	Path directory;

	@Test
	void aKernelCapBelowTheAcceptCountIsNamedWithBothWaysOut(CapturedOutput output) throws IOException {
		new AcceptQueueCheck(1024, somaxconn("128\n"));

		assertThat(output).contains("server.tomcat.accept-count is 1024, but this system queues at most 128",
				"net.core.somaxconn", "sysctl -w net.core.somaxconn=1024",
				"lower server.tomcat.accept-count to 128");
	}

	@Test
	void aKernelThatQueuesEnoughSaysNothing(CapturedOutput output) throws IOException {
		new AcceptQueueCheck(1024, somaxconn("4096\n"));
		new AcceptQueueCheck(1024, somaxconn("1024\n"));

		assertThat(output).doesNotContain("accept-count");
	}

	@Test
	void aSystemWithoutTheCapToReadSaysNothing(CapturedOutput output) throws IOException {
		new AcceptQueueCheck(1024, this.directory.resolve("absent"));
		new AcceptQueueCheck(1024, somaxconn("not a number"));

		assertThat(output).doesNotContain("accept-count");
	}

	/** The real file, which is not read as a regular one is (see kernelCap). */
	@Test
	void readsThisSystemsCapWhole() throws IOException {
		assumeTrue(Files.isReadable(AcceptQueueCheck.SOMAXCONN),
				"no " + AcceptQueueCheck.SOMAXCONN + " to read: not Linux, so no cap is checked");
		int cap = Integer.parseInt(Files.readAllLines(AcceptQueueCheck.SOMAXCONN).get(0).trim());

		assertThat(AcceptQueueCheck.kernelCap(AcceptQueueCheck.SOMAXCONN)).isEqualTo(cap);
	}

	private Path somaxconn(String content) throws IOException {
		return Files.writeString(Files.createTempFile(this.directory, "somaxconn", ""), content);
	}

}
