package io.wsdeck.page;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lab panel: each button sends its command to {@code /ws/lab}, connecting there first when the page is not,
 * and Chromium shows the server's misbehaviour as ordinary events. Where the RFC leaves a browser room (forbidden
 * close codes, a dropped connection), the tests pin what Chromium was seen to do, which is what the panel says.
 */
class LabPanelTest extends PageInChromium {

	private static final String RESERVED_CODE_CONSOLE_ERROR = "Received a broken close frame containing a reserved status code";

	@BeforeEach
	void forgetEarlierConsoleErrors() {
		browser.consoleErrors(); // reading the browser's log empties it; earlier tests' sockets may have written to it
	}

	@Test
	void aButtonConnectsToTheLabFirstWhenThePageIsElsewhereThenSendsItsCommand() {
		this.page.connectAndAwaitOpen();
		assertThat(this.page.labSocket()).isEqualTo("elsewhere");

		this.page.lab("help");

		await().until(() -> "1".equals(this.page.labSince().get("messages")));
		assertThat(this.page.socketUrl()).isEqualTo("ws://127.0.0.1:" + this.port + "/ws/lab");
		assertThat(this.page.address()).isEqualTo(this.page.socketUrl());
		assertThat(this.page.find("input[name='endpoint'][value='/ws/lab']").isSelected()).isTrue();
		assertThat(this.page.labSocket()).isEqualTo("open");
		assertThat(this.page.events("close")).singleElement()
			.satisfies((close) -> assertThat(close).containsEntry("source", "#1").containsEntry("reason", "reconnecting"));
		assertThat(eventsOf("#2")).containsExactly("open", "open", "command", "message");
		assertThat(this.page.events("command")).singleElement()
			.satisfies((command) -> assertThat(command.get("details")).isEqualTo("\"help\" to the lab"));
	}

	@Test
	void helpListsEveryCommandInFull() {
		this.page.lab("help");

		await().until(() -> this.page.labReply().startsWith("wsdeck lab:"));
		assertThat(this.page.labReply()).contains("echo [TEXT]", "close CODE [REASON]", "close-raw CODE [REASON]",
				"send N [K]", "send-binary N [K]", "ping [PAYLOAD]", "delay MS", "flood N S", "flood-binary N S",
				"headers", "drop", "help");
		assertThat(this.page.events("message")).singleElement()
			.satisfies((message) -> assertThat(message).containsEntry("kind", "string"));
	}

	@Test
	void closeWithTheDefaultsEndsWith4000CustomCleanly() {
		this.page.lab("close");

		Map<String, String> close = awaitClose();
		assertThat(close).containsEntry("code", "4000").containsEntry("reason", "custom").containsEntry("wasClean", "true");
		assertThat(eventsAfterTheCommand()).containsExactly("close");
		assertThat(this.page.labSocket()).isEqualTo("closed");
	}

