/*
 *  Licensed to the Apache Software Foundation (ASF) under one or more
 *  contributor license agreements.  See the NOTICE file distributed with
 *  this work for additional information regarding copyright ownership.
 *  The ASF licenses this file to You under the Apache License, Version 2.0
 *  (the "License"); you may not use this file except in compliance with
 *  the License.  You may obtain a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 *  Unless required by applicable law or agreed to in writing, software
 *  distributed under the License is distributed on an "AS IS" BASIS,
 *  WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 *  See the License for the specific language governing permissions and
 *  limitations under the License.
 */
package org.apache.tomcat.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;

import org.apache.juli.logging.Log;
import org.apache.tomcat.util.ExceptionUtils;
import org.apache.tomcat.util.res.StringManager;

/**
 * Takes the ServletInputStream, processes the WebSocket frames it contains and extracts the messages. WebSocket Pings
 * received will be responded to automatically without any action required by the application.
 * <p>
 * wsdeck: this is Tomcat 11.0.22's WsFrameBase with three fixes, each marked {@code wsdeck:} below. Tomcat decides
 * these before any application code sees a frame and offers no hook, so the class is shadowed: wsdeck's own classes
 * come first on every classpath it runs from (the jar's BOOT-INF/classes, Maven's target/classes). The changes:
 * <ol>
 * <li>invalid UTF-8 in a close frame's reason fails the connection with 1007, as RFC 6455 7.4.1 and 8.1 ask for
 * data inconsistent with its type (Tomcat: 1002);</li>
 * <li>a close code a peer may not send (RFC 6455 7.4) fails the connection with 1002 and a reason naming the code
 * (Tomcat: 1002 echoing the peer's own reason); the codes registered after RFC 6455 (1012-1014) are accepted;</li>
 * <li>RSV1 on a continuation frame fails the connection with 1002: RFC 7692 6.1 allows the compressed bit on the
 * first frame of a message only (Tomcat's PerMessageDeflate accepts it on any data frame).</li>
 * </ol>
 * Two more changes serve wsdeck rather than the RFCs. The input and message buffers are lent per thread instead of
 * held by the session: a session has them only while part of a frame or message is in them (32 KiB less per idle
 * session at Tomcat's default sizes; WsFrameServer borrows the input buffer around each read). And a failure found
 * here is recorded in the session's user properties ({@link #FAILED_WITH}), so that wsdeck's close log can say the
 * server, not the peer, ended the session; so is a close without a code ({@link #CLOSED_WITHOUT_CODE}). Through
 * {@link Hooks}, the application hears of a large frame as soon as its header is read (for a size limit), may
 * answer a ping from another thread, and may finish its replies before a close is answered.
 * <p>
 * TomcatFramePatchTest fails when Tomcat's version changes, so that the changes are carried over to the new
 * classes (this one, WsFrameServer and WsRemoteEndpointImplBase).
 */
public abstract class WsFrameBase {

    private static final StringManager sm = StringManager.getManager(WsFrameBase.class);

    /**
     * wsdeck: the session's user property holding the {@link CloseReason} with which this parser failed the
     * connection, if it did.
     */
    public static final String FAILED_WITH = "io.wsdeck.frameParserFailedWith";

    /**
     * wsdeck: set in the session's user properties when the peer's close frame had no body. Tomcat reports it, and
     * answers it, as 1000; RFC 6455 7.1.5 says the code received is then 1005 (what a browser's close event shows),
     * which wsdeck's close log and metrics report. 1005 must not be sent, so the answer stays 1000.
     */
    public static final String CLOSED_WITHOUT_CODE = "io.wsdeck.closedWithoutCode";

    /**
     * wsdeck: the session's user property holding its {@link Hooks}, if the application gave it any.
     */
    public static final String HOOKS = "io.wsdeck.frameParserHooks";

    /**
     * wsdeck: what the application may decide while this parser reads, on the reading thread.
     */
    public interface Hooks {

        /**
         * A data frame of an uncompressed message is longer than {@link #LARGE_FRAME_BYTES} and reaches the
         * application in parts. Called once its header has been read, before any of its payload, so that a message
         * size limit can refuse it (close the session) at once rather than after reading that much of it.
         * Compressed frames declare their compressed size and are not reported.
         *
         * @param payloadLength the length the frame's header declares
         */
        void largeFrameDeclared(long payloadLength);

        /**
         * A ping has arrived. Tomcat answers it on the reading thread, where the answer waits for any write in
         * progress on the connection, and the reading stops meanwhile: when that write waits for a client that
         * reads only after it has sent everything, neither side moves. The application may answer it itself, later,
         * from another thread.
         *
         * @param payload the ping's payload, valid for the length of the call only
         *
         * @return whether the application has taken the answer; if not, Tomcat sends it now
         */
        boolean answerPingLater(ByteBuffer payload);

        /**
         * The peer's close frame has arrived; Tomcat answers it when this returns. RFC 6455 5.5.1 lets an endpoint
         * finish the message it is sending first: an application that still writes replies to what came before the
         * close may wait for them here, so that a peer which sends its last message and its close together gets
         * the reply.
         */
        void closeReceived();

        /**
         * This parser has failed the connection: the peer broke the protocol ({@code reason}: 1002, 1007). Tomcat
         * then closes from the reading thread at once, giving the close frame 50 ms to get past a write in progress
         * (waiting longer there would spin a container thread), and drops the connection without it if it cannot: a
         * peer reading a large message sees the stream end. The application may take the close: it sends the close
         * frame after the frame being written, from another thread, and then closes the connection. Meanwhile this
         * parser discards whatever else arrives, as nothing after the error can be trusted.
         *
         * @param reason the close this parser decided on
         *
         * @return whether the application has taken the close; if not, Tomcat closes now
         */
        boolean failLater(CloseReason reason);
    }

    // wsdeck: frames at most this long are not reported to Hooks.largeFrameDeclared: ordinary messages never pay
    static final long LARGE_FRAME_BYTES = 64 * 1024;

