package io.wsdeck.page;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The constructor, readyState, close() and the event log, driven through the page in Chromium. */
class ConnectionPanelTest extends PageInChromium {

	@Test
	void addressDefaultsToThisServersWsEndpointAndFollowsTheEndpointPicker() {
		assertThat(this.page.address()).isEqualTo("ws://127.0.0.1:" + this.port + "/ws");
		this.page.chooseEndpoint("/ws/binary");
		assertThat(this.page.address()).isEqualTo("ws://127.0.0.1:" + this.port + "/ws/binary");
		this.page.chooseEndpoint("/ws/echo");
		assertThat(this.page.address()).isEqualTo("ws://127.0.0.1:" + this.port + "/ws/echo");
	}

	@Test
	void readyStatePassesConnectingOpenClosingClosedInOrder() {
		this.page.connectAndAwaitOpen();
		assertThat(this.page.readyStateText()).isEqualTo("1 OPEN");

		this.page.close(4000, "bye");

		await().until(() -> this.page.readyState() == 3);
		assertThat(this.page.transitions()).isEqualTo("0,1,2,3");
		assertThat(this.page.readyStateText()).isEqualTo("3 CLOSED");
	}

	@Test
	void closeEntryShowsTheCodeReasonAndWasCleanOfTheUsersClose() {
		this.page.connectAndAwaitOpen().close(4000, "bye");

		await().until(() -> !this.page.events("close").isEmpty());
		assertThat(this.page.events("close")).singleElement().satisfies((close) -> {
			assertThat(close).containsEntry("via", "onclose")
				.containsEntry("code", "4000")
				.containsEntry("reason", "bye")
				.containsEntry("wasClean", "true");
			assertThat(close.get("details")).isEqualTo("code 4000, reason \"bye\", wasClean true");
		});
	}

	@Test
	void clearingTheLogWhileASocketIsOpenSaysItWasClearedNotConnectToSeeEvents() {
		assertThat(emptyLogText()).isEqualTo("\"Connect to see events here.\"");
		this.page.connectAndAwaitOpen();
		await().until(() -> !this.page.events("message").isEmpty());

		this.page.find("#clear-events").click();

		assertThat(this.page.events()).isEmpty();
		assertThat(emptyLogText()).matches("\"Cleared at \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\. New events appear here\\.\"");
	}

	/** What the empty event log says: CSS generated content, as the browser computes it. */
	private String emptyLogText() {
		return (String) browser.script("return getComputedStyle(document.querySelector('#event-log'), '::after').content;");
	}

	@Test
	void openIsLoggedByTheOnopenPropertyAndByAnAddedListener() {
		this.page.connectAndAwaitOpen();

		await().until(() -> this.page.events("open").size() == 2);
		assertThat(this.page.events("open")).extracting((open) -> open.get("via"))
			.containsExactly("onopen", "addEventListener('open')");
	}

	@Test
	void greetingArrivesAsAStringMessageWithItsText() {
		this.page.connectAndAwaitOpen();

		await().until(() -> !this.page.events("message").isEmpty());
		assertThat(this.page.events("message").get(0)).containsEntry("via", "onmessage")
			.containsEntry("kind", "string")
			.containsEntry("details", "string \"world\"");
	}

	@Test
	void aCloseCodeTheApiForbidsShowsTheExceptionAndLeavesTheSocketOpen() {
		this.page.connectAndAwaitOpen().close(1001, "going away is for servers");

		await().until(() -> !this.page.events("exception").isEmpty());
		assertThat(this.page.events("exception").get(0).get("details")).startsWith("InvalidAccessError");
		assertThat(this.page.readyState()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "999", "5000", "-1" })
	void aCloseCodeOutsideTheUnsignedShortRangeOrBelow1000StillReachesCloseAndShowsItsException(String code) {
		this.page.connectAndAwaitOpen().close(code, "");

		await().until(() -> !this.page.events("exception").isEmpty());
		assertThat(this.page.events("exception").get(0).get("details"))
			.startsWith("InvalidAccessError: Failed to execute 'close' on 'WebSocket': The close code must be either 1000, "
					+ "or between 3000 and 4999.");
		assertThat(this.page.readyState()).isEqualTo(1);
	}

	@Test
	void anAsciiReasonOver123BytesIsNotCutButShowsTheBrowsersSyntaxError() {
		String reason = "r".repeat(130);
		this.page.connectAndAwaitOpen().close("1000", reason);

		assertThat(this.page.find("#close-reason").getDomProperty("value")).isEqualTo(reason);
		assertThat(this.page.find("#close-reason-bytes").getText()).isEqualTo("130 of 123 UTF-8 bytes");
		assertThat(this.page.find("#close-reason").getDomAttribute("aria-invalid")).isEqualTo("true");
		await().until(() -> !this.page.events("exception").isEmpty());
		assertThat(this.page.events("exception").get(0).get("details")).startsWith("SyntaxError")
			.contains("123");
		assertThat(this.page.readyState()).isEqualTo(1);
	}

	@Test
	void anEmptyCodeBoxCallsCloseWithoutArgumentsAndSaysSo() {
		this.page.connectAndAwaitOpen().close("", "not sent");

		await().until(() -> !this.page.events("close").isEmpty());
		assertThat(this.page.events("exception")).isEmpty();
		assertThat(this.page.events("call")).singleElement()
			.satisfies((call) -> assertThat(call.get("details")).startsWith("no code given, so the close frame carries none")
				.contains("the reason \"not sent\" is left out"));
		assertThat(this.page.events("close").get(0)).as("wsdeck answers a close frame without a code with 1000")
			.containsEntry("code", "1000")
			.containsEntry("reason", "")
			.containsEntry("wasClean", "true");
	}

