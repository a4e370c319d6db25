package io.wsdeck.lab;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.Executor;

import io.wsdeck.config.WsdeckProperties;
import io.wsdeck.liveness.Heartbeat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The lab endpoint: every text message is a command ({@link CommandParser}), every binary message is echoed, and
 * every pong the client sends is reported as {@code pong received: PAYLOAD}. Answers go out in arrival order
 * through the session's {@link Outbox}, off the container's read thread.
 */
@Component
public class LabHandler extends TextWebSocketHandler {

	private static final Logger log = LoggerFactory.getLogger(LabHandler.class);

	private static final String LAB_SESSION = LabSession.class.getName();

	/** Messages waiting for their answers, per session; with the byte bound, what a backlog may hold. */
	private static final int MAX_BACKLOG = 10_000;

	private final CommandParser parser;

	private final TaskScheduler scheduler;

	private final long maxBacklogBytes;

	/**
	 * Writes the answers: the threads that also write large echoes, which may wait as long as one client takes to
	 * read ({@code wsdeck.outbound.echo-threads}).
	 */
	private final Executor writers;

	public LabHandler(WsdeckProperties properties, @Qualifier(LabConfiguration.SCHEDULER) TaskScheduler scheduler,
			@Qualifier("echoSender") Executor writers) {
		this.parser = new CommandParser(properties.limits().maxMessageSize().toBytes());
		this.scheduler = scheduler;
		this.writers = writers;
		// As much as may wait to be sent to a session on any endpoint before it counts as a slow consumer.
		this.maxBacklogBytes = properties.outbound().sendBufferLimit().toBytes();
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		Outbox outbox = new Outbox(this.scheduler, this.writers, MAX_BACKLOG, this.maxBacklogBytes,
				(failure) -> answerFailed(session, failure));
		session.getAttributes()
			.put(LAB_SESSION, new LabSession(session, outbox, new Reassembly(CommandParser.MAX_COMMAND_BYTES)));
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		LabSession lab = lab(session);
		Reassembly.WholeText whole = (lab != null) ? lab.reassembly().text(message) : null;
		if (whole != null) {
			Command command = (whole.text() != null) ? this.parser.parse(whole.text())
					: CommandParser.tooLong(whole.bytes());
			if (command == Fail.INSTANCE) {
				Fail.INSTANCE.run(lab); // here, on the reading thread, not in its turn: see Fail
			}
			accept(lab, command, whole.bytes());
		}
	}

	@Override
	protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
		LabSession lab = lab(session);
		byte[] whole = (lab != null) ? lab.reassembly().binary(message) : null;
		if (whole != null) {
			accept(lab, new Echo(new BinaryMessage(whole)), whole.length);
		}
	}

	@Override
	protected void handlePongMessage(WebSocketSession session, PongMessage message) {
		LabSession lab = lab(session);
		if (lab != null && !Heartbeat.isAnswer(message.getPayload())) { // the server's own pings are not the client's business
			accept(lab, new Reply("pong received: " + readable(message.getPayload())), 0);
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		LabSession lab = (LabSession) session.getAttributes().remove(LAB_SESSION);
		if (lab != null) {
			lab.close();
		}
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	/** Nothing is dropped silently: a message is answered in order, or the session is closed. */
	private static void accept(LabSession lab, Command command, long bytes) {
		if (!lab.accept(command, bytes)) {
			closeQuietly(lab.session(), CloseStatus.POLICY_VIOLATION.withReason("lab backlog: over "
					+ lab.outbox().maxEntries() + " messages or " + lab.outbox().maxBytes() + " bytes unanswered"));
		}
	}

	/** @return {@code null} once the session has closed: a close on a lab thread can overtake a message being read */
	private static LabSession lab(WebSocketSession session) {
		return (LabSession) session.getAttributes().get(LAB_SESSION);
	}

	/**
	 * A failed answer ends the session's lab: a lost connection has nothing left to tell; anything else is a lab
	 * bug, closed with 1011 like a handler failure on any endpoint.
	 */
	private static void answerFailed(WebSocketSession session, Exception failure) {
		if (failure instanceof IOException) {
			log.info("Lab session {} lost its connection while answering: {}", session.getId(), failure.toString());
			return;
		}
		log.warn("Lab answer failed on session {}", session.getId(), failure);
		closeQuietly(session, CloseStatus.SERVER_ERROR.withReason("internal error: " + failure.getClass().getSimpleName()));
	}

	private static void closeQuietly(WebSocketSession session, CloseStatus status) {
		try {
			session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			log.debug("Close of lab session {} failed: {}", session.getId(), ex.toString());
		}
	}

	/** A pong payload as UTF-8 when it is valid UTF-8, else as {@code 0x} and hex. */
	static String readable(ByteBuffer payload) {
		ByteBuffer bytes = payload.duplicate();
		try {
			return StandardCharsets.UTF_8.newDecoder().decode(bytes).toString();
		}
		catch (CharacterCodingException ex) {
			byte[] raw = new byte[payload.remaining()];
			payload.duplicate().get(raw);
			return "0x" + HexFormat.of().formatHex(raw);
		}
	}

}