    // Connection level attributes
    protected final WsSession wsSession;
    // wsdeck: not final; on the server side it is borrowed for each read and handed back when empty
    protected ByteBuffer inputBuffer;
    private final Transformation transformation;

    // Attributes for control messages
    // They can appear in the middle of other messages so need separate attributes
    // wsdeck: taken when a control frame's payload starts and dropped when the frame has been handled, rather than
    // kept by every session for its whole life (control frames are rare: a pong per heartbeat, then a close); a
    // close reason is decoded into a buffer of its own
    private ByteBuffer controlBufferBinary;

    // Attributes of the current message
    private final CharsetDecoder utf8DecoderControl = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharsetDecoder utf8DecoderMessage = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private boolean continuationExpected = false;
    private boolean textMessage = false;
    private ByteBuffer messageBufferBinary;
    private CharBuffer messageBufferText;
    // Cache the message handler in force when the message starts so it is used
    // consistently for the entire message
    private MessageHandler binaryMsgHandler = null;
    private MessageHandler textMsgHandler = null;

    // Attributes of the current frame
    private boolean fin = false;
    private int rsv = 0;
    // wsdeck: whether the message being received is compressed (RSV1 on its first frame), for Hooks
    private boolean messageCompressed = false;
    private byte opCode = 0;
    private final byte[] mask = new byte[4];
    private int maskIndex = 0;
    private long payloadLength = 0;
    private volatile long payloadWritten = 0;

    // Attributes tracking state
    private volatile State state = State.NEW_FRAME;
    private volatile boolean open = true;

    private static final AtomicReferenceFieldUpdater<WsFrameBase,ReadState> READ_STATE_UPDATER =
            AtomicReferenceFieldUpdater.newUpdater(WsFrameBase.class, ReadState.class, "readState");
    private volatile ReadState readState = ReadState.WAITING;

    public WsFrameBase(WsSession wsSession, Transformation transformation) {
        // wsdeck: the server side (masked frames) borrows its input buffer for each read, see borrowInputBuffer
        inputBuffer = isMasked() ? NO_BYTES : ByteBuffer.allocate(Constants.DEFAULT_BUFFER_SIZE);
        inputBuffer.position(0).limit(0);
        // wsdeck: borrowed when a message starts (processInitialHeader) and handed back after a read that ends
        // between messages (returnInputBuffer), so an idle session does not hold them: 24 KiB at the default sizes
        messageBufferBinary = NO_BYTES;
        messageBufferText = NO_CHARS;
        wsSession.setWsFrame(this);
        this.wsSession = wsSession;
        Transformation finalTransformation;
        if (isMasked()) {
            finalTransformation = new UnmaskTransformation();
        } else {
            finalTransformation = new NoopTransformation();
        }
        if (transformation == null) {
            this.transformation = finalTransformation;
        } else {
            transformation.setNext(finalTransformation);
            this.transformation = transformation;
        }
    }


    protected void processInputBuffer() throws IOException {
        // wsdeck: once the application has taken the close of a failed connection (Hooks.failLater), the rest is
        // read and dropped until it closes the connection
        if (failedLater) {
            inputBuffer.position(inputBuffer.limit());
            return;
        }
        // wsdeck: note the failure where the application can see it. The session then closes as if the peer had
        // closed it, and wsdeck's close log must say that the server failed the connection.
        try {
            processFrames();
        } catch (WsIOException e) {
            try {
                wsSession.getUserProperties().put(FAILED_WITH, e.getCloseReason());
            } catch (IllegalStateException closed) {
                // The session closed meanwhile (a write that timed out, say): Tomcat's close has nothing left to do
            }
            Hooks hooks = hooks();
            if (hooks != null && hooks.failLater(e.getCloseReason())) {
                failedLater = true;
                // The parser may have called its input closed (a close frame it refused): it must go on reading, and
                // dropping, until the application closes the connection
                open = true;
                inputBuffer.position(inputBuffer.limit());
                return;
            }
            throw e;
        }
    }

    // wsdeck: see Hooks.failLater; only the reading thread touches it
    private boolean failedLater;


    private void processFrames() throws IOException {
        while (!isSuspended()) {
            wsSession.updateLastActiveRead();
            if (state == State.NEW_FRAME) {
                if (!processInitialHeader()) {
                    break;
                }
                // If a close frame has been received, no further data should
                // have seen
                if (!open) {
                    throw new IOException(sm.getString("wsFrame.closed"));
                }
            }
            if (state == State.PARTIAL_HEADER) {
                if (!processRemainingHeader()) {
                    break;
                }
            }
            if (state == State.DATA) {
                if (!processData()) {
                    break;
                }
            }
        }
    }