	@Test
	void dropIsClose1006NotCleanAndChromiumFiresNoErrorEvent() {
		this.page.lab("drop");

		Map<String, String> close = awaitClose();
		assertThat(close).containsEntry("code", "1006").containsEntry("reason", "").containsEntry("wasClean", "false");
		assertThat(eventsAfterTheCommand()).containsExactly("close");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void closeRaw1006MakesChromiumFailTheConnectionErrorThenClose1006NotClean() {
		this.page.lab("close-raw"); // the defaults: close-raw 1006 forbidden

		Map<String, String> close = awaitClose();
		assertThat(this.page.events("command").get(0).get("details")).isEqualTo("\"close-raw 1006 forbidden\" to the lab");
		assertThat(eventsAfterTheCommand()).containsExactly("error", "close");
		assertThat(close).as("what the page sees is the browser's own 1006, not the server's frame")
			.containsEntry("code", "1006")
			.containsEntry("reason", "")
			.containsEntry("wasClean", "false");
		assertThat(browser.consoleErrors()).singleElement().asString().contains(RESERVED_CODE_CONSOLE_ERROR);
	}

	@Test
	void closeRawWithACodeOutsideTheRfcsRangesIsReportedAsIsByChromium() {
		this.page.lab("close-raw", "999", "below the range");

		Map<String, String> close = awaitClose();
		assertThat(eventsAfterTheCommand()).containsExactly("close");
		assertThat(close).containsEntry("code", "999").containsEntry("reason", "below the range").containsEntry("wasClean", "true");
		assertThat(this.page.find("#lab form[data-command='close-raw'] .expect").getText())
			.startsWith("999 is not a valid close code (RFC 6455 7.4), yet Chromium does not fail the connection");
	}

	@Test
	void sendArrivesAsOneStringOfNCharacters() {
		this.page.lab("send"); // send 100000 13: thirteen frames on the wire

		Map<String, String> message = awaitMessages(1).get(0);
		assertThat(message).containsEntry("kind", "string").containsEntry("size", "100000");
		assertThat(message.get("details")).startsWith("string \"abcdefghijklmnopqrstuvwxyzabcdef")
			.as("the length after the closing quote, not inside it")
			.endsWith("…\" (100,000 chars)");
	}

	@Test
	void sendBinaryWithArraybufferArrivesAsOneArrayBufferOfNBytes() {
		this.page.chooseBinaryType("arraybuffer").lab("send-binary"); // send-binary 100000 10

		assertThat(awaitMessages(1).get(0)).containsEntry("kind", "ArrayBuffer")
			.containsEntry("size", "100000")
			.containsEntry("details", "ArrayBuffer byteLength 100,000 B");
		assertThat(this.page.labSince()).containsEntry("command", "send-binary 100000 10").containsEntry("bytes", "100000");
	}

	@Test
	void aNewCommandEmptiesTheReplyBoxSoNoEarlierAnswerShowsUnderIt() {
		this.page.lab("echo", "warm up");
		await().until(() -> "warm up".equals(this.page.labReply()));

		this.page.chooseBinaryType("arraybuffer").lab("send-binary");

		await().until(() -> "1".equals(this.page.labSince().get("messages"))
				&& "send-binary 100000 10".equals(this.page.labSince().get("command")));
		assertThat(this.page.labReply()).isEmpty();
		assertThat(this.page.find("#lab-reply").isDisplayed()).isFalse();
		assertThat(this.page.find("#lab-since").getText()).doesNotContain("the last text answer");
	}

	/** The box does not cut a reason at 123 characters: the server's answer says what is wrong with it. */
	@Test
	void aCloseReasonOver123BytesReachesTheServerWhichSaysWhy() {
		this.page.lab("close", "4000", "r".repeat(130));

		await().until(() -> this.page.labReply().contains("123 bytes"));
		assertThat(this.page.labReply()).startsWith("error:");
	}

	@Test
	void pingIsAnsweredByChromiumItselfAndThePongIsReported() {
		this.page.lab("ping"); // ping hello

		assertThat(awaitMessages(1).get(0)).containsEntry("details", "string \"pong received: hello\"");
		assertThat(this.page.labSince()).containsEntry("last", "pong received: hello");
	}

	@Test
	void headersAnswersTheHandshakeChromiumSent() {
		this.page.lab("headers");

		assertThat(awaitMessages(1).get(0).get("details")).startsWith("string \"GET /ws/lab HTTP/1.1");
		assertThat(this.page.labReply().lines()).anyMatch((line) -> line.matches("(?i)user-agent: .*Chrom.*"))
			.anyMatch((line) -> line.equalsIgnoreCase("origin: http://127.0.0.1:" + this.port))
			.anyMatch((line) -> line.matches("(?i)sec-websocket-key: \\S+"));
	}

	@Test
	void delayHoldsEchoesBackUntilDelayZero() {
		this.page.lab("delay", "1000");
		await().until(() -> "ok: delay 1000 ms".equals(this.page.labSince().get("last")));

		this.page.lab("echo", "late");
		await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> !"late".equals(lastAnswer()));
		await().until(() -> "late".equals(lastAnswer()));

		this.page.find("#lab form[data-command='delay'] button[data-line]").click();
		await().until(() -> "ok: delay 0 ms".equals(this.page.labSince().get("last")));
		assertThat(this.page.labSince()).containsEntry("command", "delay 0");
	}

	@Test
	void floodDeliversEveryMessageThenFloodDoneWhileTheLogKeepsItsNewest500() {
		this.page.lab("flood"); // flood 1000 100

		await().atMost(Duration.ofSeconds(30)).until(() -> "flood done 1000".equals(this.page.labSince().get("last")));
		assertThat(this.page.labSince()).containsEntry("command", "flood 1000 100")
			.containsEntry("messages", "1001")
			.containsEntry("bytes", String.valueOf(1000 * 100 + "flood done 1000".length()));
		assertThat(this.page.find("#lab-since").getText()).startsWith("Since flood 1000 100: 1,001 messages, 100,015 B");
		List<Map<String, String>> log = this.page.events();
		assertThat(log).as("the event log keeps its newest 500 entries").hasSize(500);
		assertThat(log.get(499)).containsEntry("details", "string \"flood done 1000\"");
		assertThat(log.subList(0, 499)).allSatisfy((message) -> assertThat(message).containsEntry("kind", "string")
			.containsEntry("size", "100"));
	}

