package io.wsdeck.page;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.wsdeck.support.Browser;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import static org.awaitility.Awaitility.await;

/**
 * The test page as a person uses it: what the tests click and type, and what they read back. Everything read
 * comes from what the page shows (element text and the {@code data-} attributes beside it), never from the
 * page's script variables.
 */
final class DeckPage {

	private final Browser browser;

	private final WebDriver driver;

	private DeckPage(Browser browser) {
		this.browser = browser;
		this.driver = browser.driver();
	}

	/** Loads the page from http://127.0.0.1, a secure context, so SubtleCrypto is there. */
	static DeckPage open(Browser browser, int port) {
		return open(browser, "http://127.0.0.1:" + port + "/");
	}

	static DeckPage open(Browser browser, String url) {
		DeckPage page = new DeckPage(browser);
		page.driver.get(url);
		await().until(() -> "true".equals(page.find("body").getDomAttribute("data-ready")));
		return page;
	}

	/** What the page says about its security context; {@code data-secure} is {@code "true"} or {@code "false"}. */
	WebElement securityContext() {
		return find("#context");
	}

	// new WebSocket(url, protocols) and close(code, reason)

	String address() {
		return find("#address").getDomProperty("value");
	}

	DeckPage typeAddress(String address) {
		type("#address", address);
		return this;
	}

	DeckPage chooseEndpoint(String path) {
		click("input[name='endpoint'][value='" + path + "']");
		return this;
	}

	/** Fills the subprotocols box: comma-separated, passed to the constructor as an array. */
	DeckPage askForSubprotocols(String protocols) {
		type("#protocols", protocols);
		return this;
	}

	DeckPage connect() {
		click("#connect-button");
		return this;
	}

	DeckPage connectAndAwaitOpen() {
		connect();
		await().until(() -> "0,1".equals(transitions()));
		return this;
	}

	DeckPage close(int code, String reason) {
		return close(String.valueOf(code), reason);
	}

	/** Fills the close boxes as typed ({@code ""} leaves the code box empty) and clicks the close button. */
	DeckPage close(String code, String reason) {
		type("#close-code", code);
		type("#close-reason", reason);
		click("#close-button");
		return this;
	}

	String socketUrl() {
		return find("#socket-url").getText();
	}

	/** {@code protocol} as the page shows it, in quotes: {@code "echo"}, or {@code ""} for none. */
	String socketProtocol() {
		return find("#socket-protocol").getText();
	}

	// readyState

	/** The state the page shows, or -1 before any socket exists. */
	int readyState() {
		String state = find("#ready-state").getDomAttribute("data-state");
		return (state == null || state.isEmpty()) ? -1 : Integer.parseInt(state);
	}

	String readyStateText() {
		return find("#ready-state").getDomProperty("textContent").trim();
	}

	/** The states the page listed for the current socket, in order, e.g. {@code "0,1,2,3"}. */
	String transitions() {
		return find("#transitions").getDomAttribute("data-states");
	}

	// The event log

	/** Every log entry in order: type, via, source, details, and the entry's data- attributes. */
	@SuppressWarnings("unchecked")
	List<Map<String, String>> events() {
		return (List<Map<String, String>>) this.browser.script("""
				return [...document.querySelectorAll('#event-log > li')].map((li) =>
				  ({ ...li.dataset, details: li.querySelector('.details').textContent }));
				""");
	}

	List<Map<String, String>> events(String type) {
		return events().stream().filter((event) -> type.equals(event.get("type"))).toList();
	}

	/**
	 * The causes the close entry of a socket that never opened names as likely for its address, e.g. {@code "404"}
	 * or {@code "400,TLS"}, or {@code null} when no entry has that hint.
	 */
	String likelyCausesShown() {
		return (String) this.browser.script(
				"const hint = document.querySelector('#event-log .event-hint'); return hint ? hint.dataset.likely : null;");
	}

	/** Whether the event log is scrolled to its foot, where its newest entry is. */
	boolean eventLogShowsItsNewest() {
		return Boolean.TRUE.equals(this.browser.script("""
				const log = document.querySelector('#event-log');
				return log.scrollTop + log.clientHeight >= log.scrollHeight - 4;"""));
	}

	/** Whether that hint shows its list of every common cause folded (it does when the address suggests some). */
	boolean commonCausesFolded() {
		return Boolean.FALSE.equals(this.browser.script(
				"return document.querySelector('#event-log .event-hint details').open;"));
	}

	// binaryType and send()

	DeckPage chooseBinaryType(String binaryType) {
		click("input[name='binaryType'][value='" + binaryType + "']");
		return this;
	}

	String binaryTypeShown() {
		return find("#binary-type-now").getDomAttribute("data-binary-type");
	}

	DeckPage sendText(String text) {
		type("#send-text", text);
		click("#send-text-button");
		return this;
	}

	/** Sends an ArrayBuffer of the size in the box; the page's default is 10,000,000 bytes. */
	DeckPage sendBuffer() {
		click("#send-buffer-button");
		return this;
	}