    /**
     * @return <code>true</code> if sufficient data was present to process all of the initial header
     */
    private boolean processInitialHeader() throws IOException {
        // Need at least two bytes of data to do this
        if (inputBuffer.remaining() < 2) {
            return false;
        }
        int b = inputBuffer.get();
        fin = (b & 0x80) != 0;
        rsv = (b & 0x70) >>> 4;
        opCode = (byte) (b & 0x0F);
        if (!transformation.validateRsv(rsv, opCode)) {
            throw new WsIOException(new CloseReason(CloseCodes.PROTOCOL_ERROR,
                    sm.getString("wsFrame.wrongRsv", Integer.valueOf(rsv), Integer.valueOf(opCode))));
        }
        // wsdeck: RSV1 is the only bit an extension here (permessage-deflate) gives a meaning, and only on the first
        // frame of a message (RFC 7692 6.1). Without an extension validateRsv has already refused it.
        if (Util.isContinuation(opCode) && (rsv & RSV1) != 0) {
            throw new WsIOException(new CloseReason(CloseCodes.PROTOCOL_ERROR,
                    "RSV1 set on a continuation frame: only the first frame of a message may be marked compressed"));
        }

        if (Util.isControl(opCode)) {
            if (!fin) {
                throw new WsIOException(
                        new CloseReason(CloseCodes.PROTOCOL_ERROR, sm.getString("wsFrame.controlFragmented")));
            }
            if (opCode != Constants.OPCODE_PING && opCode != Constants.OPCODE_PONG &&
                    opCode != Constants.OPCODE_CLOSE) {
                throw new WsIOException(new CloseReason(CloseCodes.PROTOCOL_ERROR,
                        sm.getString("wsFrame.invalidOpCode", Integer.valueOf(opCode))));
            }
        } else {
            if (continuationExpected) {
                if (!Util.isContinuation(opCode)) {
                    throw new WsIOException(
                            new CloseReason(CloseCodes.PROTOCOL_ERROR, sm.getString("wsFrame.noContinuation")));
                }
            } else {
                try {
                    if (opCode == Constants.OPCODE_BINARY) {
                        // New binary message
                        textMessage = false;
                        messageBufferBinary = borrowBinary(wsSession.getMaxBinaryMessageBufferSize());
                        binaryMsgHandler = wsSession.getBinaryMessageHandler();
                        textMsgHandler = null;
                    } else if (opCode == Constants.OPCODE_TEXT) {
                        // New text message
                        textMessage = true;
                        messageBufferText = borrowText(wsSession.getMaxTextMessageBufferSize());
                        // wsdeck: text is unmasked (and inflated) into the binary buffer before it is decoded
                        messageBufferBinary = borrowBinary(wsSession.getMaxBinaryMessageBufferSize());
                        binaryMsgHandler = null;
                        textMsgHandler = wsSession.getTextMessageHandler();
                    } else if (Util.isContinuation(opCode)) {
                        // wsdeck: Tomcat called opcode 0 "unrecognised", which it is not: it continues a message,
                        // and there is none to continue (RFC 6455 5.4)
                        throw new WsIOException(new CloseReason(CloseCodes.PROTOCOL_ERROR,
                                "A continuation frame was sent with no message to continue"));
                    } else {
                        throw new WsIOException(new CloseReason(CloseCodes.PROTOCOL_ERROR,
                                sm.getString("wsFrame.invalidOpCode", Integer.valueOf(opCode))));
                    }
                } catch (IllegalStateException ise) {
                    // Thrown if the session is already closed
                    throw new WsIOException(
                            new CloseReason(CloseCodes.PROTOCOL_ERROR, sm.getString("wsFrame.sessionClosed")));
                }
            }
            if (!continuationExpected) {
                messageCompressed = (rsv & RSV1) != 0; // wsdeck: see Hooks
            }
            continuationExpected = !fin;
        }
        b = inputBuffer.get();
        if ((b & 0x80) == 0 && isMasked()) {
            // Client data must be masked
            throw new WsIOException(new CloseReason(CloseCodes.PROTOCOL_ERROR, sm.getString("wsFrame.notMasked")));
        } else if ((b & 0x80) != 0 && !isMasked()) {
            // Server data must not masked
            throw new WsIOException(new CloseReason(CloseCodes.PROTOCOL_ERROR, sm.getString("wsFrame.masked")));
        }
        payloadLength = b & 0x7F;
        state = State.PARTIAL_HEADER;
        if (getLog().isTraceEnabled()) {
            getLog().trace(sm.getString("wsFrame.partialHeaderComplete", Boolean.toString(fin), Integer.toString(rsv),
                    Integer.toString(opCode), Long.toString(payloadLength)));
        }
        return true;
    }


    protected abstract boolean isMasked();

    protected abstract Log getLog();


    // wsdeck: see Hooks
    private Hooks hooks() {
        Object hooks;
        try {
            hooks = wsSession.getUserProperties().get(HOOKS);
        } catch (IllegalStateException closed) {
            // Tomcat refuses the properties of a closed session: nothing is left for the application to decide
            return null;
        }
        return (hooks instanceof Hooks) ? (Hooks) hooks : null;
    }


    /**
     * @return <code>true</code> if sufficient data was present to complete the processing of the header
     */
    private boolean processRemainingHeader() throws IOException {
        // Ignore the 2 bytes already read. 4 for the mask
        int headerLength;
        if (isMasked()) {
            headerLength = 4;
        } else {
            headerLength = 0;
        }
        // Add additional bytes depending on length
        if (payloadLength == 126) {
            headerLength += 2;
        } else if (payloadLength == 127) {
            headerLength += 8;
        }
        if (inputBuffer.remaining() < headerLength) {
            return false;
        }
        // Calculate new payload length if necessary
        if (payloadLength == 126) {
            payloadLength = byteArrayToLong(inputBuffer.array(), inputBuffer.arrayOffset() + inputBuffer.position(), 2);
            inputBuffer.position(inputBuffer.position() + 2);
        } else if (payloadLength == 127) {
            payloadLength = byteArrayToLong(inputBuffer.array(), inputBuffer.arrayOffset() + inputBuffer.position(), 8);
            // The most significant bit of those 8 bytes is required to be zero
            // (see RFC 6455, section 5.2). If the most significant bit is set,
            // the resulting payload length will be negative so test for that.
            if (payloadLength < 0) {
                throw new WsIOException(
                        new CloseReason(CloseCodes.PROTOCOL_ERROR, sm.getString("wsFrame.payloadMsbInvalid")));
            }
            inputBuffer.position(inputBuffer.position() + 8);
        }
        if (Util.isControl(opCode)) {
            if (payloadLength > 125) {
                throw new WsIOException(new CloseReason(CloseCodes.PROTOCOL_ERROR,
                        sm.getString("wsFrame.controlPayloadTooBig", Long.valueOf(payloadLength))));
            }
            if (!fin) {
                throw new WsIOException(
                        new CloseReason(CloseCodes.PROTOCOL_ERROR, sm.getString("wsFrame.controlNoFin")));
            }
        }
        // wsdeck: see Hooks
        if (payloadLength > LARGE_FRAME_BYTES && !Util.isControl(opCode) && !messageCompressed) {
            Hooks hooks = hooks();
            if (hooks != null) {
                hooks.largeFrameDeclared(payloadLength);
            }
        }
        if (isMasked()) {
            inputBuffer.get(mask, 0, 4);
        }
        state = State.DATA;
        return true;
    }


