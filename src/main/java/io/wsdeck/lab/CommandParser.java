package io.wsdeck.lab;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import io.wsdeck.session.MessageKind;

import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;

/**
 * Reads one lab command from a whole text message. Every text message on the lab is a command, so data can never
 * be taken for one by accident; {@code echo TEXT} is how to get text echoed. Anything unknown or malformed is
 * answered with {@code error: ...} saying what was expected, never ignored, and the session stays open.
 * <p>
 * The command word is case-insensitive. Numbers are whole decimal numbers. Text arguments ({@code echo}'s text,
 * a ping payload, a close reason) are everything after the single space that ends the word before them, as is.
 */
final class CommandParser {

	/** Longer text messages are answered with an error, not kept: commands are short. */
	static final int MAX_COMMAND_BYTES = 64 * 1024;

	static final int MAX_FRAMES = 10_000;

	static final int MAX_FLOOD_MESSAGES = 100_000;

	static final long MAX_FLOOD_BYTES = 256L * 1024 * 1024;

	static final Duration MAX_DELAY = Duration.ofSeconds(60);

	/** RFC 6455 5.5: a control frame carries at most 125 bytes. */
	static final int MAX_PING_PAYLOAD = 125;

	/** RFC 6455 5.5.1: a close frame's 125 bytes start with the 2-byte code. */
	static final int MAX_CLOSE_REASON = 123;

	/**
	 * Tomcat encodes a text send into a buffer of this size and writes each bufferful as its own frame, so a
	 * larger text fragment would leave as several frames; {@code send} refuses to promise what it cannot keep.
	 */
	static final int MAX_TEXT_FRAME = Integer.getInteger("org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE", 8 * 1024);

	private static final String CLOSE = "close CODE [REASON]";

	private static final String CLOSE_RAW = "close-raw CODE [REASON]";

	private final long maxMessageBytes;

	private final Reply help;

	/** @param maxMessageBytes the largest message {@code send} and {@code flood} may make */
	CommandParser(long maxMessageBytes) {
		this.maxMessageBytes = maxMessageBytes;
		this.help = new Reply(help(maxMessageBytes));
	}

	Command parse(String message) {
		try {
			return parseOrFail(message);
		}
		catch (Malformed ex) {
			return Reply.error(ex.getMessage());
		}
	}

	/** The answer to a text message too long to be a command. */
	static Reply tooLong(long bytes) {
		return Reply.error("a command is at most " + MAX_COMMAND_BYTES + " bytes; got a text message of " + bytes
				+ " bytes. The lab echoes text only with \"echo TEXT\"; large messages echo on the other endpoints");
	}