	@Test
	void connectingAgainClosesThePreviousSocketAndStartsANewTransitionList() {
		this.page.connectAndAwaitOpen();
		this.page.chooseEndpoint("/ws/text").connectAndAwaitOpen();

		assertThat(this.page.socketUrl()).isEqualTo("ws://127.0.0.1:" + this.port + "/ws/text");
		assertThat(this.page.transitions()).isEqualTo("0,1");
		await().until(() -> this.page.events("close").size() == 1);
		assertThat(this.page.events("close").get(0)).containsEntry("source", "#1")
			.containsEntry("code", "1000")
			.containsEntry("reason", "reconnecting");
	}

	@Test
	void aConstructorThatThrowsKeepsTheSocketBeforeSaysThePanelsAreItsAndUsesNoSocketNumber() {
		this.page.connectAndAwaitOpen().typeAddress("ftp://127.0.0.1:" + this.port + "/ws").connect();

		await().until(() -> !this.page.events("exception").isEmpty());
		assertThat(this.page.events("exception").get(0)).containsEntry("via", "new WebSocket()")
			.containsEntry("source", "no socket");
		assertThat(this.page.events("exception").get(0).get("details")).startsWith("SyntaxError");
		assertThat(this.page.find("#socket-note").getText())
			.isEqualTo("new WebSocket() threw SyntaxError, so no socket was created. What this page shows is still #1, "
					+ "the socket from before, which is OPEN.");
		assertThat(this.page.find("#transitions-of").getText()).startsWith("of #1 ");
		assertThat(this.page.readyState()).as("the working socket is kept").isEqualTo(1);
		assertThat(this.page.events("close")).isEmpty();

		this.page.typeAddress("ws://127.0.0.1:" + this.port + "/ws/text").connectAndAwaitOpen();

		assertThat(this.page.find("#socket-note").isDisplayed()).isFalse();
		assertThat(this.page.events("open")).extracting((open) -> open.get("source")).containsExactly("#1", "#1", "#2", "#2");
	}

	@Test
	void askingForASubprotocolTheServerDoesNotSelectFailsTheHandshakeAsThePageSays() {
		this.page.askForSubprotocols("chat, superchat").connect();

		await().until(() -> this.page.readyState() == 3);
		assertThat(this.page.transitions()).isEqualTo("0,3");
		assertThat(this.page.events()).extracting((event) -> event.get("type"))
			.containsExactly("error", "close");
		assertThat(this.page.events("close").get(0)).containsEntry("code", "1006").containsEntry("wasClean", "false");
		assertThat(this.page.events("close").get(0).get("details")).as("the hint for a socket that never opened")
			.contains("it never opened: the connection failed or the handshake was refused", "?access_token=");
		assertThat(this.page.likelyCausesShown()).isEqualTo("subprotocol");
	}

	@Test
	void aHandshakeToAPathTheServerDoesNotServeSaysWhereTheBrowserShowsThe404() {
		this.page.typeAddress("ws://127.0.0.1:" + this.port + "/ws/nope").connect();

		await().until(() -> !this.page.events("close").isEmpty());
		assertThat(this.page.events("close").get(0)).containsEntry("code", "1006");
		assertThat(this.page.likelyCausesShown()).isEqualTo("404");
		assertThat(this.page.events("close").get(0).get("details")).as("where to see the status the browser hides")
			.contains("devtools Console", "Unexpected response code: 404", "Network tab")
			.contains("/ws/nope is not one of this server's endpoints (/ws, /ws/text, /ws/binary, /ws/echo, /ws/lab)")
			.as("every common cause, not only the refusals wsdeck logs")
			.contains("404 a path wsdeck does not serve", "400 a bad ?tick=", "401 a token", "403 this page's origin",
					"429 / 503 too many sessions", "nothing listens at that host and port",
					"for wss://, a certificate the browser does not trust")
			.doesNotContain("the server's log says which");
		assertThat(this.page.commonCausesFolded())
			.as("the common causes folded under what the address suggests, which stays in sight").isTrue();
	}

	@Test
	void aTickOutsideTheServersRangeTypedIntoTheAddressIsNamedAsTheLikely400() {
		this.page.typeAddress("ws://127.0.0.1:" + this.port + "/ws?tick=10").connect();

		await().until(() -> !this.page.events("close").isEmpty());
		assertThat(this.page.likelyCausesShown()).isEqualTo("400");
		assertThat(this.page.events("close").get(0).get("details"))
			.contains("?tick=10: wsdeck takes whole milliseconds from 50 to 3,600,000");
	}

	@Test
	void offeringChatAndEchoConnectsWithEchoTheOneOfThemTheServerSpeaks() {
		this.page.askForSubprotocols("chat, echo").connectAndAwaitOpen();

		assertThat(this.page.socketProtocol()).isEqualTo("\"echo\"");
		assertThat(this.page.events("open").get(1).get("details")).startsWith("second listener; protocol \"echo\"");
		assertThat(this.page.find("#protocols-hint").getText()).contains("wsdeck speaks wsdeck and echo",
				"Offer only others (chat) and it picks none");
	}

}