    private boolean processData() throws IOException {
        boolean result;
        if (Util.isControl(opCode)) {
            result = processDataControl();
        } else if (textMessage) {
            if (textMsgHandler == null) {
                result = swallowInput();
            } else {
                result = processDataText();
            }
        } else {
            if (binaryMsgHandler == null) {
                result = swallowInput();
            } else {
                result = processDataBinary();
            }
        }
        if (result) {
            updateStats(payloadLength);
        }
        checkRoomPayload();
        return result;
    }


    /**
     * Hook for updating server side statistics. Called on every frame received.
     *
     * @param payloadLength Size of message payload
     */
    protected void updateStats(long payloadLength) {
        // NO-OP by default
    }


    private boolean processDataControl() throws IOException {
        if (controlBufferBinary == null) {
            // wsdeck: see controlBufferBinary
            controlBufferBinary = ByteBuffer.allocate(125);
        }
        TransformationResult tr = transformation.getMoreData(opCode, fin, rsv, controlBufferBinary);
        if (TransformationResult.UNDERFLOW.equals(tr)) {
            return false;
        }
        // wsdeck: the frame is whole; whatever happens next, the next control frame takes a buffer of its own
        ByteBuffer controlBufferBinary = this.controlBufferBinary;
        this.controlBufferBinary = null;
        // Control messages have fixed message size so
        // TransformationResult.OVERFLOW is not possible here

        controlBufferBinary.flip();
        if (opCode == Constants.OPCODE_CLOSE) {
            open = false;
            String reason = null;
            int code = CloseCodes.NORMAL_CLOSURE.getCode();
            if (controlBufferBinary.remaining() == 1) {
                controlBufferBinary.clear();
                // Payload must be zero or 2+ bytes long
                throw new WsIOException(
                        new CloseReason(CloseCodes.PROTOCOL_ERROR, sm.getString("wsFrame.oneByteCloseCode")));
            }
            if (controlBufferBinary.remaining() == 0) {
                wsSession.getUserProperties().put(CLOSED_WITHOUT_CODE, Boolean.TRUE); // wsdeck: see above
            }
            if (controlBufferBinary.remaining() > 1) {
                code = controlBufferBinary.getShort() & 0xFFFF;
                // wsdeck: refuse with a reason that says why, instead of echoing the peer's reason under 1002
                if (!isReceivableCloseCode(code)) {
                    controlBufferBinary.clear();
                    throw new WsIOException(new CloseReason(CloseCodes.PROTOCOL_ERROR,
                            "invalid close code " + code + ": RFC 6455 7.4 does not allow it in a close frame"));
                }
                if (controlBufferBinary.remaining() > 0) {
                    CharBuffer controlBufferText = CharBuffer.allocate(controlBufferBinary.remaining());
                    CoderResult cr = utf8DecoderControl.decode(controlBufferBinary, controlBufferText, true);
                    if (cr.isError()) {
                        controlBufferBinary.clear();
                        // wsdeck: 1007, not 1002: the close frame is well formed, its reason is not UTF-8
                        throw new WsIOException(
                                new CloseReason(CloseCodes.NOT_CONSISTENT, sm.getString("wsFrame.invalidUtf8Close")));
                    }
                    // There will be no overflow as the output buffer is big
                    // enough. There will be no underflow as all the data is
                    // passed to the decoder in a single call.
                    controlBufferText.flip();
                    reason = controlBufferText.toString();
                }
            }
            // wsdeck: replies to what came before the close may go first (Hooks)
            Hooks hooks = hooks();
            if (hooks != null) {
                hooks.closeReceived();
            }
            wsSession.onClose(new CloseReason(receivedCloseCode(code), reason));
        } else if (opCode == Constants.OPCODE_PING) {
            // wsdeck: the application may answer it later (Hooks)
            Hooks hooks = hooks();
            if (wsSession.isOpen() && (hooks == null || !hooks.answerPingLater(controlBufferBinary))) {
                wsSession.getBasicRemote().sendPong(controlBufferBinary);
            }
        } else if (opCode == Constants.OPCODE_PONG) {
            MessageHandler.Whole<PongMessage> mhPong = wsSession.getPongMessageHandler();
            if (mhPong != null) {
                try {
                    mhPong.onMessage(new WsPongMessage(controlBufferBinary));
                } catch (Throwable t) {
                    handleThrowableOnSend(t);
                } finally {
                    controlBufferBinary.clear();
                }
            }
        } else {
            // Should have caught this earlier but just in case...
            controlBufferBinary.clear();
            throw new WsIOException(new CloseReason(CloseCodes.PROTOCOL_ERROR,
                    sm.getString("wsFrame.invalidOpCode", Integer.valueOf(opCode))));
        }
        controlBufferBinary.clear();
        newFrame();
        return true;
    }


    @SuppressWarnings("unchecked")
    protected void sendMessageText(boolean last) throws WsIOException {
        if (textMsgHandler instanceof WrappedMessageHandler) {
            long maxMessageSize = ((WrappedMessageHandler) textMsgHandler).getMaxMessageSize();
            if (maxMessageSize > -1 && messageBufferText.remaining() > maxMessageSize) {
                throw new WsIOException(new CloseReason(CloseCodes.TOO_BIG, sm.getString("wsFrame.messageTooBig",
                        Long.valueOf(messageBufferText.remaining()), Long.valueOf(maxMessageSize))));
            }
        }

        try {
            if (textMsgHandler instanceof MessageHandler.Partial<?>) {
                ((MessageHandler.Partial<String>) textMsgHandler).onMessage(messageBufferText.toString(), last);
            } else {
                // Caller ensures last == true if this branch is used
                ((MessageHandler.Whole<String>) textMsgHandler).onMessage(messageBufferText.toString());
            }
        } catch (Throwable t) {
            handleThrowableOnSend(t);
        } finally {
            messageBufferText.clear();
        }
    }