	private Command parseOrFail(String message) {
		String line = message.stripLeading();
		int end = 0;
		while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
			end++;
		}
		String word = line.substring(0, end).toLowerCase(Locale.ROOT);
		String rest = (end < line.length()) ? line.substring(end + 1) : "";
		return switch (word) {
			case "" -> throw new Malformed("empty message; the lab takes one command per text message; try \"help\"");
			case "help" -> none("help", rest, this.help);
			case "echo" -> new Echo(new TextMessage(rest));
			case "close" -> close(rest);
			case "close-raw" -> closeRaw(rest);
			case "send" -> send(MessageKind.TEXT, "send N [K]", rest);
			case "send-binary" -> send(MessageKind.BINARY, "send-binary N [K]", rest);
			case "ping" -> ping(rest);
			case "delay" -> delay(rest);
			case "flood" -> flood(MessageKind.TEXT, "flood N S", rest);
			case "flood-binary" -> flood(MessageKind.BINARY, "flood-binary N S", rest);
			case "headers" -> none("headers", rest, lab -> lab.reply(LabHandshake.requestOf(lab.session())));
			case "drop" -> none("drop", rest, Closing.drop());
			case "fail" -> none("fail", rest, Fail.INSTANCE);
			default -> throw new Malformed("unknown command \"" + shorten(word) + "\"; try \"help\"");
		};
	}

	private static Command close(String rest) {
		String[] codeAndReason = codeAndReason(CLOSE, rest);
		int code = (int) number(CLOSE, "CODE", codeAndReason[0], 0, 0xFFFF);
		if (!serverMaySend(code)) {
			throw new Malformed(CLOSE + ": CODE must be one a server may send, 1000-1003, 1007-1013 or 3000-4999 "
					+ "(RFC 6455 7.4); got " + code + ". close-raw sends any code");
		}
		return new Closing(Closing.How.CLOSE, code, reason(CLOSE, codeAndReason[1]));
	}

	private static Command closeRaw(String rest) {
		String[] codeAndReason = codeAndReason(CLOSE_RAW, rest);
		int code = (int) number(CLOSE_RAW, "CODE", codeAndReason[0], 0, 0xFFFF);
		return new Closing(Closing.How.RAW, code, reason(CLOSE_RAW, codeAndReason[1]));
	}

	/**
	 * RFC 6455 7.4.1 forbids 1005, 1006 and 1015 on the wire and reserves 1004; 1016-2999 are for the protocol's
	 * registry, below 1000 is unused, 5000 and up undefined. Tomcat cannot send 1014, registered since the RFC.
	 */
	static boolean serverMaySend(int code) {
		return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1013) || (code >= 3000 && code <= 4999);
	}

	private Command send(MessageKind kind, String usage, String rest) {
		String[] args = words(usage, rest, 1, 2);
		long bytes = number(usage, "N", args[0], 0, this.maxMessageBytes);
		int frames = (args.length > 1) ? (int) number(usage, "K", args[1], 1, MAX_FRAMES) : 1;
		long largestFrame = (bytes + frames - 1) / frames;
		if (kind == MessageKind.TEXT && largestFrame > MAX_TEXT_FRAME) {
			throw new Malformed(usage + ": a text frame holds at most " + MAX_TEXT_FRAME + " bytes here (Tomcat "
					+ "splits longer ones), so " + bytes + " bytes need K of at least "
					+ ((bytes + MAX_TEXT_FRAME - 1) / MAX_TEXT_FRAME) + "; send-binary has no such limit");
		}
		return new FragmentedSend(kind, bytes, frames);
	}

	private static Command ping(String payload) {
		byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
		if (bytes.length > MAX_PING_PAYLOAD) {
			throw new Malformed("ping [PAYLOAD]: PAYLOAD is at most " + MAX_PING_PAYLOAD
					+ " bytes of UTF-8, as in every control frame (RFC 6455 5.5); got " + bytes.length);
		}
		return lab -> lab.session().sendMessage(new PingMessage(ByteBuffer.wrap(bytes)));
	}

	private static Command delay(String rest) {
		String[] args = words("delay MS", rest, 1, 1);
		return new Delay(Duration.ofMillis(number("delay MS", "MS", args[0], 0, MAX_DELAY.toMillis())));
	}

	private Command flood(MessageKind kind, String usage, String rest) {
		String[] args = words(usage, rest, 2, 2);
		int count = (int) number(usage, "N", args[0], 1, MAX_FLOOD_MESSAGES);
		int size = (int) number(usage, "S", args[1], 0, this.maxMessageBytes);
		if ((long) count * size > MAX_FLOOD_BYTES) {
			throw new Malformed(usage + ": N x S is at most " + MAX_FLOOD_BYTES + " bytes; got " + (long) count * size);
		}
		return new Flood(kind, count, size);
	}

	private static Command none(String usage, String rest, Command command) {
		words(usage, rest, 0, 0);
		return command;
	}

	/** The code (first word) and the reason (everything after the space that ends the code, as is). */
	private static String[] codeAndReason(String usage, String rest) {
		String text = rest.stripLeading();
		int end = 0;
		while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
			end++;
		}
		if (end == 0) {
			throw new Malformed(usage + ": needs a CODE");
		}
		return new String[] { text.substring(0, end), (end < text.length()) ? text.substring(end + 1) : "" };
	}

	private static String reason(String usage, String reason) {
		int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > MAX_CLOSE_REASON) {
			throw new Malformed(usage + ": REASON is at most " + MAX_CLOSE_REASON
					+ " bytes of UTF-8, what a close frame has room for (RFC 6455 5.5.1); got " + bytes);
		}
		return reason;
	}

	private static String[] words(String usage, String rest, int min, int max) {
		String text = rest.strip();
		String[] words = text.isEmpty() ? new String[0] : text.split("\\s+");
		if (words.length < min || words.length > max) {
			String expected = (min == max) ? ((max == 0) ? "no arguments" : min + " argument" + (min > 1 ? "s" : ""))
					: min + " to " + max + " arguments";
			throw new Malformed(usage + ": takes " + expected + "; got " + words.length);
		}
		return words;
	}

	private static long number(String usage, String name, String word, long min, long max) {
		if (word.matches("[0-9]{1,18}")) {
			long value = Long.parseLong(word);
			if (value >= min && value <= max) {
				return value;
			}
		}
		throw new Malformed(usage + ": " + name + " must be a whole number from " + min + " to " + max + "; got \""
				+ shorten(word) + "\"");
	}

	private static String shorten(String word) {
		return (word.length() <= 40) ? word : word.substring(0, 40) + "...";
	}

	private static String help(long maxMessageBytes) {
		return String.join("\n",
				"wsdeck lab: one command per text message. Binary messages are echoed.",
				"  echo [TEXT]              TEXT back, after the delay",
				"  close CODE [REASON]      close with CODE (1000-1003, 1007-1013, 3000-4999) and REASON (<= 123 bytes)",
				"  close-raw CODE [REASON]  close frame with any CODE 0-65535, even ones RFC 6455 forbids",
				"  send N [K]               a text message of N bytes (a-z repeating) in K frames (default 1; <= "
						+ MAX_TEXT_FRAME + " bytes a frame)",
				"  send-binary N [K]        a binary message of N bytes (0-255 repeating) in K frames (default 1)",
				"  ping [PAYLOAD]           a ping with PAYLOAD (<= 125 bytes); pongs come back as \"pong received: PAYLOAD\"",
				"  delay MS                 delay later echoes by MS ms (0-" + MAX_DELAY.toMillis()
						+ "; 0 stops); answers keep their order",
				"  flood N S                N text messages of S bytes, fast (N <= " + MAX_FLOOD_MESSAGES
						+ ", N x S <= 256 MiB), then \"flood done N\"",
				"  flood-binary N S         the same, binary",
				"  headers                  the handshake request line and headers (credentials redacted)",
				"  drop                     close the TCP connection without a close frame (a browser reports 1006)",
				"  fail                     the handler throws at once, as a bug would: close 1011 \"internal error: ...\"",
				"  help                     this list",
				"N and S are at most " + maxMessageBytes + " bytes (wsdeck.limits.max-message-size); K at most "
						+ MAX_FRAMES + ".");
	}

	/** A command that cannot be run; its message is the answer after {@code error: }. */
	private static final class Malformed extends RuntimeException {

		Malformed(String message) {
			super(message, null, false, false);
		}

	}

}