	/**
	 * The log follows its newest entry through a flood, and ends at "flood done". The browser's scroll anchoring, as
	 * the oldest entries were dropped from the top, moved the view and read as the reader scrolling away: 3 floods in
	 * 4 ended with the log stopped in their middle.
	 */
	@Test
	void aFloodEndsWithTheLogAtItsNewestEntry() {
		this.page.lab("flood", "3000", "30");

		await().atMost(Duration.ofSeconds(30)).until(() -> "flood done 3000".equals(lastAnswer()));
		await("the log at its newest entry").atMost(Duration.ofSeconds(5)).until(this.page::eventLogShowsItsNewest);
	}

	/**
	 * The log shows a flood's messages in batches, once a frame, while the count is kept per message: the page must
	 * never show more in the panel than in the log. A close in the middle of a flood shows it: when the panel says
	 * closed, every message it counted is in the log, in order, before the close.
	 */
	@Test
	void aCloseInTheMiddleOfAFloodFindsTheLogCaughtUpWithTheCount() {
		this.page.lab("flood", "400", "10");
		await().until(() -> "open".equals(this.page.labSocket()));
		this.page.lab("close"); // close 4000 custom, queued behind what is left of the flood

		await().until(() -> "closed".equals(this.page.labSocket()));
		List<Map<String, String>> log = this.page.events();
		List<String> types = log.stream().map((event) -> event.get("type")).toList();
		assertThat(types.get(types.size() - 1)).isEqualTo("close");
		int closeCommand = types.lastIndexOf("command");
		assertThat(log.get(closeCommand).get("details")).isEqualTo("\"close 4000 custom\" to the lab");
		List<String> afterCommand = types.subList(closeCommand + 1, types.size() - 1);
		assertThat(afterCommand).as("only messages between the close command and the close event")
			.allMatch("message"::equals);
		assertThat(this.page.labSince()).containsEntry("command", "close 4000 custom")
			.containsEntry("messages", String.valueOf(afterCommand.size()));
	}

	/**
	 * While more entries wait than the log keeps, its renders skip animation frames and wait for a timer (view.js),
	 * so that a flood is not spent drawing entries written over at the next frame. The log and the count must still
	 * move while it runs, not only at its end.
	 */
	@Test
	void theCountAndTheLogMoveWhileAFloodRuns() {
		this.page.lab("flood", "100000", "10");

		await().until(() -> {
			int counted = Integer.parseInt(this.page.labSince().get("messages"));
			return counted > 500 && counted < 100_001;
		});
		assertThat(this.page.events()).hasSize(500).last().satisfies((entry) -> assertThat(entry)
			.containsEntry("type", "message")
			.containsEntry("details", "string \"abcdefghij\""));
		this.page.close(1000, "enough"); // the server stops the flood once the session closes
		await().until(() -> this.page.readyState() == 3);
	}

	/**
	 * A flood brings more messages between two frames than the log keeps, and the log then writes them over its
	 * items in place: nothing an earlier entry showed (its hint, its data- attributes, its type) may stay on them.
	 */
	@Test
	void aFloodWritesOverTheWholeLogLeavingNothingOfTheEntriesBefore() {
		this.page.askForSubprotocols("chat").lab("echo", "lost"); // never opens: its close has the hint
		await().until(() -> "closed".equals(this.page.labSocket()));
		assertThat(this.page.likelyCausesShown()).isEqualTo("subprotocol");

		this.page.askForSubprotocols("").lab("flood", "5000", "10");

		await().atMost(Duration.ofSeconds(30)).until(() -> "flood done 5000".equals(lastAnswer()));
		List<Map<String, String>> log = this.page.events();
		assertThat(log).hasSize(500);
		assertThat(log.get(499)).containsEntry("details", "string \"flood done 5000\"");
		Map<String, String> floodMessage = Map.of("type", "message", "via", "onmessage", "source", "#2", "kind", "string",
				"size", "10", "details", "string \"abcdefghij\"");
		assertThat(log.subList(0, 499)).as("entries other than the flood's messages")
			.filteredOn((entry) -> !entry.equals(floodMessage))
			.isEmpty();
		assertThat(this.page.likelyCausesShown()).isNull();
		assertThat(browser.script("return document.querySelectorAll('#event-log > li:not(.event-message)').length;"))
			.as("entries drawn as anything but a message")
			.isEqualTo(0L);
	}