    private boolean processDataText() throws IOException {
        // Copy the available data to the buffer
        TransformationResult tr = transformation.getMoreData(opCode, fin, rsv, messageBufferBinary);
        while (!TransformationResult.END_OF_FRAME.equals(tr)) {
            // Frame not complete - we ran out of something
            // Convert bytes to UTF-8
            messageBufferBinary.flip();
            while (true) {
                CoderResult cr = utf8DecoderMessage.decode(messageBufferBinary, messageBufferText, false);
                if (cr.isError()) {
                    throw new WsIOException(
                            new CloseReason(CloseCodes.NOT_CONSISTENT, sm.getString("wsFrame.invalidUtf8")));
                } else if (cr.isOverflow()) {
                    // Ran out of space in text buffer - flush it
                    if (usePartial()) {
                        messageBufferText.flip();
                        sendMessageText(false);
                        messageBufferText.clear();
                    } else {
                        throw new WsIOException(
                                new CloseReason(CloseCodes.TOO_BIG, sm.getString("wsFrame.textMessageTooBig")));
                    }
                } else if (cr.isUnderflow()) {
                    // Compact what we have to create as much space as possible
                    messageBufferBinary.compact();

                    // Need more input
                    // What did we run out of?
                    if (TransformationResult.OVERFLOW.equals(tr)) {
                        // Ran out of message buffer - exit inner loop and
                        // refill
                        break;
                    } else {
                        // TransformationResult.UNDERFLOW
                        // Ran out of input data - get some more
                        return false;
                    }
                }
            }
            // Read more input data
            tr = transformation.getMoreData(opCode, fin, rsv, messageBufferBinary);
        }

        messageBufferBinary.flip();
        boolean last = false;
        // Frame is fully received
        // Convert bytes to UTF-8
        while (true) {
            CoderResult cr = utf8DecoderMessage.decode(messageBufferBinary, messageBufferText, last);
            if (cr.isError()) {
                throw new WsIOException(
                        new CloseReason(CloseCodes.NOT_CONSISTENT, sm.getString("wsFrame.invalidUtf8")));
            } else if (cr.isOverflow()) {
                // Ran out of space in text buffer - flush it
                if (usePartial()) {
                    messageBufferText.flip();
                    sendMessageText(false);
                    messageBufferText.clear();
                } else {
                    throw new WsIOException(
                            new CloseReason(CloseCodes.TOO_BIG, sm.getString("wsFrame.textMessageTooBig")));
                }
            } else if (cr.isUnderflow() && !last) {
                // End of frame and possible message as well.

                if (continuationExpected) {
                    // If partial messages are supported, send what we have
                    // managed to decode
                    if (usePartial()) {
                        messageBufferText.flip();
                        sendMessageText(false);
                        messageBufferText.clear();
                    }
                    messageBufferBinary.compact();
                    newFrame();
                    // Process next frame
                    return true;
                } else {
                    // Make sure coder has flushed all output
                    last = true;
                }
            } else {
                // End of message
                messageBufferText.flip();
                sendMessageText(true);

                newMessage();
                return true;
            }
        }
    }


    private boolean processDataBinary() throws IOException {
        // Copy the available data to the buffer
        TransformationResult tr = transformation.getMoreData(opCode, fin, rsv, messageBufferBinary);
        while (!TransformationResult.END_OF_FRAME.equals(tr)) {
            // Frame not complete - what did we run out of?
            if (TransformationResult.UNDERFLOW.equals(tr)) {
                // Ran out of input data - get some more
                return false;
            }

            // Ran out of message buffer - flush it
            if (!usePartial()) {
                CloseReason cr = new CloseReason(CloseCodes.TOO_BIG, sm.getString("wsFrame.bufferTooSmall",
                        Integer.valueOf(messageBufferBinary.capacity()), Long.valueOf(payloadLength)));
                throw new WsIOException(cr);
            }
            messageBufferBinary.flip();
            ByteBuffer copy = ByteBuffer.allocate(messageBufferBinary.limit());
            copy.put(messageBufferBinary);
            copy.flip();
            sendMessageBinary(copy, false);
            messageBufferBinary.clear();
            // Read more data
            tr = transformation.getMoreData(opCode, fin, rsv, messageBufferBinary);
        }

        // Frame is fully received
        // Send the message if either:
        // - partial messages are supported
        // - the message is complete
        if (usePartial() || !continuationExpected) {
            messageBufferBinary.flip();
            ByteBuffer copy = ByteBuffer.allocate(messageBufferBinary.limit());
            copy.put(messageBufferBinary);
            copy.flip();
            sendMessageBinary(copy, !continuationExpected);
            messageBufferBinary.clear();
        }

        if (continuationExpected) {
            // More data for this message expected, start a new frame
            newFrame();
        } else {
            // Message is complete, start a new message
            newMessage();
        }

        return true;
    }


    private void handleThrowableOnSend(Throwable t) throws WsIOException {
        ExceptionUtils.handleThrowable(t);
        wsSession.getLocal().onError(wsSession, t);
        CloseReason cr = new CloseReason(CloseCodes.CLOSED_ABNORMALLY, sm.getString("wsFrame.ioeTriggeredClose"));
        throw new WsIOException(cr);
    }