	DeckPage sendBuffer(int size) {
		return sendBuffer(String.valueOf(size));
	}

	/** Types the size as given ({@code ""} empties the box) and clicks Send ArrayBuffer. */
	DeckPage sendBuffer(String size) {
		type("#send-buffer-size", size);
		return sendBuffer();
	}

	DeckPage sendFile(Path file) {
		find("#send-file").sendKeys(file.toAbsolutePath().toString());
		click("#send-file-button");
		return this;
	}

	int sendCount() {
		return this.driver.findElements(By.cssSelector("#sends tr")).size();
	}

	/** The newest row of the sends table, as its data- attributes (kind, bytes, echoBytes, rttMs, match …). */
	@SuppressWarnings("unchecked")
	Map<String, String> lastSend() {
		return (Map<String, String>) this.browser.script(
				"const row = document.querySelector('#sends tr'); return row ? { ...row.dataset } : {};");
	}

	long bufferedAmountShown() {
		return Long.parseLong(find("#buffered-now").getDomAttribute("data-bytes"));
	}

	// Server push

	DeckPage askForTicks(int intervalMs) {
		type("#tick-ms", String.valueOf(intervalMs));
		click("#tick-toggle");
		return this;
	}

	/** Types an interval into "every ms" and leaves the box with Tab, as a person does: its change event fires. */
	DeckPage typeTickInterval(String intervalMs) {
		type("#tick-ms", intervalMs + Keys.TAB);
		return this;
	}

	/** The sequence numbers of the ticks shown, oldest first. */
	@SuppressWarnings("unchecked")
	List<Long> tickSequence() {
		return ((List<Object>) this.browser.script(
				"return [...document.querySelectorAll('#pushes li[data-type=tick]')].map((li) => li.dataset.seq);"))
			.stream()
			.map((seq) -> Long.parseLong(seq.toString()))
			.toList();
	}

	DeckPage broadcast(String text) {
		type("#broadcast-text", text);
		click("#broadcast-button");
		return this;
	}

	WebElement broadcastResult() {
		return find("#broadcast-result");
	}

	int broadcastsShown() {
		return Integer.parseInt(find("#push-count").getDomAttribute("data-broadcasts"));
	}

	// onerror

	DeckPage connectToNowhere(int port) {
		type("#error-demo-port", String.valueOf(port));
		click("#error-demo-button");
		return this;
	}

	WebElement errorDemoResult() {
		return find("#error-demo-result");
	}

	// The whole page

	/** Every panel once, as a person trying the page would: connect, send, broadcast, tick, close. */
	DeckPage useEveryPanel() {
		connectAndAwaitOpen().sendText("hello").sendBuffer(100_000);
		await().until(() -> sendCount() == 2 && "true".equals(lastSend().get("match")));
		chooseBinaryType("arraybuffer").broadcast("to all");
		await().until(() -> broadcastsShown() == 1);
		askForTicks(100);
		await().until(() -> !tickSequence().isEmpty());
		close(1000, "done");
		await().until(() -> readyState() == 3);
		return this;
	}

	// The lab

	/**
	 * Clicks a lab command's button after filling its argument boxes in order (none given: the defaults stay). The
	 * page connects to the lab first when it is not connected there.
	 */
	DeckPage lab(String command, String... arguments) {
		String form = "#lab form[data-command='" + command + "']";
		List<WebElement> boxes = this.driver.findElements(By.cssSelector(form + " input"));
		for (int i = 0; i < arguments.length; i++) {
			boxes.get(i).clear();
			boxes.get(i).sendKeys(arguments[i]);
		}
		click(form + " > button");
		return this;
	}

	/** Which socket the lab's buttons use: none, elsewhere, connecting, open or closed. */
	String labSocket() {
		return find("#lab-socket").getDomAttribute("data-state");
	}

	/** The lab's count since the last command: command, messages, bytes, last (the last text answer). */
	@SuppressWarnings("unchecked")
	Map<String, String> labSince() {
		return (Map<String, String>) this.browser.script("return { ...document.querySelector('#lab-since').dataset };");
	}

	/** The last text answer on the lab, as the panel shows it in full. */
	String labReply() {
		return find("#lab-reply").getDomProperty("textContent");
	}

	// Helpers

	/**
	 * Clicks an element after scrolling it to the middle of the screen, as a person would: on a phone the event log
	 * stays at the foot of the screen, over what is scrolled just into view there.
	 */
	void click(String css) {
		WebElement element = find(css);
		this.browser.script("arguments[0].scrollIntoView({ block: 'center' });", element);
		element.click();
	}

	WebElement find(String css) {
		return this.driver.findElement(By.cssSelector(css));
	}

	private void type(String css, String text) {
		WebElement input = find(css);
		input.clear();
		input.sendKeys(text);
	}

	static Duration seconds(long seconds) {
		return Duration.ofSeconds(seconds);
	}

}
