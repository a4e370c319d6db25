package io.wsdeck.config;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
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
 * line by line with a comment each; keep the two in step.
 */
@ConfigurationProperties("wsdeck")
@Validated
public record WsdeckProperties(
		@Valid @DefaultValue Endpoints endpoints,
		@Valid @DefaultValue Echo echo,
		@Valid @DefaultValue Limits limits,
		@Valid @DefaultValue Push push,
		@Valid @DefaultValue Outbound outbound,
		@Valid @DefaultValue Admin admin) {

	/**
	 * Where the WebSocket endpoints live and who may open them.
	 * @param mixed path of the endpoint that takes text and binary messages on one connection
	 * @param text path of the text-only endpoint
	 * @param binary path of the binary-only endpoint
	 * @param lab path of the lab endpoint, whose text messages are commands that make the server misbehave on purpose
	 * @param allowedOrigins {@code Origin} patterns allowed to open a connection; {@code *} allows any origin
	 */
	public record Endpoints(
			@DefaultValue("/ws") @Pattern(regexp = "/\\S*", message = "must be a path starting with /") String mixed,
			@DefaultValue("/ws/text") @Pattern(regexp = "/\\S*", message = "must be a path starting with /") String text,
			@DefaultValue("/ws/binary") @Pattern(regexp = "/\\S*", message = "must be a path starting with /") String binary,
			@DefaultValue("/ws/lab") @Pattern(regexp = "/\\S*", message = "must be a path starting with /") String lab,
			@DefaultValue("*") @NotEmpty List<String> allowedOrigins) {

		@AssertTrue(message = "wsdeck.endpoints.mixed, .text, .binary and .lab must be four different paths")
		public boolean isDistinct() {
			return Stream.of(mixed, text, binary, lab).distinct().count() == 4;
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
	 * @param messageBufferSize buffer Tomcat allocates per session for text and for binary; larger messages are
	 *        streamed through in pieces of this size, so this is a memory setting, not a limit
	 */
	public record Limits(
			@DefaultValue("16MB") @NotNull DataSize maxMessageSize,
			@DefaultValue("8KB") @NotNull DataSize messageBufferSize) {

		@AssertTrue(message = "wsdeck.limits.max-message-size must be between 1B and 1GB")
		public boolean isMaxMessageSizeInRange() {
			return maxMessageSize.toBytes() >= 1 && maxMessageSize.toBytes() <= DataSize.ofGigabytes(1).toBytes();
		}

		@AssertTrue(message = "wsdeck.limits.message-buffer-size must be between 1KB and 1MB")
		public boolean isMessageBufferSizeInRange() {
			return messageBufferSize.toBytes() >= 1024 && messageBufferSize.toBytes() <= DataSize.ofMegabytes(1).toBytes();
		}
	}

	/**
	 * Server-initiated messages.
	 * @param minTick shortest interval a client may ask for with {@code ?tick=MS}
	 * @param maxTick longest interval a client may ask for with {@code ?tick=MS}
	 * @param schedulerThreads threads of the one scheduler that sends every session's ticks
	 */
	public record Push(
			@DefaultValue("50ms") @NotNull @DurationMin(millis = 1) Duration minTick,
			@DefaultValue("1h") @NotNull @DurationMax(days = 1) Duration maxTick,
			@DefaultValue("2") @Min(1) @Max(64) int schedulerThreads) {

		@AssertTrue(message = "wsdeck.push.min-tick must not be longer than wsdeck.push.max-tick")
		public boolean isOrdered() {
			return minTick.compareTo(maxTick) <= 0;
		}
	}

	/**
	 * Sending to a session from several threads (echo, ticks, broadcasts).
	 * @param sendTimeLimit how long one send may block before the session is closed as too slow
	 * @param sendBufferLimit bytes that may wait behind a send in progress before the session is closed as too slow
	 */
	public record Outbound(
			@DefaultValue("10s") @NotNull @DurationMin(millis = 100) Duration sendTimeLimit,
			@DefaultValue("32MB") @NotNull DataSize sendBufferLimit) {

		@AssertTrue(message = "wsdeck.outbound.send-buffer-limit must be between 1KB and 2GB")
		public boolean isSendBufferLimitInRange() {
			return sendBufferLimit.toBytes() >= 1024 && sendBufferLimit.toBytes() < Integer.MAX_VALUE;
		}
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
	 * A message that fits the size limit must also fit the send buffer, or a large echo queued behind a tick
	 * would be mistaken for a slow consumer.
	 */
	@AssertTrue(message = "wsdeck.outbound.send-buffer-limit must be larger than wsdeck.limits.max-message-size")
	public boolean isSendBufferLargerThanMaxMessage() {
		return outbound.sendBufferLimit().toBytes() > limits.maxMessageSize().toBytes();
	}

}