    @SuppressWarnings("unchecked")
    protected void sendMessageBinary(ByteBuffer msg, boolean last) throws WsIOException {
        if (binaryMsgHandler instanceof WrappedMessageHandler) {
            long maxMessageSize = ((WrappedMessageHandler) binaryMsgHandler).getMaxMessageSize();
            if (maxMessageSize > -1 && msg.remaining() > maxMessageSize) {
                throw new WsIOException(new CloseReason(CloseCodes.TOO_BIG, sm.getString("wsFrame.messageTooBig",
                        Long.valueOf(msg.remaining()), Long.valueOf(maxMessageSize))));
            }
        }
        try {
            if (binaryMsgHandler instanceof MessageHandler.Partial<?>) {
                ((MessageHandler.Partial<ByteBuffer>) binaryMsgHandler).onMessage(msg, last);
            } else {
                // Caller ensures last == true if this branch is used
                ((MessageHandler.Whole<ByteBuffer>) binaryMsgHandler).onMessage(msg);
            }
        } catch (Throwable t) {
            handleThrowableOnSend(t);
        }
    }


    private void newMessage() {
        messageBufferBinary.clear();
        messageBufferText.clear();
        utf8DecoderMessage.reset();
        continuationExpected = false;
        newFrame();
    }


    private void newFrame() {
        if (inputBuffer.remaining() == 0) {
            inputBuffer.position(0).limit(0);
        }

        maskIndex = 0;
        payloadWritten = 0;
        state = State.NEW_FRAME;

        // These get reset in processInitialHeader()
        // fin, rsv, opCode, payloadLength, mask

        checkRoomHeaders();
    }


    private void checkRoomHeaders() {
        // Is the start of the current frame too near the end of the input
        // buffer?
        if (inputBuffer.capacity() - inputBuffer.position() < 131) {
            // Limit based on a control frame with a full payload
            makeRoom();
        }
    }


    private void checkRoomPayload() {
        if (inputBuffer.capacity() - inputBuffer.position() - payloadLength + payloadWritten < 0) {
            makeRoom();
        }
    }


    private void makeRoom() {
        inputBuffer.compact();
        inputBuffer.flip();
    }


    private boolean usePartial() {
        if (Util.isControl(opCode)) {
            return false;
        } else if (textMessage) {
            return textMsgHandler instanceof MessageHandler.Partial;
        } else {
            // Must be binary
            return binaryMsgHandler instanceof MessageHandler.Partial;
        }
    }


    private boolean swallowInput() {
        long toSkip = Math.min(payloadLength - payloadWritten, inputBuffer.remaining());
        inputBuffer.position(inputBuffer.position() + (int) toSkip);
        payloadWritten += toSkip;
        if (payloadWritten == payloadLength) {
            if (continuationExpected) {
                newFrame();
            } else {
                newMessage();
            }
            return true;
        } else {
            return false;
        }
    }


    protected static long byteArrayToLong(byte[] b, int start, int len) throws IOException {
        if (len > 8) {
            throw new IOException(sm.getString("wsFrame.byteToLongFail", Long.valueOf(len)));
        }
        int shift = 0;
        long result = 0;
        for (int i = start + len - 1; i >= start; i--) {
            result = result + ((b[i] & 0xFFL) << shift);
            shift += 8;
        }
        return result;
    }


    protected boolean isOpen() {
        return open;
    }


    protected Transformation getTransformation() {
        return transformation;
    }


    private enum State {
        NEW_FRAME,
        PARTIAL_HEADER,
        DATA
    }


    /**
     * <pre>
     * WAITING            - not suspended
     *                      Server case: waiting for a notification that data is ready to be read from the socket, the
     *                                   socket is registered to the poller
     *                      Client case: data has been read from the socket and is waiting for data to be processed
     *
     * PROCESSING         - not suspended
     *                      Server case: reading from the socket and processing the data
     *                      Client case: processing the data if such has already been read and more data will be read
     *                                   from the socket
     *
     * SUSPENDING_WAIT    - suspended, a call to suspend() was made while in WAITING state. A call to resume() will do
     *                      nothing and will transition to WAITING state
     *
     * SUSPENDING_PROCESS - suspended, a call to suspend() was made while in PROCESSING state. A call to resume() will
     *                      do nothing and will transition to PROCESSING state
     *
     * SUSPENDED          - suspended
     *                      Server case: processing data finished (SUSPENDING_PROCESS) / a notification was received
     *                                   that data is ready to be read from the socket (SUSPENDING_WAIT), socket is not
     *                                   registered to the poller
     *                      Client case: processing data finished (SUSPENDING_PROCESS) / data has been read from the
     *                                   socket and is available for processing (SUSPENDING_WAIT)
     *                      A call to resume() will:
     *                      Server case: register the socket to the poller
     *                      Client case: resume data processing
     *
     * CLOSING            - not suspended, a close will be sent
     *
     *
     *     resume           data to be        resume
     *     no action        processed         no action
     *  |---------------| |---------------| |----------|
     *  |               v |               v v          |
     *  |  |----------WAITING«--------PROCESSING----|  |
     *  |  |             ^   processing             |  |
     *  |  |             |   finished               |  |
     *  |  |             |                          |  |
     *  | suspend        |                     suspend |
     *  |  |             |                          |  |
     *  |  |          resume                        |  |
     *  |  |    register socket to poller (server)  |  |
     *  |  |    resume data processing (client)     |  |
     *  |  |             |                          |  |
     *  |  v             |                          v  |
     * SUSPENDING_WAIT   |                  SUSPENDING_PROCESS
     *  |                |                             |
     *  | data available |        processing finished  |
     *  |-------------»SUSPENDED«----------------------|
     * </pre>
     */
    protected enum ReadState {
        WAITING(false),
        PROCESSING(false),
        SUSPENDING_WAIT(true),
        SUSPENDING_PROCESS(true),
        SUSPENDED(true),
        CLOSING(false);

        private final boolean isSuspended;

        ReadState(boolean isSuspended) {
            this.isSuspended = isSuspended;
        }

        public boolean isSuspended() {
            return isSuspended;
        }
    }

