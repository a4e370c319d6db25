package io.wsdeck.session;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.websocket.CloseReason;
import org.apache.tomcat.websocket.PerMessageDeflate;
import org.apache.tomcat.websocket.WsFrameBase;
import org.apache.tomcat.websocket.WsRemoteEndpointImplBase;
import org.apache.tomcat.websocket.WsSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * One open session as the rest of wsdeck sees it: safe to send to from any thread, with two lanes.
 * <ul>
 * <li>{@link #sendMessage} is the <em>reply</em> lane, used by the echo from the container's read path. A whole
 * message is written in the caller's thread, so a client that does not read its echoes stops being read:
 * backpressure. A large message arrives in parts and its echo streams out part by part; on the echo endpoints
 * those parts are queued and written by an echo-sender thread, so the reading goes on while the client is still
 * sending and not yet reading (a client that sends a whole 10 MB message before it reads would otherwise stall
 * both ends). Queued reply bytes count towards the send-buffer limit; past it the reading waits for the queue to
 * drain, which is backpressure again.</li>
 * <li>{@link #push} is for server-initiated messages (ticks, broadcasts). It never blocks the caller: pushes are
 * queued and written in order by a push-sender thread. A push never lands between two fragments of a reply
 * (Spring sends every message through Tomcat's partial-send call, so it would silently become part of the
 * echoed text, or kill the session mid-binary): while a reply is open, pushes wait for its last fragment.</li>
 * </ul>
 * Both lanes write under one lock, so one thread writes while the others wait (replies) or queue (pushes); Spring's
 * {@code ConcurrentWebSocketSessionDecorator}, which this replaces, only added a second queue and a second lock on
 * every message, and closes with the non-standard 4500 that clients do not know. A client that cannot keep up is a
 * slow consumer, 1008 with a reason saying so: with more than the send-buffer limit waiting it is closed; when one
 * write blocks for the send-time limit its connection is dropped ({@link #closedAs}). Nothing is dropped while the
 * session stays open.
 */
public final class ManagedSession extends WebSocketSessionDecorator {

	private static final Logger log = LoggerFactory.getLogger(ManagedSession.class);

	private final WebSocketSession container;

	private final ConnectionWriter writer;

	private final Endpoint endpoint;

	private final Executor pushSender;

	/** Writes when reply parts are queued: a slow reader of a large echo must not hold a push sender. */
	private final Executor echoSender;

	private final long sendBufferLimit;

	private final long sendTimeLimitMillis;

	/**
	 * How much sooner than the send-time limit Tomcat's write timeout may fire by this class's clock: Tomcat sets its
	 * deadline from {@link System#currentTimeMillis()} and stops waiting with less than a millisecond left.
	 */
	private static final long TIMER_SLACK_MILLIS = 5;

	/**
	 * Tomcat's session property for how long a close other than 1000 may wait for the write in progress and then
	 * for its own frame to be written, before Tomcat drops the connection without one.
	 */
	private static final String CLOSE_SEND_TIMEOUT = "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";

	/**
	 * Tomcat's default for {@link #CLOSE_SEND_TIMEOUT}, kept for closes on a reading thread: Tomcat waits there by
	 * spinning on the connection's lock, and an answer to bad input is worth no more than that.
	 */
	private static final long QUICK_CLOSE_MILLIS = 50;

	/** What a close at a deadline gives its frame ({@link #closeNow}): time to write it, not to wait for room. */
	private static final long DEADLINE_CLOSE_MILLIS = 1;

	private final Instant openedAt = Instant.now();

	private final InboundMessage inbound;

	private final MessageRate rate;

	/**
	 * Held while a message (or one fragment of it) is written, so replies, pushes and pings never interleave and
	 * {@link ConnectionWriter} has one writer at a time.
	 */
	private final ReentrantLock writeLock = new ReentrantLock();

	/** Guards the push queue and the flags below; never held while writing. */
	private final Object queueLock = new Object();

	// The queues start small (they grow as needed): every idle session holds three, mostly empty
	private final Queue<Pending> pushes = new ArrayDeque<>(1);

	/** Parts of replies waiting to be written, in order; written before any push, and only on echo endpoints. */
	private final Queue<Pending> replies = new ArrayDeque<>(1);

	/** Whether large replies go through {@link #replies}: the lab writes on its own threads and keeps its order. */
	private final boolean queuesReplies;

	/** Bytes of {@link #replies}, taken from {@link #echoQueue}; guarded by {@link #queueLock}. */
	private long replyBytes;

	private final EchoQueueBudget echoQueue;

	/** Answers to the client's pings, written first by the queue's writer, in order ({@link #answerPing}). */
	private final Queue<Pending> pongs = new ArrayDeque<>(1);

	/** Pings whose answers may wait; a client that pings faster than it reads gets answers to the latest. */
	private static final int MAX_PENDING_PONGS = 32;

	/** Whether the session is still being opened ({@link #opened}); guarded by the queue lock. */
	private boolean opening = true;

	/** Whether the writing thread waits for the next part of a reply ({@link #drain}); guarded by the queue lock. */
	private boolean drainLingering;

	/** How long the writing thread waits for the next part of a reply before it gives up its turn. */
	private static final long LINGER_MILLIS = 2;

	/** Readers waiting for the queue to drain ({@link #awaitRoomLocked}, {@link #awaitRepliesWrittenLocked}). */
	private int waiting;

	private volatile long queuedBytes;

	private boolean replyOpen;

	/**
	 * Whether the close wsdeck has decided on waits for the reply under way to be finished ({@link #closeLater}):
	 * its parts are still read, echoed and written, and nothing after it; guarded by the queue lock.
	 */
	private boolean finishingReply;

	/** Whether the close had to go out before the reply it waited for was finished ({@link #awaitReplyFinished}). */
	private volatile boolean replyCutShort;

	private boolean draining;

	private final AtomicReference<CloseStatus> closeSent = new AtomicReference<>();

	private final AtomicInteger unansweredPings = new AtomicInteger();

	/** Whether a ping waits for a thread to write it ({@link #ping}). */
	private volatile boolean pingQueued;

	private volatile long lastDataNanos = System.nanoTime();

	/** What the heartbeat's sweeps have seen of the client besides its pongs; only the sweep touches it. */
	private final ReadingEvidence readingEvidence;

	private volatile boolean connectionFailed;

	/** Whether {@link #closedAs} has reported this session's write that ran out of time; Tomcat's thread only. */
	private boolean droppedAsSlow;

	/** The thread in Tomcat's close of this session while it is in it ({@link #connectionFailed}). */
	private volatile Thread closingThread;

	/** How the connection was dropped ({@link #dropConnection}), or {@code null}. */
	private volatile CloseStatus droppedAs;

	/** The close the client asked for ({@link #closeAsAsked}), or {@code null}. */
	private volatile CloseStatus askedFor;

	/** The close Tomcat's frame parser decided on and left to this session ({@link #failLater}), or {@code null}. */
	private volatile CloseReason parserFailure;

	ManagedSession(WebSocketSession container, Endpoint endpoint, SessionSupport support) {
		this(container, endpoint, support, new ConnectionWriter(container, endpoint, support.observer()));
	}

	private ManagedSession(WebSocketSession container, Endpoint endpoint, SessionSupport support,
			ConnectionWriter writer) {
		super(writer);
		this.container = container;
		this.writer = writer;
		this.endpoint = endpoint;
		this.pushSender = support.pushSender();
		this.echoSender = support.echoSender();
		this.sendBufferLimit = support.settings().sendBufferBytes();
		this.sendTimeLimitMillis = support.settings().sendTimeLimit().toMillis();
		this.readingEvidence = new ReadingEvidence(support.settings().sendTimeLimit().toNanos());
		this.queuesReplies = endpoint.echoes();
		this.echoQueue = support.echoQueue();
		this.inbound = new InboundMessage(support.settings().maxMessageBytes(), writer.sizes());
		this.rate = new MessageRate(support.settings().maxMessagesPerSecond());
	}

	public Endpoint endpoint() {
		return this.endpoint;
	}

	public Instant openedAt() {
		return this.openedAt;
	}

	public Traffic traffic() {
		return this.writer.traffic();
	}

	/** When the session has ended: reports the fragments of messages it was in the middle of, each way. */
	void reportCutShort(SessionObserver observer) {
		if (this.inbound.fragments() > 0) {
			observer.cutShort(this.endpoint, this.inbound.kind(), true, this.inbound.bytes());
		}
		this.writer.reportCutShort();
	}

	InboundMessage inbound() {
		return this.inbound;
	}

	MessageRate rate() {
		return this.rate;
	}

	/** The close status wsdeck sent, or {@code null} if the client closed first. */
	public CloseStatus closeSent() {
		return this.closeSent.get();
	}

	/**
	 * Bytes accepted for sending and not yet written to the connection: queued pushes, messages waiting behind the
	 * send in progress, and that send itself (a 10 MB send blocked on a slow client counts 10 MB until it
	 * completes).
	 */
	public long bufferedBytes() {
		return this.writer.outstandingBytes() + this.queuedBytes;
	}

	/**
	 * Reply lane: a whole message or the next fragment of one, in the order the echo produces them. Once wsdeck has
	 * decided to close the session, replies are dropped, as queued pushes are, except the rest of a reply the close
	 * waits for ({@link #closeLater}): the close says so, and it goes out once that is written, not behind more.
	 */
	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		if (this.closeSent.get() != null && !finishesReply()) {
			return;
		}
		if (this.queuesReplies && !sendsInline(message) && queueReply(message)) {
			return;
		}
		this.writeLock.lock();
		try {
			send(message);
			synchronized (this.queueLock) {
				this.replyOpen = !message.isLast();
				if (!this.replyOpen) {
					startDrainLocked();
					if (this.waiting > 0) {
						this.queueLock.notifyAll(); // a close waiting for this reply to end
					}
				}
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/**
	 * Whether a reply is written in the caller's thread: a whole message with no reply queued ahead of it. Only the
	 * reading thread sends replies, so what this sees queued cannot change before the write starts; a part the
	 * drain has taken is written under the write lock, which the inline write then waits for.
	 */
	private boolean sendsInline(WebSocketMessage<?> message) {
		synchronized (this.queueLock) {
			return message.isLast() && !this.replyOpen && this.replies.isEmpty();
		}
	}

	/**
	 * Queues a part of a reply (or a whole one behind such parts) for an echo-sender thread. Tomcat lends the payload
	 * of a binary part only for the length of the call, so it is copied; a text part is an immutable string.
	 * @return {@code false} when the server-wide {@link EchoQueueBudget} is spent: the caller writes the part
	 *         itself, once this session's queued replies are written
	 */
	private boolean queueReply(WebSocketMessage<?> message) throws IOException {
		long size = this.writer.sizes().of(message);
		synchronized (this.queueLock) {
			awaitRoomLocked(size);
			if (!writesRepliesLocked() || !isOpen()) {
				return true; // ended while it waited: the close says so, as for pushes
			}
			if (!this.echoQueue.tryTake(size)) {
				awaitRepliesWrittenLocked();
				return false;
			}
			this.replies.add(new Pending(ownedCopy(message), size, false));
			this.queuedBytes += size;
			this.replyBytes += size;
			this.replyOpen = !message.isLast();
			if (this.drainLingering) {
				this.queueLock.notifyAll();
			}
			startDrainLocked();
			return true;
		}
	}

	/**
	 * Waits while queueing {@code size} more bytes would pass the send-buffer limit and something is queued to be
	 * written first. The writing thread makes room; if its write stays blocked, the send-time limit ends the session,
	 * which ends the wait too. The reading thread stops reading meanwhile, so the client's sends block: backpressure.
	 */
	private void awaitRoomLocked(long size) throws IOException {
		while (this.replyBytes > 0 && this.writer.outstandingBytes() + this.replyBytes + size > this.sendBufferLimit
				&& writesRepliesLocked() && isOpen()) {
			awaitDrainLocked();
		}
	}

	/**
	 * Waits until every queued reply part has been taken for writing; the last one taken is written under the write
	 * lock, which the caller's own write then waits for.
	 */
	private void awaitRepliesWrittenLocked() throws IOException {
		while (!this.replies.isEmpty() && writesRepliesLocked() && isOpen()) {
			awaitDrainLocked();
		}
	}

	/** One wait for the writing thread to take something from the queue, or for the session to end. */
	private void awaitDrainLocked() throws IOException {
		this.waiting++;
		try {
			this.queueLock.wait(this.sendTimeLimitMillis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while waiting to queue a reply on session " + getId());
		}
		finally {
			this.waiting--;
		}
	}

	private static WebSocketMessage<?> ownedCopy(WebSocketMessage<?> message) {
		if (message instanceof BinaryMessage binary) {
			return new BinaryMessage(copyOf(binary.getPayload()), binary.isLast());
		}
		return message;
	}

	/** A copy of the bytes Tomcat lends for the length of a call. */
	private static ByteBuffer copyOf(ByteBuffer lent) {
		return ByteBuffer.allocate(lent.remaining()).put(lent.duplicate()).flip();
	}

	/**
	 * Push lane: queues a whole server-initiated message, to be sent after what was queued before it and never
	 * inside a reply. Does not block.
	 * @return whether it was queued; {@code false} once the session is closing, or when queueing it would pass the
	 *         send-buffer limit, in which case the session is closed as a slow consumer
	 */
	public boolean push(WebSocketMessage<?> message) {
		return push(message, false);
	}

	/**
	 * Push lane for a message that goes to many sessions alike: as {@link #push(WebSocketMessage)}, and with
	 * permessage-deflate its compressed bytes may be shared with the other sessions it goes to.
	 */
	public boolean pushToMany(WebSocketMessage<?> message) {
		return push(message, true);
	}

	private boolean push(WebSocketMessage<?> message, boolean toMany) {
		long size = this.writer.sizes().of(message);
		long buffered;
		boolean heldBehindReply;
		synchronized (this.queueLock) {
			if (this.closeSent.get() != null || !isOpen()) {
				return false;
			}
			// The lanes are bounded apart: a client held back while it sends a large message is not slow to read
			buffered = this.writer.outstandingBytes() + this.queuedBytes - this.replyBytes;
			if (buffered + size <= this.sendBufferLimit) {
				this.pushes.add(new Pending(message, size, toMany));
				this.queuedBytes += size;
				startDrainLocked();
				return true;
			}
			heldBehindReply = this.replyOpen;
		}
		// Pushes wait while an echo is open, and an echo stays open until the client has sent all of its message: a
		// client that sends one slowly piles them up however fast it reads, and is told so
		closeLater(CloseStatus.POLICY_VIOLATION.withReason(heldBehindReply
				? "pushes held back: " + buffered + " bytes buffered behind the echo of a message the client is "
						+ "still sending"
				: "slow consumer: " + buffered + " bytes buffered, " + size + " more over the " + this.sendBufferLimit
						+ "-byte limit"));
		return false;
	}

	/**
	 * Sends a ping, between fragments if need be (RFC 6455 5.4 allows it), without blocking the caller; for the
	 * heartbeat, its only caller. While a write is in progress there is no ping: it would only wait behind that
	 * write, and a write that stays blocked ends the session at the send-time limit instead ({@link #closedAs}). A
	 * ping counts as unanswered once it is written, not when it is queued: it may wait for a push sender while every
	 * one is stuck on other clients, and a client that was never pinged is not dead. One waits at most.
	 * @return whether a ping was queued
	 */
	public boolean ping(byte[] payload) {
		if (this.writer.isWriting() || this.pingQueued) {
			return false;
		}
		this.pingQueued = true;
		dispatch(() -> {
			this.pingQueued = false;
			this.unansweredPings.incrementAndGet(); // before the write: its pong may come back at once
			writeControl(new PingMessage(ByteBuffer.wrap(payload)));
		});
		return true;
	}

	/**
	 * Answers the client's ping from the queue's writer when the answer would wait behind a write: Tomcat answers
	 * on the reading thread, which would stop reading until that write is through, and a write to a client that
	 * reads only after it has sent everything is through only then. Otherwise the reading thread answers at once, as
	 * Tomcat would, but through this session's writer: an answer the client does not read is then this session's
	 * write that ran out of time (a slow consumer, 1008), where Tomcat's own was logged and counted as the client's
	 * 1006 "Write timeout". Answers taken wait in order, and once one waits, the next pings' answers wait behind it.
	 * @return {@code true}: the answer is always the session's
	 */
	private boolean answerPing(ByteBuffer payload) {
		PongMessage answer = new PongMessage(copyOf(payload));
		synchronized (this.queueLock) {
			if (this.draining || !this.replies.isEmpty() || !this.pongs.isEmpty() || this.writer.isWriting()) {
				if (this.pongs.size() == MAX_PENDING_PONGS) {
					this.pongs.poll(); // RFC 6455 5.5.3: answering the most recent pings is enough
				}
				this.pongs.add(new Pending(answer, 0, false)); // not counted: 125 bytes at most
				startDrainLocked();
				return true;
			}
		}
		writeControl(answer);
		return true;
	}

	/**
	 * The client has sent its close: the echoes of the messages before it go out before the answering close, as RFC
	 * 6455 5.5.1 allows, or a client that sends its last message and its close together (`ws.send(x); ws.close()`)
	 * would lose that echo halfway. Not when the close cut a message short: there is no whole reply to finish. A
	 * client that does not read meets the send-time limit, which ends the wait.
	 */
	private void finishRepliesBeforeClose() {
		if (!this.queuesReplies) {
			return;
		}
		synchronized (this.queueLock) {
			if (this.replyOpen) {
				return;
			}
			try {
				awaitRepliesWrittenLocked();
			}
			catch (IOException ex) { // interrupted: answer the close now
				return;
			}
		}
		this.writeLock.lock(); // the last part taken is written under it
		this.writeLock.unlock();
	}

	/** Writes a ping or pong; the write lock is taken per fragment, so it can go out between a reply's fragments. */
	private void writeControl(WebSocketMessage<?> control) {
		this.writeLock.lock();
		try {
			send(control); // accepted, then written: buffered bytes balance
		}
		catch (IOException | RuntimeException ex) {
			log.debug("{} to session {} failed: {}", control.getClass().getSimpleName(), getId(), ex.toString());
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/** What wsdeck's copy of Tomcat's frame parser asks this session while it reads. */
	WsFrameBase.Hooks frameParserHooks() {
		return new FrameParserHooks();
	}

	/**
	 * The session has been opened and greeted: pushes may go out now. Until then they wait, so that nothing comes
	 * before the greeting.
	 */
	void opened() {
		synchronized (this.queueLock) {
			this.opening = false;
			startDrainLocked();
		}
	}

	/** Pings sent since the last pong. */
	public int unansweredPings() {
		return this.unansweredPings.get();
	}

	/**
	 * For the heartbeat, before it looks at {@link #unansweredPings}: a client that shows it is alive otherwise
	 * ({@link ReadingEvidence}: it sends, or it is reading what it was sent) has the pings sent before no longer
	 * counted. A pong can come late behind megabytes still in the socket buffers.
	 */
	public void forgetUnansweredPingsIfAlive() {
		Traffic traffic = this.writer.traffic();
		if (this.readingEvidence.showsLife(traffic.bytesIn(), traffic.bytesOut(), this.writer.isWriting(),
				System.nanoTime())) {
			this.unansweredPings.set(0);
		}
	}

	void pongReceived() {
		this.unansweredPings.set(0);
	}

	void dataReceived() {
		this.lastDataNanos = System.nanoTime();
	}

	/** Nanoseconds since the client last sent a data message (or since it connected). */
	public long idleNanos() {
		return System.nanoTime() - this.lastDataNanos;
	}

	private void startDrainLocked() {
		if (!this.draining && (!this.pongs.isEmpty() || !this.replies.isEmpty()
				|| (!this.replyOpen && !this.opening && !this.pushes.isEmpty()))) {
			this.draining = true;
			boolean replies = !this.replies.isEmpty();
			dispatch(replies ? this.echoSender : this.pushSender, () -> drain(replies));
		}
	}

	/**
	 * Writes queued reply parts, then queued pushes, in order, until both queues are empty or a reply is open with
	 * none of its parts queued. Each is taken from its queue under the write lock, so an inline reply that found the
	 * queues empty waits for the last part taken. When the queue runs dry in the middle of a reply, the writing
	 * thread waits {@link #LINGER_MILLIS} for the next part before it gives up its turn: the parts of a large message
	 * come one after another, and handing each to a new writer's turn cost a fifth of the echo's throughput.
	 */
	private void drain(boolean onEchoSender) {
		boolean lingered = false;
		while (true) {
			boolean linger = false;
			this.writeLock.lock();
			try {
				Pending next;
				synchronized (this.queueLock) {
					if (!onEchoSender && !this.replies.isEmpty()) {
						// Reply parts came while a push sender had the turn: the echo senders take it over
						dispatch(this.echoSender, () -> drain(true));
						return;
					}
					next = pollNextLocked();
					if (next == null) {
						linger = this.replyOpen && !lingered && writesRepliesLocked();
						if (!linger) {
							this.draining = false;
							return;
						}
					}
					else {
						lingered = false;
						if (this.waiting > 0) {
							this.queueLock.notifyAll();
						}
					}
				}
				if (next != null) {
					send(next.message(), next.toMany());
				}
			}
			catch (IOException | RuntimeException ex) {
				log.debug("Queued send to session {} failed: {}", getId(), ex.toString());
				discardQueued();
				return;
			}
			finally {
				this.writeLock.unlock();
			}
			if (linger) {
				awaitNextPart();
				lingered = true;
			}
		}
	}

	/**
	 * The next thing to write, taken off its queue: an answer to a ping (control frames may go between a reply's
	 * parts, RFC 6455 5.4), else a reply part, else, with no reply open and the greeting sent, a push.
	 */
	private Pending pollNextLocked() {
		Pending pong = this.pongs.poll();
		if (pong != null) {
			return pong;
		}
		Pending reply = this.replies.poll();
		if (reply != null) {
			this.replyBytes -= reply.size();
			this.echoQueue.release(reply.size());
			this.queuedBytes -= reply.size();
			return reply;
		}
		Pending push = (this.replyOpen || this.opening) ? null : this.pushes.poll();
		if (push != null) {
			this.queuedBytes -= push.size();
		}
		return push;
	}

	/** Outside the write lock, so pings and inline replies are not held up by the wait. */
	private void awaitNextPart() {
		synchronized (this.queueLock) {
			if (this.replies.isEmpty() && this.replyOpen) {
				this.drainLingering = true;
				try {
					this.queueLock.wait(LINGER_MILLIS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					this.drainLingering = false;
				}
			}
		}
	}

	/**
	 * Runs a write on a push-sender thread; in the caller's thread if the executor no longer takes work (the
	 * server is stopping and the executor may stop before the last closes are written).
	 */
	private void dispatch(Runnable write) {
		dispatch(this.pushSender, write);
	}

	private void dispatch(Executor executor, Runnable write) {
		try {
			executor.execute(write);
		}
		catch (RejectedExecutionException ex) {
			write.run();
		}
	}

	/**
	 * Drops what is queued (pushes, reply parts, answers to pings) and gives up the queue's turn to write: the
	 * session is ending, or its writes failed.
	 */
	private void discardQueued() {
		synchronized (this.queueLock) {
			this.finishingReply = false;
			this.pongs.clear();
			dropQueuedLocked();
			this.draining = false;
		}
	}

	/** Drops the queued pushes and reply parts, and wakes a reader waiting for room. */
	private void dropQueuedLocked() {
		this.pushes.clear();
		this.replies.clear();
		this.echoQueue.release(this.replyBytes);
		this.replyBytes = 0;
		this.queuedBytes = 0;
		this.queueLock.notifyAll();
	}

	/**
	 * Drops what is queued except the parts of the reply under way, which the close waits for: pushes, answers to
	 * pings, and whole replies queued behind it.
	 */
	private void discardQueuedAfterReplyLocked() {
		this.pushes.clear();
		this.pongs.clear();
		boolean pastReply = false;
		for (Iterator<Pending> parts = this.replies.iterator(); parts.hasNext();) {
			Pending part = parts.next();
			if (pastReply) {
				parts.remove();
				this.replyBytes -= part.size();
				this.echoQueue.release(part.size());
			}
			else {
				pastReply = part.message().isLast();
			}
		}
		this.queuedBytes = this.replyBytes;
		this.queueLock.notifyAll();
	}

	/** Whether replies are still written: no close decided, or one that waits for the reply under way. */
	private boolean writesRepliesLocked() {
		return this.closeSent.get() == null || this.finishingReply;
	}

	/**
	 * Whether a close has been decided that waits for the reply under way, which is not finished yet: the rest of
	 * the client's message is still read and echoed ({@link ManagedSessionHandler}).
	 */
	boolean finishesReply() {
		synchronized (this.queueLock) {
			return this.finishingReply && this.replyOpen;
		}
	}

	private void send(WebSocketMessage<?> message) throws IOException {
		send(message, false);
	}

	private void send(WebSocketMessage<?> message, boolean toMany) throws IOException {
		// Size first: Tomcat consumes a binary payload's buffer as it writes it.
		this.writer.accepted(this.writer.sizes().of(message));
		try {
			if (toMany) {
				// wsdeck's copy of Tomcat's PerMessageDeflate: compressed once for all the sessions it goes to
				PerMessageDeflate.sendShared(() -> this.writer.sendMessage(message));
			}
			else {
				this.writer.sendMessage(message);
			}
		}
		catch (IllegalStateException ex) {
			if (isOpen() && !closeWritten()) {
				throw ex;
			}
			// Closed under us, or closing (a client's close answered while a lab flood or a push was under way):
			// the client sees the close, not a half-sent message.
		}
	}

	/** Whether Tomcat has written this session's close frame, after which it refuses every send. */
	private boolean closeWritten() {
		WsSession tomcat = TomcatSessions.of(this.container);
		try {
			return tomcat == null || WsRemoteEndpointImplBase.of(tomcat).closeWritten();
		}
		catch (IllegalStateException closed) {
			return true;
		}
	}

	/**
	 * The status to log, count and tell the endpoint's handler for the close Tomcat reports. Tomcat gives a blocking
	 * write the send-time limit ({@link ManagedSessionHandler} sets its timeout), then fails it and closes the
	 * session from inside that write, as 1006 "Write timeout". That is this session's slow-consumer close, so it is
	 * reported as 1008 by the server. The client cannot be told: no close frame can follow the frame it stopped
	 * reading, so it only sees the connection end.
	 */
	CloseStatus closedAs(CloseStatus reported) {
		CloseStatus dropped = this.droppedAs;
		if (dropped != null) {
			return dropped;
		}
		long blocked = blockedMillisOnThisThread();
		if (blocked < this.sendTimeLimitMillis - TIMER_SLACK_MILLIS) {
			return withWhatTheClientMissed(reported); // not closed by a write of this session's that ran out of time
		}
		CloseStatus slow = CloseStatus.POLICY_VIOLATION.withReason("slow consumer: a send blocked for " + blocked
				+ " ms, " + bufferedBytes() + " bytes buffered; connection dropped "
				+ "(no close frame can pass a write the client is not reading)");
		claimClose(slow);
		this.droppedAsSlow = true;
		return slow;
	}

	/**
	 * How long the write the calling thread is doing for this session has been blocked: a message through its writer,
	 * or the echoes and pongs Tomcat gathered over a read, which it writes at the end of the read once their sends
	 * have returned.
	 */
	private long blockedMillisOnThisThread() {
		long blocked = this.writer.blockedMillisOnThisThread();
		WsSession tomcat = TomcatSessions.of(this.container);
		if (blocked > 0 || tomcat == null) {
			return blocked;
		}
		try {
			return WsRemoteEndpointImplBase.of(tomcat).gatheredWriteBlockedMillisOnThisThread();
		}
		catch (IllegalStateException closed) {
			return 0;
		}
	}

	/**
	 * Whether the close {@link #closedAs} reported is the server's: this session's own drop, the close it sent, or
	 * one decided past it, which leaves a mark: Tomcat's frame parser closes the session the way a peer's close does
	 * (wsdeck's copy records its failure), and the lab's raw closes go to Tomcat's own session.
	 * A client whose close crossed the server's, and reached Tomcat first, is answered with its own code, which is
	 * then what Tomcat reports: that close is the client's, whatever the server had decided on.
	 */
	boolean closedByServer(CloseStatus closed) {
		CloseStatus sent = this.closeSent.get();
		return this.droppedAsSlow || (sent != null && sent.getCode() == closed.getCode())
				|| TomcatSessions.isMarked(this.container, WsFrameBase.FAILED_WITH)
				|| TomcatSessions.isMarked(this.container, ManagedSessionHandler.CLOSED_PAST_THE_SESSION);
	}

	/**
	 * The server's close says what the client got instead of it, if anything: when Tomcat could not write its frame
	 * (the connection failed while it tried, or a write the client does not read kept it out until the time allowed
	 * was up), the client saw the connection end, not this code; when the reply it waited for was not finished in
	 * time, the close came in the middle of that message. The server's close is wsdeck's own, or one Tomcat's frame
	 * parser decided on (1002, 1007), which Tomcat sends from the reading thread with its 50 ms.
	 */
	private CloseStatus withWhatTheClientMissed(CloseStatus reported) {
		String missed = !closedByServer(reported) ? null
				: this.connectionFailed ? "connection dropped (the close frame could not be sent)"
						: replyCutShort() ? "it cut short the message under way, not finished in time" : null;
		if (missed == null) {
			return reported;
		}
		String reason = (reported.getReason() != null) ? reported.getReason() + "; " : "";
		return reported.withReason(reason + missed);
	}

	/**
	 * Whether the close went out before the reply it waited for was finished: it gave up on it, or it is still
	 * waiting when another close (shutdown's last, at its deadline) got there first.
	 */
	private boolean replyCutShort() {
		synchronized (this.queueLock) {
			return this.replyCutShort || (this.finishingReply && (this.replyOpen || !this.replies.isEmpty()));
		}
	}

	/**
	 * The session has ended: a write still blocked on its connection fails now rather than at the send-time limit
	 * ({@link ConnectionWriter#abandon}). Tomcat reports a close once its close frame is out, which no write can be
	 * blocked under, or once it has given up on the frame and dropped the connection, when a blocked write has
	 * nothing left to wait for.
	 */
	void ended() {
		this.writer.abandon();
		discardQueued();
	}

	/**
	 * Closes with the given status, without blocking the caller: once the frame being written is out, not in the
	 * middle of it. For closes that answer what the client sent (a handler's 1003, the lab's), where the message
	 * under way is not finished. See {@link #closeLater} for those that finish it.
	 */
	@Override
	public void close(CloseStatus status) throws IOException {
		closeQuietly(status);
	}

	/**
	 * Closes as {@link #close} does, with a close the client asked for (the lab's {@code close CODE}): whatever its
	 * code, the session ending so is no problem of either side's, and its close line is INFO ({@link #endedAsAsked}).
	 */
	public void closeAsAsked(CloseStatus status) throws IOException {
		this.askedFor = status;
		close(status);
	}

	/** Whether the session ended with the close the client asked for, and not another close decided before it. */
	boolean endedAsAsked(CloseStatus closed) {
		CloseStatus asked = this.askedFor;
		return asked != null && asked.equals(this.closeSent.get()) && asked.getCode() == closed.getCode();
	}

	/**
	 * Closes on the caller's thread even if a close was claimed already, and may be waiting for a write in progress
	 * or for a thread ({@link #closeLater}): for shutdown's deadline. The close frame goes out if nothing is being
	 * written; else the connection is dropped at once, which also ends a write still blocked on it ({@link #ended}).
	 * Waiting Tomcat's 50 ms for each of them, one after another, made a shutdown with many sessions still being
	 * written to overrun its timeout by seconds. Tomcat closes a session once; a second close does nothing.
	 */
	public void closeNow(CloseStatus status) {
		claimClose(status);
		closeContainerQuietly(status, DEADLINE_CLOSE_MILLIS);
	}

	/**
	 * Whether the connection is closed, which the close that ends the session does not mean: after sending its close
	 * frame Tomcat keeps the connection open for the client's answer, then closes it (RFC 6455 7.1.1), and tells no
	 * one. A connection that failed counts as closed, including one on which the close frame could not be written:
	 * Tomcat drops it and reports the failure, but calls the session closed only at its own close timeout (30 s).
	 */
	public boolean isConnectionClosed() {
		WsSession tomcat = TomcatSessions.of(this.container);
		return this.connectionFailed || ((tomcat != null) ? tomcat.isClosed() : !isOpen());
	}

	/**
	 * Tomcat has reported an I/O failure on the connection, after which it closes it. A failure reported on another
	 * thread while wsdeck's close is in Tomcat's hands is the client hanging up once it has the close frame (or has
	 * given up on it): whether the frame got out is told on the closing thread, where Tomcat reports a send that
	 * failed before it reports the close.
	 * @param reporting the thread Tomcat reports the failure on
	 * @return whether the failure ended the connection before the close frame could be sent
	 */
	boolean connectionFailed(Thread reporting) {
		Thread closing = this.closingThread;
		if (closing != null && closing != reporting) {
			return false;
		}
		this.connectionFailed = true;
		return true;
	}

	/**
	 * Runs a close the caller makes past this session, on Tomcat's own (the lab's {@code close-raw}, whose codes
	 * Spring's API cannot express), as this session's own closes run: a failure Tomcat reports on another thread
	 * meanwhile is the client hanging up once it has the frame, not a frame that could not be sent.
	 */
	public void closePastTheSession(Runnable close) {
		this.closingThread = Thread.currentThread();
		try {
			close.run();
		}
		finally {
			this.closingThread = null;
		}
	}

	/**
	 * Ends the connection without a close frame (the lab's {@code drop}), past this session as
	 * {@link #closePastTheSession} does, and reports the session closed as {@code as}. Tomcat's reading thread may
	 * find the socket closed and report a close of its own before the dropping thread reports the drop's: either
	 * way the session ended by this drop, and its close line says so.
	 */
	public void dropConnection(CloseStatus as, Runnable drop) {
		claimClose(as);
		this.droppedAs = as;
		closePastTheSession(drop);
	}

	/**
	 * Closes without blocking the caller, within the send-time limit: for callers that must not wait on a client that
	 * may not be reading. See {@link #closeLater(CloseStatus, long)}.
	 */
	public void closeLater(CloseStatus status) {
		closeLater(status, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.sendTimeLimitMillis));
	}

	/**
	 * Closes without blocking the caller, for the server's own reasons (shutdown, a slow consumer, the heartbeat): an
	 * echo-sender thread waits for the reply under way to be finished and written (the rest of the client's message
	 * is still read and echoed; pushes and later replies are dropped), then sends the close frame. So a client that
	 * is reading gets the message it is in the middle of, whole, and then the close. Tomcat alone gives a close
	 * other than 1000 50 ms to get past a write in progress, then drops the connection without a close frame: a
	 * client reading a large message, or one slow enough to be closed with 1008, saw only the connection end. Waits
	 * until {@code deadlineNanos} ({@link System#nanoTime()}) at most, for the reply, the write and the frame; a
	 * write that stays blocked ends the session at its send-time limit anyway. The echo senders, not the push
	 * senders, do the waiting: the push senders' pool must not be held by it.
	 */
	public void closeLater(CloseStatus status, long deadlineNanos) {
		closeAfterWrites(status, deadlineNanos, true);
	}

	/**
	 * Closes without blocking the caller, for bad input: as {@link #closeLater}, but the reply under way is not
	 * finished (the client's message it echoes is refused), so the close frame follows the frame being written.
	 */
	void closeQuietly(CloseStatus status) {
		closeAfterWrites(status, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.sendTimeLimitMillis), false);
	}

	private void closeAfterWrites(CloseStatus status, long deadlineNanos, boolean finishReply) {
		if (claimClose(status, finishReply)) {
			dispatch(this.echoSender, () -> closeAfterWriteInProgress(status, deadlineNanos));
		}
	}

	private void closeAfterWriteInProgress(CloseStatus status, long deadlineNanos) {
		awaitReplyFinished(deadlineNanos);
		boolean locked = false;
		try {
			// Held through the close: no other write of this session's can start before the close frame. Past the
			// deadline nothing more is queued, but the write in progress (one part of a reply, or a whole message)
			// cannot be cut: a client that reads it, if slowly, lets it end, and the close follows it; one that does
			// not read is dropped at that write's own send-time limit, which ends this wait as well.
			long waitNanos = Math.max(deadlineNanos - System.nanoTime(),
					TimeUnit.MILLISECONDS.toNanos(this.sendTimeLimitMillis));
			locked = this.writeLock.tryLock(waitNanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try {
			long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
			closeContainerQuietly(status, Math.max(QUICK_CLOSE_MILLIS, left));
		}
		finally {
			if (locked) {
				this.writeLock.unlock();
			}
		}
	}

	/**
	 * Waits until the reply the close waits for has been handed to the writer, or the deadline; then nothing more is
	 * written but what is being written.
	 */
	private void awaitReplyFinished(long deadlineNanos) {
		synchronized (this.queueLock) {
			while (this.finishingReply && (this.replyOpen || !this.replies.isEmpty()) && isOpen()) {
				long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
				if (left <= 0) {
					break;
				}
				this.waiting++;
				try {
					this.queueLock.wait(left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
				finally {
					this.waiting--;
				}
			}
			if (this.finishingReply) {
				// Handed over, or out of time: what is still queued of the reply is cut short by the close
				this.replyCutShort = this.replyOpen || !this.replies.isEmpty();
				this.finishingReply = false;
				dropQueuedLocked(); // wakes a reading thread waiting for room: nothing more is queued
			}
		}
	}

	private boolean claimClose(CloseStatus status) {
		return claimClose(status, false);
	}

	/**
	 * @param finishReply whether the close waits for the reply under way (and keeps its queued parts), or drops
	 *        everything not yet being written
	 */
	private boolean claimClose(CloseStatus status, boolean finishReply) {
		// The session is ending; what it had not sent goes with it, announced by the close
		if (finishReply) {
			synchronized (this.queueLock) {
				// Claimed under the lock: the reading thread, once it sees the claim, asks finishesReply() under it
				// too, so no part of the reply under way can be taken for one that comes after the close.
				if (!this.closeSent.compareAndSet(null, status)) {
					return false;
				}
				this.finishingReply = this.replyOpen || !this.replies.isEmpty();
				discardQueuedAfterReplyLocked();
			}
		}
		else if (this.closeSent.compareAndSet(null, status)) {
			discardQueued();
		}
		else {
			return false;
		}
		if (!isNormal(status)) {
			// The decision; the close line that follows when the session has ended is the WARN, one per error close
			log.info("Closing session {} ({} {}) with {} \"{}\"", getId(), this.endpoint.tag(), getRemoteAddress(),
					status.getCode(), status.getReason());
		}
		return true;
	}

	/**
	 * Takes over the close of a connection Tomcat's frame parser has failed (1002, 1007) while a write is in progress:
	 * Tomcat's own close gets 50 ms past that write, and a client reading a large message saw the stream end. Like
	 * any close for bad input, this one follows the frame being written; the parser reads nothing more meanwhile, so
	 * the connection is closed right after the close frame rather than left waiting for the client's answer.
	 * @return whether the close was taken; when nothing is being written, Tomcat's own close is as good
	 */
	private boolean failLater(CloseReason reason) {
		if (!this.writer.isWriting()) {
			return false;
		}
		this.parserFailure = reason;
		closeQuietly(new CloseStatus(reason.getCloseCode().getCode(), reason.getReasonPhrase()));
		return true;
	}

	/** @param sendTimeoutMillis how long a close other than 1000 may take to get its frame out */
	private void closeContainerQuietly(CloseStatus status, long sendTimeoutMillis) {
		this.closingThread = Thread.currentThread();
		try {
			WsSession tomcat = TomcatSessions.of(this.container);
			if (tomcat != null) {
				// Tomcat refuses this, as anything but close(), once the session is closed: then there is no close
				tomcat.getUserProperties().put(CLOSE_SEND_TIMEOUT, sendTimeoutMillis);
			}
			CloseReason parserFailure = this.parserFailure;
			if (parserFailure != null && tomcat != null) {
				// The parser reads nothing more, the client's answer included: close the connection after the frame
				tomcat.doClose(parserFailure, parserFailure, true);
			}
			else {
				this.container.close(status);
			}
		}
		catch (IOException | RuntimeException ex) {
			log.debug("Close of session {} failed: {}", getId(), ex.toString());
		}
		finally {
			this.closingThread = null;
		}
	}

	static boolean isNormal(CloseStatus status) {
		return status.getCode() == CloseStatus.NORMAL.getCode() || status.getCode() == CloseStatus.GOING_AWAY.getCode()
				|| status.getCode() == CloseStatus.NO_STATUS_CODE.getCode();
	}

	private record Pending(WebSocketMessage<?> message, long size, boolean toMany) {
	}

	private final class FrameParserHooks implements WsFrameBase.Hooks {

		@Override
		public void largeFrameDeclared(long payloadLength) {
			long declared = ManagedSession.this.inbound.bytes() + payloadLength;
			if (declared > ManagedSession.this.inbound.maxBytes()) {
				closeQuietly(ManagedSession.this.inbound.tooBig(declared));
			}
		}

		@Override
		public boolean answerPingLater(ByteBuffer payload) {
			pongReceived(); // a client that pings is alive, whether or not it answers the heartbeat's own pings
			return ManagedSession.this.answerPing(payload);
		}

		@Override
		public void closeReceived() {
			finishRepliesBeforeClose();
		}

		@Override
		public boolean failLater(CloseReason reason) {
			return ManagedSession.this.failLater(reason);
		}

	}

}
