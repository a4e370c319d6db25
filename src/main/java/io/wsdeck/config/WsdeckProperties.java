package io.wsdeck.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of wsdeck, bound from {@code wsdeck.*}. The top-level {@code application.yml} mirrors this tree
 * line by line with a comment each; keep the two in step. A {@code wsdeck.*} name that is none of these (a typo
 * such as {@code wsdeck.limits.max-mesage-size}) stops startup naming it, instead of being ignored while the default
 * applies.
 */
@ConfigurationProperties(prefix = "wsdeck", ignoreUnknownFields = false)
@Validated
@SettingsAgree
public record WsdeckProperties(
		@Valid @DefaultValue Endpoints endpoints,
		@Valid @DefaultValue Echo echo,
		@Valid @DefaultValue Limits limits,
		@Valid @DefaultValue Push push,
		@Valid @DefaultValue Outbound outbound,
		@Valid @DefaultValue Compression compression,
		@Valid @DefaultValue Access access,
		@Valid @DefaultValue Heartbeat heartbeat,
		@Valid @DefaultValue Shutdown shutdown,
		@Valid @DefaultValue Logging logging,
		@Valid @DefaultValue Admin admin,
		@Valid @DefaultValue Tls tls) implements SettingsAgree.Checked {

	/**
	 * Where the WebSocket endpoints live and who may open them.
	 * @param mixed path of the endpoint that takes text and binary messages on one connection
	 * @param text path of the text-only endpoint
	 * @param binary path of the binary-only endpoint
	 * @param echo path of the plain echo: text and binary, no greeting, no pushes (for conformance suites)
	 * @param lab path of the lab endpoint, whose text messages are commands that make the server misbehave on purpose
	 * @param allowedOrigins {@code Origin} patterns allowed to open a connection; {@code *} allows any origin
	 * @param subprotocols subprotocols wsdeck speaks; the first one a client offers that is in this list is
	 *        chosen; a client that offers only others gets none (and a browser then fails the connection)
	 * @param directHandshake hand requests for these paths straight to Spring's WebSocket handler, skipping the
	 *        servlet filters and DispatcherServlet dispatch in between (a quarter of a handshake's CPU); false puts
	 *        them behind those filters again, e.g. for Spring Security to see the handshake
	 */
	@SettingsAgree
	public record Endpoints(
			@DefaultValue("/ws") @Pattern(regexp = PATH, message = PATH_RULE) String mixed,
			@DefaultValue("/ws/text") @Pattern(regexp = PATH, message = PATH_RULE) String text,
			@DefaultValue("/ws/binary") @Pattern(regexp = PATH, message = PATH_RULE) String binary,
			@DefaultValue("/ws/echo") @Pattern(regexp = PATH, message = PATH_RULE) String echo,
			@DefaultValue("/ws/lab") @Pattern(regexp = PATH, message = PATH_RULE) String lab,
			@DefaultValue("*") @NotEmpty List<@Pattern(regexp = "\\*|[A-Za-z][A-Za-z0-9+.-]*://\\S+",
					message = "must be * or an origin with its scheme (https://example.com, https://*.example.com): "
							+ "a browser's Origin always has one") String> allowedOrigins,
			@DefaultValue({ "wsdeck", "echo" }) List<@Pattern(regexp = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+",
					message = "must be an HTTP token (RFC 6455 4.1)") String> subprotocols,
			@DefaultValue("true") boolean directHandshake) implements SettingsAgree.Checked {

		/** One path, no wildcard, not the page's {@code /}. */
		static final String PATH = "/[^\\s*?{}]+";

		static final String PATH_RULE = "must be a path starting with / with more after it, and no spaces or "
				+ "wildcards (/ itself is the page)";

		/** Each endpoint's path, by the name of its setting ({@code mixed}, {@code text}, …), in that order. */
		public Map<String, String> paths() {
			Map<String, String> paths = new LinkedHashMap<>();
			paths.put("mixed", mixed);
			paths.put("text", text);
			paths.put("binary", binary);
			paths.put("echo", echo);
			paths.put("lab", lab);
			return paths;
		}

		@Override
		public List<SettingsAgree.Conflict> conflicts() {
			List<SettingsAgree.Conflict> conflicts = new ArrayList<>();
			Map<String, String> settingOfPath = new HashMap<>();
			paths().forEach((setting, path) -> {
				if (path == null) {
					return;
				}
				String taken = settingOfPath.putIfAbsent(path, setting);
				if (taken != null) {
					conflicts.add(new SettingsAgree.Conflict(setting, "must differ from wsdeck.endpoints." + taken
							+ ": the five endpoints (mixed, text, binary, echo, lab) need five different paths"));
				}
				if (path.startsWith("/api/") || path.equals("/actuator") || path.startsWith("/actuator/")) {
					conflicts.add(new SettingsAgree.Conflict(setting, "must not be under /api/ or /actuator, where the "
							+ "broadcast API and the health and metrics endpoints are"));
				}
			});
			return conflicts;
		}
	}

	/**
	 * The echo endpoints' behaviour.
	 * @param greeting text sent to every client of the mixed and text endpoints when it connects; empty sends none
	 */
	public record Echo(@DefaultValue("world") @NotNull String greeting) {
	}

	/**
	 * Message size limits and the memory each session costs.
	 * @param maxMessageSize largest text or binary message accepted; a larger one is answered with close 1009
	 * @param messageBufferSize Tomcat's text and binary message buffers, lent to a session while a message is
	 *        coming in; larger messages are streamed through in pieces of this size, so this is not a limit
	 * @param maxMessagesPerSecond messages one session may send per second before it is closed with 1008; 0 turns
	 *        the limit off
	 * @param ioBufferSize Tomcat's WebSocket frame buffers, lent to a session while it reads or writes, and the
	 *        largest frame wsdeck writes a text in; set JVM-wide, so only when it differs from Tomcat's 8KB
	 * @param socketReadBufferSize Tomcat's socket read buffer, lent to a WebSocket connection while it reads (an
	 *        idle session holds none); it also caps one read from the socket, so smaller costs system calls on large
	 *        messages
	 */
	public record Limits(
			@DefaultValue("16MB") @NotNull @DataSizeRange(min = "1B", max = "1GB") DataSize maxMessageSize,
			@DefaultValue("8KB") @NotNull @DataSizeRange(min = "1KB", max = "1MB") DataSize messageBufferSize,
			@DefaultValue("0") @Min(0) int maxMessagesPerSecond,
			@DefaultValue("8KB") @NotNull @DataSizeRange(min = "1KB", max = "1MB") DataSize ioBufferSize,
			@DefaultValue("4KB") @NotNull @DataSizeRange(min = "1KB", max = "1MB") DataSize socketReadBufferSize) {
	}

	/**
	 * Server-initiated messages.
	 * @param minTick shortest interval a client may ask for with {@code ?tick=MS}
	 * @param maxTick longest interval a client may ask for with {@code ?tick=MS}
	 * @param schedulerThreads threads of the one scheduler that sends every session's ticks
	 */
	@SettingsAgree
	public record Push(
			@DefaultValue("50ms") @NotNull @DurationMin(millis = 1, message = "must be at least 1ms") Duration minTick,
			@DefaultValue("1h") @NotNull @DurationMax(days = 1, message = "must be at most 1d") Duration maxTick,
			@DefaultValue("2") @Min(1) @Max(64) int schedulerThreads) implements SettingsAgree.Checked {

		@Override
		public List<SettingsAgree.Conflict> conflicts() {
			return (minTick != null && maxTick != null && minTick.compareTo(maxTick) > 0)
					? List.of(new SettingsAgree.Conflict("minTick", "must not be longer than wsdeck.push.max-tick ("
							+ maxTick.toMillis() + "ms)"))
					: List.of();
		}
	}

	/**
	 * Sending to a session from several threads (echo, ticks, broadcasts).
	 * @param sendTimeLimit how long one send (a whole message, or one part of a large echo) may take before the
	 *        session's connection is dropped as too slow (no close frame can pass the unfinished send; the server logs
	 *        and counts 1008)
	 * @param sendBufferLimit bytes that may wait behind a send in progress, pushes and echoes each on their own:
	 *        pushes past it close the session as too slow (1008); the parts of a large echo past it make the server
	 *        stop reading the client until they drain
	 * @param pushThreads threads that write pushes (ticks, broadcasts, pings); a client that stops reading blocks
	 *        one of them for up to the send time limit, and the pool is given one more for it after 200 ms (at most
	 *        1,000 more). Platform threads on every Java version: virtual threads are not time-sliced, so busy
	 *        writers held up the others
	 * @param echoQueueLimit bytes of large echoes all sessions together may hold queued, so that clients which send
	 *        a whole message before reading keep being read; past it echoes stream from the reading thread. 0
	 *        queues nothing
	 * @param echoThreads threads that write the queued parts of large echoes, the lab's answers and closes that
	 *        wait for a write in progress, apart from the push threads; a client that reads a large echo or a flood
	 *        slowly holds one for as long as it reads, and the pool is given one more for it after 200 ms (at most
	 *        1,000 more)
	 */
	public record Outbound(
			@DefaultValue("10s") @NotNull @DurationMin(millis = 100, message = "must be at least 100ms")
			Duration sendTimeLimit,
			@DefaultValue("32MB") @NotNull @DataSizeRange(min = "1KB", max = "2GB", maxAllowed = false)
			DataSize sendBufferLimit,
			@DefaultValue("32") @Min(1) @Max(1024) int pushThreads,
			@DefaultValue("256MB") @NotNull @DataSizeRange(min = "0B", max = "1TB") DataSize echoQueueLimit,
			@DefaultValue("200") @Min(1) @Max(10000) int echoThreads) {
	}

	/**
	 * permessage-deflate (RFC 7692), which Tomcat offers to every client that asks.
	 * @param enabled whether to negotiate it
	 * @param contextTakeover whether compressors keep their window from one message to the next; when false (the
	 *        default) the handshake answers {@code server_no_context_takeover} and {@code client_no_context_takeover},
	 *        each message is compressed on its own and an idle session holds no zlib state; when true each session
	 *        keeps about 100 KiB of zlib state for its whole life, and streams of similar small messages compress
	 *        better (see the README for the measured costs)
	 * @param minSize the smallest message the server compresses; a shorter one goes out as it is, which RFC 7692 (6)
	 *        allows message by message. Compressing costs a few microseconds per message whatever its size and saves
	 *        little below a kilobyte; 0 compresses every message
	 */
	public record Compression(@DefaultValue("true") boolean enabled, @DefaultValue("false") boolean contextTakeover,
			@DefaultValue("1KB") @NotNull @DataSizeRange(min = "0B", max = "1GB") DataSize minSize) {
	}

	/**
	 * Who may open a session, and how many.
	 * @param token when set, a handshake must carry {@code Authorization: Bearer <token>} or
	 *        {@code ?access_token=<token>} (browsers cannot set headers), else 401
	 * @param maxSessions open sessions in all; one more handshake is refused with 503 and {@code Retry-After}
	 * @param maxSessionsPerAddress open sessions from one remote address; one more is refused with 429
	 */
	public record Access(
			@DefaultValue("") String token,
			@DefaultValue("10000") @Min(1) int maxSessions,
			@DefaultValue("10000") @Min(1) int maxSessionsPerAddress) {

		public boolean hasToken() {
			return token != null && !token.isBlank();
		}
	}

	/**
	 * Dead-peer detection.
	 * @param interval how often the server pings each session
	 * @param missedPongs pings in a row left unanswered before the session is closed with 1001
	 * @param idleTimeout a session that sends no data message for this long is closed with 1001; 0 never
	 */
	public record Heartbeat(
			@DefaultValue("30s") @NotNull @DurationMin(millis = 100, message = "must be at least 100ms") Duration interval,
			@DefaultValue("2") @Min(1) @Max(100) int missedPongs,
			@DefaultValue("0s") @NotNull @DurationMin(millis = 0, message = "must not be negative")
			Duration idleTimeout) {
	}

	/**
	 * Stopping with open sessions.
	 * @param timeout how long to wait for clients to answer the 1001 close before the server stops anyway
	 */
	public record Shutdown(@DefaultValue("10s") @NotNull @DurationMin(millis = 0, message = "must not be negative")
			@DurationMax(minutes = 10, message = "must be at most 10m") Duration timeout) {
	}

	/**
	 * Console logging (applied by {@code io.wsdeck.logging.BatchedConsoleLoggingSystem}, which reads the same
	 * property before this tree is bound).
	 * @param consoleFlushDelay how long a console line below WARN may wait to share one write with the lines after
	 *        it; WARN and above are written at once, with everything before them; 0 writes every line at once
	 */
	public record Logging(@DefaultValue(Logging.DEFAULT_CONSOLE_FLUSH_DELAY) @NotNull
			@DurationMin(millis = 0, message = Logging.OUT_OF_RANGE)
			@DurationMax(seconds = Logging.MAX_CONSOLE_FLUSH_DELAY_SECONDS, message = Logging.OUT_OF_RANGE)
			Duration consoleFlushDelay) {

		public static final String CONSOLE_FLUSH_DELAY = "wsdeck.logging.console-flush-delay";

		public static final String DEFAULT_CONSOLE_FLUSH_DELAY = "10ms";

		public static final int MAX_CONSOLE_FLUSH_DELAY_SECONDS = 1;

		static final String OUT_OF_RANGE = CONSOLE_FLUSH_DELAY + " must be between 0ms and 1s";
	}

	/**
	 * The HTTP admin API ({@code POST /api/broadcast}).
	 * @param token when set, callers must send {@code Authorization: Bearer <token>}; when empty, only loopback
	 *        callers are allowed
	 */
	public record Admin(@DefaultValue("") String token) {

		public boolean hasToken() {
			return token != null && !token.isBlank();
		}
	}

	/**
	 * wss:// (and https://) on a second port beside ws:// on {@code server.port}, served by the same application.
	 * It is on when {@code bundle} names a certificate or {@code selfSigned} is set.
	 * @param port port of the TLS connector; 0 picks a free one
	 * @param bundle name of the SSL bundle the operator configures under {@code spring.ssl.bundle.pem.<name>} or
	 *        {@code spring.ssl.bundle.jks.<name>}; empty = none
	 * @param selfSigned with no bundle, serve a self-signed certificate for localhost, 127.0.0.1 and ::1, made at
	 *        the first start; for development only, so off unless asked for (the {@code dev} profile asks)
	 * @param directory where the self-signed certificate and its private key are kept, so restarts reuse them;
	 *        defaults to {@code ~/.wsdeck/tls}, outside any checkout
	 */
	public record Tls(
			@DefaultValue("8443") @Min(0) @Max(65535) int port,
			@DefaultValue("") String bundle,
			@DefaultValue("false") boolean selfSigned,
			Path directory) {

		public Tls {
			if (directory == null) {
				directory = Path.of(System.getProperty("user.home"), ".wsdeck", "tls");
			}
		}

		public boolean hasBundle() {
			return bundle != null && !bundle.isBlank();
		}

		/** Whether the wss connector is opened at all. */
		public boolean enabled() {
			return hasBundle() || selfSigned;
		}
	}

	/**
	 * A message that fits the size limit must also fit the send buffer, or a large echo queued behind a tick
	 * would be mistaken for a slow consumer.
	 */
	@Override
	public List<SettingsAgree.Conflict> conflicts() {
		DataSize sendBuffer = outbound.sendBufferLimit();
		DataSize maxMessage = limits.maxMessageSize();
		return (sendBuffer != null && maxMessage != null && sendBuffer.compareTo(maxMessage) <= 0)
				? List.of(new SettingsAgree.Conflict("outbound.sendBufferLimit", "must be larger than "
						+ "wsdeck.limits.max-message-size (" + maxMessage + ")"))
				: List.of();
	}

}