	@Test
	void floodBinaryWithBlobArrivesAsBlobsThenFloodDone() {
		this.page.lab("flood-binary"); // flood-binary 100 1024

		List<Map<String, String>> messages = awaitMessages(101);
		assertThat(messages.subList(0, 100)).allSatisfy((message) -> assertThat(message).containsEntry("kind", "Blob")
			.containsEntry("size", "1024"));
		assertThat(messages.get(100)).containsEntry("details", "string \"flood done 100\"");
	}

	@Test
	void aCommandWhoseLabSocketNeverOpensIsNotSentAndThePanelSaysSo() {
		this.page.askForSubprotocols("chat").lab("echo", "lost");

		await().until(() -> "closed".equals(this.page.labSocket()));
		assertThat(this.page.events("command")).isEmpty();
		assertThat(this.page.find("#lab-status").getText())
			.isEqualTo("#1 to the lab closed before it opened, so echo lost was not sent (the log shows what happened). "
					+ "A button tries again.");
		assertThat(this.page.events()).extracting((event) -> event.get("type")).containsExactly("error", "close");
	}

	@Test
	void theExpectationCountsOneFrameInTheSingular() {
		WebElement frames = this.page.find("#lab form[data-command='send-binary'] input[name='k']");
		frames.clear();
		frames.sendKeys("1");

		assertThat(this.page.find("#lab form[data-command='send-binary'] .expect").getText()).endsWith("of 100,000 B, from 1 frame");
	}

	@Test
	void aTenMillionByteSizeFitsItsBoxAtLaptopWidth() {
		browser.resize(1280, 800);
		WebElement size = this.page.find("#lab form[data-command='send'] input[name='n']");
		size.clear();
		size.sendKeys("10000000");

		Object hidden = browser.script("const box = arguments[0]; return box.scrollWidth - box.clientWidth;", size);
		assertThat(((Number) hidden).intValue()).as("pixels of the number scrolled out of sight").isLessThanOrEqualTo(0);
		assertThat(size.getSize().getWidth()).isGreaterThanOrEqualTo(110);
	}

	@Test
	void onANarrowScreenTheEventLogStaysInSightBelowTheLabButtons() {
		browser.resize(400, 800);
		this.page.lab("help");
		await().until(() -> this.page.labReply().startsWith("wsdeck lab:"));

		@SuppressWarnings("unchecked")
		Map<String, Number> where = (Map<String, Number>) browser.script("""
				const log = document.querySelector('#events').getBoundingClientRect();
				const button = document.querySelector("#lab form[data-command='help'] > button").getBoundingClientRect();
				return { logTop: log.top, logBottom: log.bottom, buttonBottom: button.bottom, height: innerHeight };
				""");
		assertThat(where.get("logBottom").doubleValue()).as("the log's foot is on screen")
			.isLessThanOrEqualTo(where.get("height").doubleValue() + 1);
		assertThat(where.get("logTop").doubleValue()).as("the log starts on screen, below the button just clicked")
			.isGreaterThanOrEqualTo(where.get("buttonBottom").doubleValue())
			.isLessThan(where.get("height").doubleValue() - 150);
	}

	@Test
	void fitsAPhoneScreen() {
		browser.resize(390, 844);
		this.page.lab("help");
		await().until(() -> this.page.labReply().startsWith("wsdeck lab:"));

		Object overflow = browser.script("return document.documentElement.scrollWidth - window.innerWidth;");
		assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
		assertThat(browser.consoleErrors()).isEmpty();
	}

	/** The type of each event logged for one socket, in order, e.g. {@code open, open, command, message}. */
	private List<String> eventsOf(String source) {
		return this.page.events().stream().filter((event) -> source.equals(event.get("source")))
			.map((event) -> event.get("type")).toList();
	}

	/** The types of the events logged after the (single) lab command. */
	private List<String> eventsAfterTheCommand() {
		List<String> types = this.page.events().stream().map((event) -> event.get("type")).toList();
		assertThat(types).containsOnlyOnce("command");
		return types.subList(types.indexOf("command") + 1, types.size());
	}

	private Map<String, String> awaitClose() {
		await().until(() -> this.page.readyState() == 3);
		await().until(() -> !this.page.events("close").isEmpty());
		return this.page.events("close").get(0);
	}

	private List<Map<String, String>> awaitMessages(int count) {
		await().until(() -> this.page.events("message").size() >= count);
		return this.page.events("message");
	}

	private String lastAnswer() {
		return this.page.labSince().get("last");
	}

}