    public void suspend() {
        while (true) {
            switch (readState) {
                case WAITING:
                    if (!READ_STATE_UPDATER.compareAndSet(this, ReadState.WAITING, ReadState.SUSPENDING_WAIT)) {
                        continue;
                    }
                    return;
                case PROCESSING:
                    if (!READ_STATE_UPDATER.compareAndSet(this, ReadState.PROCESSING, ReadState.SUSPENDING_PROCESS)) {
                        continue;
                    }
                    return;
                case SUSPENDING_WAIT:
                    if (readState != ReadState.SUSPENDING_WAIT) {
                        continue;
                    } else {
                        if (getLog().isWarnEnabled()) {
                            getLog().warn(sm.getString("wsFrame.suspendRequested"));
                        }
                    }
                    return;
                case SUSPENDING_PROCESS:
                    if (readState != ReadState.SUSPENDING_PROCESS) {
                        continue;
                    } else {
                        if (getLog().isWarnEnabled()) {
                            getLog().warn(sm.getString("wsFrame.suspendRequested"));
                        }
                    }
                    return;
                case SUSPENDED:
                    if (readState != ReadState.SUSPENDED) {
                        continue;
                    } else {
                        if (getLog().isWarnEnabled()) {
                            getLog().warn(sm.getString("wsFrame.alreadySuspended"));
                        }
                    }
                    return;
                case CLOSING:
                    return;
                default:
                    throw new IllegalStateException(sm.getString("wsFrame.illegalReadState", state));
            }
        }
    }

    public void resume() {
        while (true) {
            switch (readState) {
                case WAITING:
                    if (readState != ReadState.WAITING) {
                        continue;
                    } else {
                        if (getLog().isWarnEnabled()) {
                            getLog().warn(sm.getString("wsFrame.alreadyResumed"));
                        }
                    }
                    return;
                case PROCESSING:
                    if (readState != ReadState.PROCESSING) {
                        continue;
                    } else {
                        if (getLog().isWarnEnabled()) {
                            getLog().warn(sm.getString("wsFrame.alreadyResumed"));
                        }
                    }
                    return;
                case SUSPENDING_WAIT:
                    if (!READ_STATE_UPDATER.compareAndSet(this, ReadState.SUSPENDING_WAIT, ReadState.WAITING)) {
                        continue;
                    }
                    return;
                case SUSPENDING_PROCESS:
                    if (!READ_STATE_UPDATER.compareAndSet(this, ReadState.SUSPENDING_PROCESS, ReadState.PROCESSING)) {
                        continue;
                    }
                    return;
                case SUSPENDED:
                    if (!READ_STATE_UPDATER.compareAndSet(this, ReadState.SUSPENDED, ReadState.WAITING)) {
                        continue;
                    }
                    resumeProcessing();
                    return;
                case CLOSING:
                    return;
                default:
                    throw new IllegalStateException(sm.getString("wsFrame.illegalReadState", state));
            }
        }
    }

    protected boolean isSuspended() {
        return readState.isSuspended();
    }

    protected ReadState getReadState() {
        return readState;
    }

    protected void changeReadState(ReadState newState) {
        READ_STATE_UPDATER.set(this, newState);
    }

    protected boolean changeReadState(ReadState oldState, ReadState newState) {
        return READ_STATE_UPDATER.compareAndSet(this, oldState, newState);
    }

    /**
     * This method will be invoked when the read operation is resumed. Since suspend of the read operation can be
     * invoked at any time, when implementing this method one should consider that there might still be data remaining
     * into the internal buffers that needs to be processed before reading again from the socket.
     */
    protected abstract void resumeProcessing();


    private abstract static class TerminalTransformation implements Transformation {

        @Override
        public boolean validateRsvBits(int i) {
            // Terminal transformations don't use RSV bits and there is no next
            // transformation so always return true.
            return true;
        }

        @Override
        public Extension getExtensionResponse() {
            // Return null since terminal transformations are not extensions
            return null;
        }

        @Override
        public void setNext(Transformation t) {
            // NO-OP since this is the terminal transformation
        }

        /**
         * {@inheritDoc}
         * <p>
         * Anything other than a value of zero for rsv is invalid.
         */
        @Override
        public boolean validateRsv(int rsv, byte opCode) {
            return rsv == 0;
        }

        @Override
        public void close() {
            // NO-OP for the terminal transformations
        }
    }


    /**
     * For use by the client implementation that needs to obtain payload data without the need for unmasking.
     */
    private final class NoopTransformation extends TerminalTransformation {

        @Override
        public TransformationResult getMoreData(byte opCode, boolean fin, int rsv, ByteBuffer dest) {
            // opCode is ignored as the transformation is the same for all
            // opCodes
            // rsv is ignored as it known to be zero at this point
            long toWrite = Math.min(payloadLength - payloadWritten, inputBuffer.remaining());
            toWrite = Math.min(toWrite, dest.remaining());

            int orgLimit = inputBuffer.limit();
            inputBuffer.limit(inputBuffer.position() + (int) toWrite);
            dest.put(inputBuffer);
            inputBuffer.limit(orgLimit);
            payloadWritten += toWrite;

            if (payloadWritten == payloadLength) {
                return TransformationResult.END_OF_FRAME;
            } else if (inputBuffer.remaining() == 0) {
                return TransformationResult.UNDERFLOW;
            } else {
                // !dest.hasRemaining()
                return TransformationResult.OVERFLOW;
            }
        }


        @Override
        public List<MessagePart> sendMessagePart(List<MessagePart> messageParts) {
            // TODO Masking should move to this method
            // NO-OP send so simply return the message unchanged.
            return messageParts;
        }
    }


    /**
     * For use by the server implementation that needs to obtain payload data and unmask it before any further
     * processing.
     */
    private final class UnmaskTransformation extends TerminalTransformation {

