package io.wsdeck.page;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.wsdeck.page.DeckPage.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** send() with a string, a file and a generated ArrayBuffer; binaryType; bufferedAmount; the echo's hash. */
class SendPanelTest extends PageInChromium {

	@BeforeEach
	void connect() {
		this.page.connectAndAwaitOpen();
	}

	@Test
	void textComesBackUnchanged() {
		String text = "Hello Server! 你好 ✓";
		this.page.sendText(text);

		Map<String, String> send = awaitEcho(1);
		assertThat(send).containsEntry("kind", "text")
			.containsEntry("echoKind", "string")
			.containsEntry("match", "true")
			.containsEntry("check", "text")
			.containsEntry("bytes", String.valueOf(text.getBytes(StandardCharsets.UTF_8).length))
			.containsEntry("echoBytes", String.valueOf(text.getBytes(StandardCharsets.UTF_8).length));
		assertThat(this.page.events("message")).extracting((message) -> message.get("details"))
			.contains("string \"" + text + "\"");
	}

	@Test
	void aNonAsciiEchoShowsTheSameUtf8ByteCountAsWasSent() {
		String text = "h\u00e9llo \ud83d\udc4b w\u00f6rld"; // héllo 👋 wörld: 18 bytes, 14 UTF-16 units, 13 characters
		this.page.sendText(text);

		Map<String, String> send = awaitEcho(1);
		assertThat(send).containsEntry("bytes", "18").containsEntry("echoBytes", "18").containsEntry("match", "true");
		assertThat(this.page.find("#sends tr .echo").getText()).isEqualTo("string 18 B (13 chars)");
	}

	@Test
	void aStringOfSpacesIsShownWithItsSpaces() {
		this.page.sendText("   ");

		assertThat(awaitEcho(1)).containsEntry("bytes", "3").containsEntry("match", "true");
		assertThat(this.page.find("#sends tr .sent").getText()).isEqualTo("string \"   \"");
	}

	@Test
	void binaryTypeDecidesWhetherTheNextBinaryMessageIsABlobOrAnArrayBuffer() {
		assertThat(this.page.binaryTypeShown()).isEqualTo("blob");
		this.page.sendBuffer(1000);
		assertThat(awaitEcho(1)).containsEntry("echoKind", "Blob").containsEntry("echoBytes", "1000");

		this.page.chooseBinaryType("arraybuffer");
		assertThat(this.page.binaryTypeShown()).isEqualTo("arraybuffer");
		this.page.sendBuffer(2000);
		assertThat(awaitEcho(2)).containsEntry("echoKind", "ArrayBuffer").containsEntry("echoBytes", "2000");

		assertThat(this.page.events("message")).filteredOn((message) -> !"string".equals(message.get("kind")))
			.extracting((message) -> message.get("kind") + " " + message.get("size"))
			.containsExactly("Blob 1000", "ArrayBuffer 2000");
	}

	@Test
	void tenMillionBytesFillBufferedAmountWhichFallsToZeroAndTheEchoHasTheSameSha256() {
		this.page.sendBuffer(); // the box's default: 10,000,000 bytes

		Map<String, String> send = awaitEcho(1, 60);
		assertThat(send).containsEntry("kind", "arraybuffer")
			.containsEntry("bytes", "10000000")
			.containsEntry("echoBytes", "10000000")
			.containsKey("rttMs");
		assertThat(Long.parseLong(send.get("bufferedAfterSend"))).isPositive();
		await().atMost(seconds(30)).until(() -> !"pending".equals(this.page.lastSend().get("match")));
		assertThat(this.page.lastSend()).containsEntry("check", "sha-256").containsEntry("match", "true");
		await().until(() -> this.page.bufferedAmountShown() == 0);
	}

	@Test
	void aFilePickedInTheFileInputComesBackWithItsSize(@TempDir Path directory) throws IOException {
		byte[] content = new byte[123_457];
		new Random(3).nextBytes(content);
		Path file = Files.write(directory.resolve("picked.bin"), content);

		this.page.sendFile(file);

		Map<String, String> send = awaitEcho(1);
		assertThat(send).containsEntry("kind", "file").containsEntry("bytes", "123457").containsEntry("echoBytes", "123457");
		await().until(() -> !"pending".equals(this.page.lastSend().get("match")));
		assertThat(this.page.lastSend()).containsEntry("match", "true");
	}

	@Test
	void aSendWhoseSocketClosesBeforeItsEchoShowsOneStateNotWaitingAndNoEcho() {
		this.page.chooseEndpoint("/ws/text").connectAndAwaitOpen().sendBuffer(1000); // binary on /ws/text: 1003

		await().until(() -> "none".equals(this.page.lastSend().get("match")));
		assertThat(this.page.find("#sends tr .echo").getText()).isEqualTo("none: the socket closed first");
		assertThat(this.page.find("#sends tr .hash").getText()).isEqualTo("—");
		assertThat(this.page.find("#sends tr").getText()).doesNotContain("waiting");
	}

	/** The lab answers commands: a string sent there waits for no echo, and says so while the socket is open. */
	@Test
	void aStringSentToTheLabExpectsNoEcho() {
		this.page.chooseEndpoint("/ws/lab").connectAndAwaitOpen().sendText("echo hi");

		await().until(() -> "none".equals(this.page.lastSend().get("match")));
		assertThat(this.page.find("#sends tr .echo").getText())
			.isEqualTo("none expected: /ws/lab answers commands, see the Lab panel");
		assertThat(this.page.readyState()).isEqualTo(1);
	}

	@Test
	void aBufferOverTheServersLimitCanBeSentAndShowsTheServers1009() {
		this.page.sendBuffer(20_000_000);

		await().atMost(seconds(30)).until(() -> "none".equals(this.page.lastSend().get("match")));
		assertThat(this.page.lastSend()).containsEntry("bytes", "20000000");
		assertThat(this.page.events("close")).singleElement().satisfies((close) -> {
			assertThat(close).containsEntry("code", "1009");
			assertThat(close.get("reason")).startsWith("message too big");
		});
		assertThat(this.page.find("#send-buffer-hint").getText()).contains("16,777,216 B is this server's message limit");
	}

	@Test
	void anEmptySizeBoxSendsNothingAndTheBoxSaysWhy() {
		this.page.sendBuffer("");

		assertThat(this.page.find("#send-buffer-size").getDomProperty("validationMessage")).isNotEmpty();
		this.page.sendBuffer(1000);
		assertThat(awaitEcho(1)).as("the only send is the one with a size").containsEntry("bytes", "1000");
	}

	private Map<String, String> awaitEcho(int sends) {
		return awaitEcho(sends, 10);
	}

	/** Waits until the page has made that many sends and the newest one's echo is back. */
	private Map<String, String> awaitEcho(int sends, long seconds) {
		await().atMost(seconds(seconds))
			.until(() -> this.page.sendCount() == sends && this.page.lastSend().containsKey("echoBytes"));
		return this.page.lastSend();
	}

}