        @Override
        public TransformationResult getMoreData(byte opCode, boolean fin, int rsv, ByteBuffer dest) {
            // opCode is ignored as the transformation is the same for all
            // opCodes
            // rsv is ignored as it known to be zero at this point
            // wsdeck: Tomcat unmasked one byte at a time and wrote the volatile payloadWritten after each byte,
            // which made unmasking most of the server's CPU for a large message. Eight bytes at a time, and
            // payloadWritten once per call.
            long written = payloadWritten;
            int count = (int) Math.min(payloadLength - written, Math.min(inputBuffer.remaining(), dest.remaining()));
            int index = maskIndex;
            int done = 0;
            while (done < count && index != 0) {
                dest.put((byte) (inputBuffer.get() ^ mask[index]));
                index = (index + 1) & 3;
                done++;
            }
            if (count - done >= 8 && inputBuffer.order() == dest.order()) {
                long mask8 = maskOf8Bytes(dest.order());
                while (count - done >= 8) {
                    dest.putLong(inputBuffer.getLong() ^ mask8);
                    done += 8;
                }
            }
            while (done < count) {
                dest.put((byte) (inputBuffer.get() ^ mask[index]));
                index = (index + 1) & 3;
                done++;
            }
            maskIndex = index;
            payloadWritten = written + done;
            if (payloadWritten == payloadLength) {
                return TransformationResult.END_OF_FRAME;
            } else if (inputBuffer.remaining() == 0) {
                return TransformationResult.UNDERFLOW;
            } else {
                // !dest.hasRemaining()
                return TransformationResult.OVERFLOW;
            }
        }

        /** wsdeck: the frame's 4-byte mask twice over, as a long read from a buffer of the given byte order. */
        private long maskOf8Bytes(ByteOrder order) {
            long four = ((mask[0] & 0xFFL) << 24) | ((mask[1] & 0xFFL) << 16) | ((mask[2] & 0xFFL) << 8)
                    | (mask[3] & 0xFFL);
            long bigEndian = (four << 32) | four;
            return (order == ByteOrder.BIG_ENDIAN) ? bigEndian : Long.reverseBytes(bigEndian);
        }

        @Override
        public List<MessagePart> sendMessagePart(List<MessagePart> messageParts) {
            // NO-OP send so simply return the message unchanged.
            return messageParts;
        }
    }

    // wsdeck: the bit of the first header byte's RSV field (rsv = (b & 0x70) >>> 4) that RFC 7692 uses
    private static final int RSV1 = 0x4;

    /**
     * wsdeck: RFC 6455 7.4.1 and 7.4.2 with the IANA registry: the defined codes a peer may send (1000-1003,
     * 1007-1011), those registered since (1012 service restart, 1013 try again later, 1014 bad gateway), and the
     * ranges for libraries and applications (3000-4999). 1004-1006 and 1015 must never be sent; the rest is reserved.
     */
    static boolean isReceivableCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** wsdeck: the close code to report, keeping those that Tomcat's Util.getCloseCode turns into 1002. */
    private static CloseReason.CloseCode receivedCloseCode(int code) {
        return (code == 1014) ? () -> 1014 : CloseCodes.getCloseCode(code);
    }

    // wsdeck: buffers lent out per thread. A session holds its input and message buffers only while it has bytes
    // in them (a frame or message cut across reads); between reads they wait in the reading thread's Spares for the
    // next read, of this session or another. Tomcat's platform worker threads read one socket at a time, so one
    // thread-local lookup per read finds them, and a buffer in use is out of its slot, so nothing is ever shared.
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);

    private static final CharBuffer NO_CHARS = CharBuffer.allocate(0);

    // package-private: WsRemoteEndpointImplBase lends its output buffer the same way
    static final ThreadLocal<Spares> SPARES = ThreadLocal.withInitial(Spares::new);

    /** The reading thread's spares while a read is under way (server side), else null. */
    private Spares spares;

    static final class Spares {
        ByteBuffer input;
        ByteBuffer binary;
        CharBuffer text;
        ByteBuffer output;
    }

    /** wsdeck: before a read, the server side takes the thread's spares, and an input buffer if it has none. */
    protected void borrowInputBuffer() {
        spares = SPARES.get();
        if (inputBuffer.capacity() == 0) {
            ByteBuffer spare = spares.input;
            if (spare != null && spare.capacity() == Constants.DEFAULT_BUFFER_SIZE) {
                spares.input = null;
            } else {
                spare = ByteBuffer.allocate(Constants.DEFAULT_BUFFER_SIZE);
            }
            spare.position(0).limit(0);
            inputBuffer = spare;
        }
    }

    /**
     * wsdeck: after a read, the input buffer goes back to the thread unless part of a frame is waiting in it, and
     * the message buffers unless a message is under way. Once per read, not per message: a read often carries
     * several messages, and the session keeps its buffers from one to the next.
     */
    protected void returnInputBuffer() {
        Spares spares = this.spares;
        this.spares = null;
        if (spares == null) {
            return;
        }
        if (inputBuffer.capacity() != 0 && !inputBuffer.hasRemaining() && spares.input == null) {
            spares.input = inputBuffer;
            inputBuffer = NO_BYTES;
        }
        if (state == State.NEW_FRAME && !continuationExpected) {
            if (messageBufferBinary.capacity() != 0) {
                if (spares.binary == null) {
                    spares.binary = messageBufferBinary;
                }
                messageBufferBinary = NO_BYTES;
            }
            if (messageBufferText.capacity() != 0) {
                if (spares.text == null) {
                    spares.text = messageBufferText;
                }
                messageBufferText = NO_CHARS;
            }
        }
    }

    private ByteBuffer borrowBinary(int size) {
        if (messageBufferBinary.capacity() == size) {
            return messageBufferBinary;
        }
        ByteBuffer spare = (spares != null) ? spares.binary : null;
        if (spare != null && spare.capacity() == size) {
            spares.binary = null;
            spare.clear();
            return spare;
        }
        return ByteBuffer.allocate(size);
    }

    private CharBuffer borrowText(int size) {
        if (messageBufferText.capacity() == size) {
            return messageBufferText;
        }
        CharBuffer spare = (spares != null) ? spares.text : null;
        if (spare != null && spare.capacity() == size) {
            spares.text = null;
            spare.clear();
            return spare;
        }
        return CharBuffer.allocate(size);
    }
}
