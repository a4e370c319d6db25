/*
 * Licensed to the Apache Software Foundation (ASF) under one or more
 * contributor license agreements.  See the NOTICE file distributed with
 * this work for additional information regarding copyright ownership.
 * The ASF licenses this file to You under the Apache License, Version 2.0
 * (the "License"); you may not use this file except in compliance with
 * the License.  You may obtain a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.apache.tomcat.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Extension;
import jakarta.websocket.Extension.Parameter;
import jakarta.websocket.SendHandler;

import org.apache.tomcat.util.res.StringManager;

/**
 * wsdeck: this is Tomcat 11.0.22's PerMessageDeflate with the changes marked {@code wsdeck:} below (the class is
 * shadowed as WsFrameBase is; see that class).
 * <p>
 * A fix to decompression: when the last frame of a message inflated to more than the message buffer had room for,
 * Tomcat ended the frame with the rest still inside zlib, and the end of the message was lost (a fragmented
 * 81,996-byte message of one repeated byte arrived as 81,920 bytes). Here the frame ends only once zlib has given
 * everything, over as many calls as the buffer needs, and the end-of-message bytes are fed to it once, only after
 * the whole frame has been read.
 * <p>
 * Memory: Tomcat gave every compressed session, for its whole life, a
 * {@link Deflater} and an {@link Inflater} (zlib keeps their state in native memory: about 100 KiB resident per
 * session once used) and two 8 KiB buffers, which made an idle browser session, browsers always offering
 * permessage-deflate, cost six times an uncompressed one. Here the compressor, the decompressor with its
 * read buffer, and the write buffer are taken on first use. Where the negotiation lets a side start each message
 * afresh ({@code server_no_context_takeover} for the server's compressor, {@code client_no_context_takeover} for
 * its decompressor, which wsdeck's handshake asks for by default), the zlib object is reset at the end of each
 * message, as Tomcat already did, and then handed to a pool shared by all sessions instead of staying with the
 * session: an idle session holds no zlib state at all. A pooled object has been reset, so no session sees another's
 * data. On close a session ends what it holds; it never hands back an object another thread may still be using.
 * Tomcat also left a new 8 KiB buffer behind for every compressed message; here a message that ends within one
 * buffer leaves as a copy of its compressed bytes, and the buffer stays with the compressor.
 * <p>
 * Broadcasts: a compressor that starts afresh turns the same message into the same bytes, so the last message
 * broadcast is remembered, part by part, with what it was sent as, and the next session it is sent to sends a copy
 * of that (see {@link #sendShared} and {@link #MAX_SHARED_MESSAGE}).
 * <p>
 * Short messages: a whole message shorter than the size wsdeck's handshake sets goes out as it is (see
 * {@link #negotiateWith}). Long messages that do not compress (random, encrypted or already compressed data) go on
 * in stored blocks once that shows (see {@link Compressor#storeIfIncompressible}).
 */
public class PerMessageDeflate implements Transformation {

    private static final StringManager sm = StringManager.getManager(PerMessageDeflate.class);

    private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    private static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    private static final int RSV_BITMASK = 0b100;
    private static final byte[] EOM_BYTES = new byte[] { 0, 0, -1, -1 };

    public static final String NAME = "permessage-deflate";

    public static final TransformationBuilder BUILDER = new TransformationBuilder() {
        @Override
        public Transformation build(List<List<Parameter>> preferences, boolean isServer) {
            return PerMessageDeflate.build(preferences, isServer);
        }
    };

    private final boolean serverContextTakeover;
    private final int serverMaxWindowBits;
    private final boolean clientContextTakeover;
    private final int clientMaxWindowBits;
    private final boolean isServer;
    // wsdeck: taken on first use, and lent per message where the negotiation allows (see the class description)
    private final AtomicReference<Decompressor> decompressor = new AtomicReference<>();
    private final AtomicReference<Compressor> compressor = new AtomicReference<>();
    private volatile boolean closed = false;
    private final byte[] EOM_BUFFER = new byte[EOM_BYTES.length + 1];

    private volatile Transformation next;
    private volatile boolean skipDecompression = false;
    // wsdeck: whether the end-of-message bytes of the current frame have been given to the inflater, which a frame
    // whose output did not fit the message buffer must remember from one call to the next (this method is called
    // again for the same frame); cleared when the frame ends
    private volatile boolean endOfMessageFed = false;
    // wsdeck: allocated when a compressed part needs it, not kept for the next message
    private volatile ByteBuffer writeBuffer;
    private volatile boolean firstCompressedFrameWritten = false;
    // Flag to track if a message is completely empty
    private volatile boolean emptyMessage = true;
    // wsdeck: whole messages shorter than this are sent as they are (see negotiateWith); 0 on Tomcat's own path
    private final int minCompressedSize;
    // wsdeck: whether the last data part sent was not the end of its message
    private volatile boolean midMessage = false;
    // wsdeck: the broadcast this session sends as a copy of what another session was sent, and how many of its
    // parts have matched so far (see replay)
    private volatile SharedMessage replaying;
    private volatile int replayedParts;
    // wsdeck: what this session compresses of a broadcast, for the sessions after it (see sendShared)
    private volatile Recording recording;
    // wsdeck: set while catchUp compresses a broadcast from its start, which then neither replays nor records
    private volatile boolean catchingUp = false;

    /** wsdeck: the context-takeover parameters take no value; one with a value makes the offer invalid. */
    private static void requireNoValue(Parameter param) {
        if (param.getValue() != null) {
            throw new IllegalArgumentException(param.getName() + " takes no value; got \"" + param.getValue() + "\"");
        }
    }

    static PerMessageDeflate build(List<List<Parameter>> preferences, boolean isServer) {
        // Accept the first preference that the endpoint is able to support
        for (List<Parameter> preference : preferences) {
            boolean ok = true;
            boolean serverContextTakeover = true;
            int serverMaxWindowBits = -1;
            boolean clientContextTakeover = true;
            int clientMaxWindowBits = -1;

            // wsdeck: a server declines an offer it cannot accept (RFC 7692 section 5: an unknown parameter, an
            // invalid value, a parameter given twice) and goes on to the next, where Tomcat failed the handshake
            // with a 500; a client still fails on such a response, as section 6 requires
            try {
            for (Parameter param : preference) {
                if (SERVER_NO_CONTEXT_TAKEOVER.equals(param.getName())) {
                    requireNoValue(param); // wsdeck: RFC 7692 7.1.1.1
                    if (serverContextTakeover) {
                        serverContextTakeover = false;
                    } else {
                        // Duplicate definition
                        throw new IllegalArgumentException(
                                sm.getString("perMessageDeflate.duplicateParameter", SERVER_NO_CONTEXT_TAKEOVER));
                    }
                } else if (CLIENT_NO_CONTEXT_TAKEOVER.equals(param.getName())) {
                    requireNoValue(param); // wsdeck: RFC 7692 7.1.1.2
                    if (clientContextTakeover) {
                        clientContextTakeover = false;
                    } else {
                        // Duplicate definition
                        throw new IllegalArgumentException(
                                sm.getString("perMessageDeflate.duplicateParameter", CLIENT_NO_CONTEXT_TAKEOVER));
                    }
                } else if (SERVER_MAX_WINDOW_BITS.equals(param.getName())) {
                    if (serverMaxWindowBits == -1) {
                        serverMaxWindowBits = Integer.parseInt(param.getValue());
                        if (serverMaxWindowBits < 8 || serverMaxWindowBits > 15) {
                            throw new IllegalArgumentException(sm.getString("perMessageDeflate.invalidWindowSize",
                                    SERVER_MAX_WINDOW_BITS, Integer.valueOf(serverMaxWindowBits)));
                        }
                        // Java SE API (as of Java 11) does not expose the API to
                        // control the Window size. It is effectively hard-coded
                        // to 15
                        if (isServer && serverMaxWindowBits != 15) {
                            ok = false;
                            break;
                            // Note server window size is not an issue for the
                            // client since the client will assume 15 and if the
                            // server uses a smaller window everything will
                            // still work
                        }
                    } else {
                        // Duplicate definition
                        throw new IllegalArgumentException(
                                sm.getString("perMessageDeflate.duplicateParameter", SERVER_MAX_WINDOW_BITS));
                    }
                } else if (CLIENT_MAX_WINDOW_BITS.equals(param.getName())) {
                    if (clientMaxWindowBits == -1) {
                        if (param.getValue() == null) {
                            // Hint to server that the client supports this
                            // option. Java SE API (as of Java 11) does not
                            // expose the API to control the Window size. It is
                            // effectively hard-coded to 15
                            clientMaxWindowBits = 15;
                        } else {
                            clientMaxWindowBits = Integer.parseInt(param.getValue());
                            if (clientMaxWindowBits < 8 || clientMaxWindowBits > 15) {
                                throw new IllegalArgumentException(sm.getString("perMessageDeflate.invalidWindowSize",
                                        CLIENT_MAX_WINDOW_BITS, Integer.valueOf(clientMaxWindowBits)));
                            }
                        }
                        // Java SE API (as of Java 11) does not expose the API to
                        // control the Window size. It is effectively hard-coded
                        // to 15
                        if (!isServer && clientMaxWindowBits != 15) {
                            ok = false;
                            break;
                            // Note client window size is not an issue for the
                            // server since the server will assume 15 and if the
                            // client uses a smaller window everything will
                            // still work
                        }
                    } else {
                        // Duplicate definition
                        throw new IllegalArgumentException(
                                sm.getString("perMessageDeflate.duplicateParameter", CLIENT_MAX_WINDOW_BITS));
                    }
                } else {
                    // Unknown parameter
                    throw new IllegalArgumentException(
                            sm.getString("perMessageDeflate.unknownParameter", param.getName()));
                }
            }
            } catch (IllegalArgumentException e) {
                // wsdeck: see above; NumberFormatException, a window size that is not a number, is one too
                if (!isServer) {
                    throw e;
                }
                ok = false;
            }
            if (ok) {
                return new PerMessageDeflate(serverContextTakeover, serverMaxWindowBits, clientContextTakeover,
                        clientMaxWindowBits, isServer);
            }
        }
        // Failed to negotiate agreeable terms
        return null;
    }


    private PerMessageDeflate(boolean serverContextTakeover, int serverMaxWindowBits, boolean clientContextTakeover,
            int clientMaxWindowBits, boolean isServer) {
        this.serverContextTakeover = serverContextTakeover;
        this.serverMaxWindowBits = serverMaxWindowBits;
        this.clientContextTakeover = clientContextTakeover;
        this.clientMaxWindowBits = clientMaxWindowBits;
        this.isServer = isServer;
        Integer minCompressedSize = MIN_COMPRESSED_SIZE.get();
        this.minCompressedSize = (isServer && minCompressedSize != null) ? minCompressedSize.intValue() : 0;
    }


    @Override
    public TransformationResult getMoreData(byte opCode, boolean fin, int rsv, ByteBuffer dest) throws IOException {
        // Control frames are never compressed and may appear in the middle of
        // a WebSocket method. Pass them straight through.
        if (Util.isControl(opCode)) {
            return next.getMoreData(opCode, fin, rsv, dest);
        }

        if (!Util.isContinuation(opCode)) {
            // First frame in new message
            skipDecompression = (rsv & RSV_BITMASK) == 0;
        }

        // Pass uncompressed frames straight through.
        if (skipDecompression) {
            return next.getMoreData(opCode, fin, rsv, dest);
        }

        int written;
        // wsdeck: remembered, see endOfMessageFed
        boolean usedEomBytes = endOfMessageFed;
        // wsdeck: this session's decompressor, taken from the pool if it has none
        Decompressor decompressor = take(this.decompressor, DECOMPRESSORS, lendsDecompressor());
        Inflater inflater = decompressor.inflater();
        ByteBuffer readBuffer = decompressor.readBuffer();

        while (dest.remaining() > 0 || usedEomBytes) {
            // Space available in destination. Try and fill it.
            try {
                written = inflater.inflate(dest.array(), dest.arrayOffset() + dest.position(), dest.remaining());
            } catch (DataFormatException e) {
                // wsdeck: the peer's data, so the peer's protocol error: 1002 (as Tomcat's plain IOException also
                // put on the wire), and through WsFrameBase's mark, so the close line and wsdeck.closes say 1002 by
                // the server where they said 1006 by the client
                throw new WsIOException(new CloseReason(CloseCodes.PROTOCOL_ERROR,
                        sm.getString("perMessageDeflate.deflateFailed") + ": " + e.getMessage()));
            } catch (IllegalStateException | NullPointerException e) {
                // As of Java 25, the JRE throws an ISE rather than an NPE
                throw new IOException(sm.getString("perMessageDeflate.alreadyClosed"), e);
            }
            dest.position(dest.position() + written);

            if (inflater.needsInput() && !usedEomBytes) {
                readBuffer.clear();
                TransformationResult nextResult = next.getMoreData(opCode, fin, (rsv ^ RSV_BITMASK), readBuffer);
                inflater.setInput(readBuffer.array(), readBuffer.arrayOffset(), readBuffer.position());
                if (dest.hasRemaining()) {
                    if (TransformationResult.UNDERFLOW.equals(nextResult)) {
                        return nextResult;
                    } else if (TransformationResult.END_OF_FRAME.equals(nextResult) && readBuffer.position() == 0) {
                        if (fin) {
                            inflater.setInput(EOM_BYTES);
                            usedEomBytes = true;
                            endOfMessageFed = true;
                        } else {
                            return TransformationResult.END_OF_FRAME;
                        }
                    }
                } else if (readBuffer.position() > 0) {
                    return TransformationResult.OVERFLOW;
                } else if (fin && TransformationResult.END_OF_FRAME.equals(nextResult)) {
                    // wsdeck: only once the frame has been read whole; Tomcat also ended a frame whose rest had
                    // not arrived yet here
                    inflater.setInput(EOM_BYTES);
                    usedEomBytes = true;
                    endOfMessageFed = true;
                }
            } else if (written == 0) {
                if (!dest.hasRemaining()) {
                    // wsdeck: Tomcat ended the frame here, dropping the output zlib still held once the message
                    // buffer was full after the end-of-message bytes: a compressible message's last bytes were lost.
                    // The caller empties the buffer and calls again, and the bytes are not fed twice.
                    return TransformationResult.OVERFLOW;
                }
                endOfMessageFed = false;
                if (fin && lendsDecompressor()) {
                    // wsdeck: reset, as Tomcat did, and handed back to the pool
                    handBack(this.decompressor, DECOMPRESSORS);
                }
                return TransformationResult.END_OF_FRAME;
            }
        }

        return TransformationResult.OVERFLOW;
    }


    @Override
    public boolean validateRsv(int rsv, byte opCode) {
        if (Util.isControl(opCode)) {
            if ((rsv & RSV_BITMASK) != 0) {
                return false;
            } else {
                if (next == null) {
                    return true;
                } else {
                    return next.validateRsv(rsv, opCode);
                }
            }
        } else {
            int rsvNext = rsv;
            if ((rsv & RSV_BITMASK) != 0) {
                rsvNext = rsv ^ RSV_BITMASK;
            }
            if (next == null) {
                return true;
            } else {
                return next.validateRsv(rsvNext, opCode);
            }
        }
    }


    @Override
    public Extension getExtensionResponse() {
        Extension result = new WsExtension(NAME);

        List<Extension.Parameter> params = result.getParameters();

        if (!serverContextTakeover) {
            params.add(new WsExtensionParameter(SERVER_NO_CONTEXT_TAKEOVER, null));
        }
        if (serverMaxWindowBits != -1) {
            params.add(new WsExtensionParameter(SERVER_MAX_WINDOW_BITS, Integer.toString(serverMaxWindowBits)));
        }
        if (!clientContextTakeover) {
            params.add(new WsExtensionParameter(CLIENT_NO_CONTEXT_TAKEOVER, null));
        }
        if (clientMaxWindowBits != -1) {
            params.add(new WsExtensionParameter(CLIENT_MAX_WINDOW_BITS, Integer.toString(clientMaxWindowBits)));
        }

        return result;
    }


    @Override
    public void setNext(Transformation t) {
        if (next == null) {
            this.next = t;
        } else {
            next.setNext(t);
        }
    }


    @Override
    public boolean validateRsvBits(int i) {
        if ((i & RSV_BITMASK) != 0) {
            return false;
        }
        if (next == null) {
            return true;
        } else {
            return next.validateRsvBits(i | RSV_BITMASK);
        }
    }


    @Override
    public List<MessagePart> sendMessagePart(List<MessagePart> uncompressedParts) throws IOException {
        // wsdeck: the transformation itself is transform, which a broadcast that turns out to differ from the one
        // it was taken for runs again over its parts so far (see catchUp)
        List<MessagePart> allCompressedParts = transform(uncompressedParts);
        if (next == null) {
            return allCompressedParts;
        } else {
            return next.sendMessagePart(allCompressedParts);
        }
    }


    private List<MessagePart> transform(List<MessagePart> uncompressedParts) throws IOException {
        List<MessagePart> allCompressedParts = new ArrayList<>();

        for (MessagePart uncompressedPart : uncompressedParts) {
            byte opCode = uncompressedPart.getOpCode();
            if (Util.isControl(opCode)) {
                // Control messages can appear in the middle of other messages
                // and must not be compressed. Pass it straight through.
                allCompressedParts.add(uncompressedPart);
                continue;
            }

            // wsdeck: a whole message too short to be worth compressing goes out as it is (see negotiateWith)
            boolean firstPart = !midMessage;
            midMessage = !uncompressedPart.isFin();
            if (firstPart && uncompressedPart.isFin() && uncompressedPart.getPayload().remaining() < minCompressedSize) {
                allCompressedParts.add(uncompressedPart);
                continue;
            }

            // wsdeck: a broadcast another session has just been sent goes out as a copy of what it was sent
            if (firstPart) {
                startSharing(uncompressedPart);
            }
            if (replaying != null) {
                List<MessagePart> replayed = replay(uncompressedPart);
                allCompressedParts.addAll(replayed != null ? replayed : catchUp(uncompressedPart));
                continue;
            }

            if (uncompressedPart.getPayload().limit() != 0) {
                emptyMessage = false;
            }
            if (emptyMessage && uncompressedPart.isFin()) {
                // Zero length messages can't be compressed so pass the
                // final (empty) part straight through.
                allCompressedParts.add(uncompressedPart);
            } else {
                List<MessagePart> compressedParts = new ArrayList<>();
                ByteBuffer uncompressedPayload = uncompressedPart.getPayload();
                if (recording != null) {
                    recording = recording.compressing(uncompressedPayload);
                }
                // wsdeck: this session's compressor, taken from the pool if it has none
                Compressor compressor = take(this.compressor, COMPRESSORS, lendsCompressor());
                Deflater deflater = compressor.deflater;
                SendHandler uncompressedIntermediateHandler = uncompressedPart.getIntermediateHandler();

                // wsdeck: a long message that is not compressing goes on in stored blocks. The switch is made
                // between parts, with no input pending: zlib first ends the block it holds at the old level, and
                // those bytes go out ahead of this part's
                if (lendsCompressor() && !uncompressedPart.isFin() && compressor.storeIfIncompressible()) {
                    while (true) {
                        ByteBuffer compressedPayload = writeBuffer(compressor);
                        try {
                            int written = deflater.deflate(compressedPayload.array(),
                                    compressedPayload.arrayOffset() + compressedPayload.position(),
                                    compressedPayload.remaining(), Deflater.NO_FLUSH);
                            compressedPayload.position(compressedPayload.position() + written);
                        } catch (IllegalStateException | NullPointerException e) {
                            throw new IOException(sm.getString("perMessageDeflate.alreadyClosed"), e);
                        }
                        if (compressedPayload.hasRemaining()) {
                            // a call that leaves room has applied the new level
                            break;
                        }
                        writeBuffer = null;
                        compressedPayload.flip();
                        compressedParts.add(new MessagePart(false, getRsv(uncompressedPart), opCode, compressedPayload,
                                uncompressedIntermediateHandler, uncompressedIntermediateHandler,
                                uncompressedPart.getBlockingWriteTimeoutExpiry()));
                    }
                }

                if (uncompressedPayload.hasArray()) {
                    deflater.setInput(uncompressedPayload.array(),
                            uncompressedPayload.arrayOffset() + uncompressedPayload.position(),
                            uncompressedPayload.remaining());
                } else {
                    byte[] bytes = new byte[uncompressedPayload.remaining()];
                    uncompressedPayload.get(bytes);
                    deflater.setInput(bytes, 0, bytes.length);
                }

                int flush = (uncompressedPart.isFin() ? Deflater.SYNC_FLUSH : Deflater.NO_FLUSH);
                boolean deflateRequired = true;

                while (deflateRequired) {
                    // wsdeck: the compressor's spare buffer, else a new one
                    ByteBuffer compressedPayload = writeBuffer(compressor);

                    try {
                        int written = deflater.deflate(compressedPayload.array(),
                                compressedPayload.arrayOffset() + compressedPayload.position(),
                                compressedPayload.remaining(), flush);
                        compressedPayload.position(compressedPayload.position() + written);
                    } catch (IllegalStateException | NullPointerException e) {
                        // As of Java 25, the JRE throws an ISE rather than an NPE
                        throw new IOException(sm.getString("perMessageDeflate.alreadyClosed"), e);
                    }

                    if (!uncompressedPart.isFin() && compressedPayload.hasRemaining() && deflater.needsInput()) {
                        // This message part has been fully processed by the
                        // deflater. Fire the send handler for this message part
                        // and move on to the next message part.
                        break;
                    }

                    // If this point is reached, a new compressed message part
                    // will be created...
                    MessagePart compressedPart;

                    // .. and a new writeBuffer will be required.
                    // wsdeck: allocated when the next part needs it, so none is kept after the message
                    writeBuffer = null;

                    // Flip the compressed payload ready for writing
                    compressedPayload.flip();

                    boolean fin = uncompressedPart.isFin();
                    boolean full = compressedPayload.limit() == compressedPayload.capacity();
                    boolean needsInput = deflater.needsInput();
                    long blockingWriteTimeoutExpiry = uncompressedPart.getBlockingWriteTimeoutExpiry();

                    if (fin && !full && needsInput) {
                        // End of compressed message. Drop EOM bytes and output.
                        compressedPayload.limit(compressedPayload.limit() - EOM_BYTES.length);
                        // wsdeck: what leaves is a copy of the compressed bytes, and the buffer stays with the
                        // compressor for its next message: Tomcat left a new 8 KiB buffer behind for every message
                        ByteBuffer compressed = ByteBuffer.allocate(compressedPayload.remaining());
                        compressed.put(compressedPayload).flip();
                        compressor.spare = compressedPayload;
                        compressedPayload = compressed;
                        compressedPart = new MessagePart(true, getRsv(uncompressedPart), opCode, compressedPayload,
                                uncompressedIntermediateHandler, uncompressedIntermediateHandler,
                                blockingWriteTimeoutExpiry);
                        deflateRequired = false;
                        startNewMessage();
                    } else if (full && !needsInput) {
                        // Write buffer full and input message not fully read.
                        // Output and start new compressed part.
                        compressedPart = new MessagePart(false, getRsv(uncompressedPart), opCode, compressedPayload,
                                uncompressedIntermediateHandler, uncompressedIntermediateHandler,
                                blockingWriteTimeoutExpiry);
                    } else if (!fin && full/* note: needsInput is true here */) {
                        // Write buffer full and input message not fully read.
                        // Output and get more data.
                        compressedPart = new MessagePart(false, getRsv(uncompressedPart), opCode, compressedPayload,
                                uncompressedIntermediateHandler, uncompressedIntermediateHandler,
                                blockingWriteTimeoutExpiry);
                        deflateRequired = false;
                    } else if (fin && full/* note: needsInput is true here */) {
                        // Write buffer full. Input fully read. Deflater may be
                        // in one of four states:
                        // - output complete (just happened to align with end of
                        // buffer
                        // - in middle of EOM bytes
                        // - about to write EOM bytes
                        // - more data to write
                        int eomBufferWritten;
                        try {
                            eomBufferWritten = deflater.deflate(EOM_BUFFER, 0, EOM_BUFFER.length, Deflater.SYNC_FLUSH);
                        } catch (NullPointerException e) {
                            throw new IOException(sm.getString("perMessageDeflate.alreadyClosed"), e);
                        }
                        if (eomBufferWritten < EOM_BUFFER.length) {
                            // EOM has just been completed
                            compressedPayload.limit(compressedPayload.limit() - EOM_BYTES.length + eomBufferWritten);
                            compressedPart = new MessagePart(true, getRsv(uncompressedPart), opCode, compressedPayload,
                                    uncompressedIntermediateHandler, uncompressedIntermediateHandler,
                                    blockingWriteTimeoutExpiry);
                            deflateRequired = false;
                            startNewMessage();
                        } else {
                            // More data to write
                            // Copy bytes to new write buffer
                            writeBuffer = ByteBuffer.allocate(Constants.DEFAULT_BUFFER_SIZE);
                            writeBuffer.put(EOM_BUFFER, 0, eomBufferWritten);
                            compressedPart = new MessagePart(false, getRsv(uncompressedPart), opCode, compressedPayload,
                                    uncompressedIntermediateHandler, uncompressedIntermediateHandler,
                                    blockingWriteTimeoutExpiry);
                        }
                    } else {
                        throw new IllegalStateException(sm.getString("perMessageDeflate.invalidState"));
                    }

                    // Add the newly created compressed part to the set of parts
                    // to pass on to the next transformation.
                    compressedParts.add(compressedPart);
                }

                SendHandler uncompressedEndHandler = uncompressedPart.getEndHandler();
                int size = compressedParts.size();
                if (size > 0) {
                    compressedParts.get(size - 1).setEndHandler(uncompressedEndHandler);
                }

                allCompressedParts.addAll(compressedParts);
                // wsdeck: what the sessions after this one may send instead of compressing it themselves
                if (recording != null) {
                    recording = recording.sent(compressedParts);
                    if (recording != null && uncompressedPart.isFin()) {
                        lastShared = recording.message();
                        recording = null;
                    }
                }
            }
        }
        return allCompressedParts;
    }


    /** wsdeck: the buffer being filled, else the compressor's spare one, else a new one. */
    private ByteBuffer writeBuffer(Compressor compressor) {
        if (writeBuffer == null) {
            ByteBuffer buffer = compressor.spare != null ? compressor.spare
                    : ByteBuffer.allocate(Constants.DEFAULT_BUFFER_SIZE);
            compressor.spare = null;
            buffer.clear();
            writeBuffer = buffer;
        }
        return writeBuffer;
    }


    private void startNewMessage() throws IOException {
        firstCompressedFrameWritten = false;
        emptyMessage = true;
        if (lendsCompressor()) {
            // wsdeck: reset, as Tomcat did, and handed back to the pool
            handBack(compressor, COMPRESSORS);
        }
    }


    private int getRsv(MessagePart uncompressedMessagePart) {
        int result = uncompressedMessagePart.getRsv();
        if (!firstCompressedFrameWritten) {
            result += RSV_BITMASK;
            firstCompressedFrameWritten = true;
        }
        return result;
    }


    @Override
    public void close() {
        // wsdeck: ends what this session holds; nothing is taken after this
        closed = true;
        // There will always be a next transformation
        next.close();
        DECOMPRESSORS.end(decompressor.getAndSet(null));
        COMPRESSORS.end(compressor.getAndSet(null));
    }


    // wsdeck: what follows sets the size below which messages go out uncompressed

    /** The {@code minCompressedSize} of the transformations built on this thread (see negotiateWith), or none. */
    private static final ThreadLocal<Integer> MIN_COMPRESSED_SIZE = new ThreadLocal<>();

    /**
     * Runs {@code negotiation}, a handshake, so that the server sessions it creates send a whole message shorter
     * than {@code minCompressedSize} bytes as it is, without RSV1; RFC 7692 (6) lets a sender choose message by
     * message. Compressing a message costs microseconds whatever its size (more from a compressor that starts afresh,
     * as zlib first clears a 64 KiB table) and saves a few bytes on a short one. Tomcat builds this transformation deep inside
     * the upgrade, and one JVM may run servers with different settings, so the size travels with the handshake's
     * thread rather than in a static setting. Outside it (Tomcat's client, say) every message is compressed.
     */
    public static void negotiateWith(int minCompressedSize, Runnable negotiation) {
        MIN_COMPRESSED_SIZE.set(minCompressedSize);
        try {
            negotiation.run();
        } finally {
            MIN_COMPRESSED_SIZE.remove();
        }
    }


    // wsdeck: what follows lends the zlib objects (see the class description)

    /**
     * Idle zlib objects kept for reuse, of each kind: enough for the messages compressed at once by the threads
     * that run on the cores. Once used, a compressor holds about 260 KiB and a decompressor about 50 KiB (16 of
     * each on 2 cores: under 5 MiB). More at once are made and ended as needed.
     */
    private static final int POOL_CAPACITY = Math.max(16, 8 * Runtime.getRuntime().availableProcessors());

    private static final Pool<Compressor> COMPRESSORS = new Pool<>(Compressor::new,
            Compressor::reset, (compressor) -> compressor.deflater.end());

    private static final Pool<Decompressor> DECOMPRESSORS = new Pool<>(
            () -> new Decompressor(new Inflater(true), ByteBuffer.allocate(Constants.DEFAULT_BUFFER_SIZE)),
            (decompressor) -> decompressor.inflater().reset(), (decompressor) -> decompressor.inflater().end());


    /**
     * The longest message whose compressed bytes are shared. A compressor that starts afresh turns the same parts into
     * the same compressed bytes, so a message broadcast to many sessions needs compressing only once: the last
     * message compressed whole in {@link #sendShared} is remembered, part by part, with what it was sent as, and a
     * session sending the same parts there sends a copy of that instead of compressing them again. A broadcast to
     * 10,000 browser sessions, which always negotiate deflate, is then compressed once, not 10,000 times. The memory
     * it takes is held once, for the last broadcast only.
     */
    private static final int MAX_SHARED_MESSAGE = 1024 * 1024;

    /** Set while the current thread sends a message that is sent to many sessions alike. */
    private static final ThreadLocal<Boolean> SHARING = new ThreadLocal<>();

    /** A send, for {@link #sendShared}. */
    @FunctionalInterface
    public interface Send {
        void send() throws IOException;
    }


    /**
     * Runs a send of a message that goes to many sessions alike, a broadcast, whose compressed bytes may be shared
     * with the other sessions it goes to. Only such sends share: a session that could send chosen messages to
     * itself (an echo) and time them must not learn whether another session has just been sent the same.
     *
     * @param send the send, which the current thread completes
     *
     * @throws IOException if the send fails
     */
    public static void sendShared(Send send) throws IOException {
        SHARING.set(Boolean.TRUE);
        try {
            send.send();
        } finally {
            SHARING.remove();
        }
    }

    /** The broadcast last compressed whole, with what it was sent as. */
    private static volatile SharedMessage lastShared;

    private static final AtomicLong SHARED_COMPRESSIONS = new AtomicLong();


    /** Sends that shared the compressed bytes of the send before, since the class was loaded (metrics read it). */
    public static long sharedCompressions() {
        return SHARED_COMPRESSIONS.get();
    }


    /**
     * A broadcast as one session sent it: the payload of each part it came in, and the payload of each compressed
     * part that went out, in order. A compressor that starts afresh, fed the same parts, sends the same.
     */
    private record SharedMessage(List<byte[]> parts, List<byte[]> sent) {

        boolean partMatches(int index, ByteBuffer payload) {
            return index < parts.size() && ByteBuffer.wrap(parts.get(index)).equals(payload);
        }
    }


    /** A broadcast being compressed, kept while it stays within {@link #MAX_SHARED_MESSAGE}. */
    private static final class Recording {

        private final List<byte[]> parts = new ArrayList<>();

        private final List<byte[]> sent = new ArrayList<>();

        private long size;

        /** Takes a copy of the next part to be compressed; {@code null} once the message is too long to keep. */
        Recording compressing(ByteBuffer payload) {
            size += payload.remaining();
            if (size > MAX_SHARED_MESSAGE) {
                return null;
            }
            byte[] part = new byte[payload.remaining()];
            payload.duplicate().get(part);
            parts.add(part);
            return this;
        }

        /** Takes a copy of what that part was compressed into. */
        Recording sent(List<MessagePart> compressedParts) {
            for (MessagePart compressed : compressedParts) {
                ByteBuffer payload = compressed.getPayload();
                byte[] bytes = new byte[payload.remaining()];
                payload.duplicate().get(bytes);
                sent.add(bytes);
            }
            return this;
        }

        SharedMessage message() {
            return new SharedMessage(List.copyOf(parts), List.copyOf(sent));
        }
    }


    /**
     * At the first part of a message sent in {@link #sendShared}: replays the broadcast last compressed if its first
     * part is this one, else records this one for the sessions after.
     */
    private void startSharing(MessagePart first) {
        replaying = null;
        recording = null;
        if (catchingUp || SHARING.get() == null || !isServer || !lendsCompressor()
                || !first.getPayload().hasRemaining()) {
            return;
        }
        SharedMessage shared = lastShared;
        if (shared != null && shared.partMatches(0, first.getPayload())) {
            replaying = shared;
            replayedParts = 0;
        } else {
            recording = new Recording();
        }
    }


    /**
     * The next part of the broadcast being replayed: nothing while the parts match and the message goes on (it is
     * sent at its end, so nothing of it has gone out if a later part differs), at the last part a copy of what the
     * recorded session sent, and {@code null} if this part is not the recorded one.
     */
    private List<MessagePart> replay(MessagePart part) throws IOException {
        SharedMessage shared = replaying;
        int index = replayedParts;
        boolean lastRecorded = index == shared.parts().size() - 1;
        if (!shared.partMatches(index, part.getPayload()) || part.isFin() != lastRecorded) {
            return null;
        }
        replayedParts = index + 1;
        List<MessagePart> replayed = new ArrayList<>(part.isFin() ? shared.sent().size() : 0);
        if (!part.isFin()) {
            return replayed;
        }
        replaying = null;
        // the recorded arrays themselves: what is sent is only read (a server does not mask), so a broadcast to
        // many sessions holds its compressed bytes once, however many of them are being written at a time
        for (int i = 0; i < shared.sent().size(); i++) {
            boolean last = i == shared.sent().size() - 1;
            replayed.add(new MessagePart(last, getRsv(part), part.getOpCode(),
                    ByteBuffer.wrap(shared.sent().get(i)), part.getIntermediateHandler(),
                    last ? part.getEndHandler() : part.getIntermediateHandler(), part.getBlockingWriteTimeoutExpiry()));
        }
        SHARED_COMPRESSIONS.incrementAndGet();
        startNewMessage();
        return replayed;
    }


    /**
     * A broadcast that differs from the one being replayed after all (it began with the same part): compressed from
     * its start, the parts that matched first. None of it has been sent.
     */
    private List<MessagePart> catchUp(MessagePart part) throws IOException {
        SharedMessage diverged = replaying;
        int matched = replayedParts;
        replaying = null;
        midMessage = false;
        List<MessagePart> parts = new ArrayList<>(matched + 1);
        for (int i = 0; i < matched; i++) {
            parts.add(new MessagePart(false, part.getRsv(), part.getOpCode(), ByteBuffer.wrap(diverged.parts().get(i)),
                    part.getIntermediateHandler(), part.getIntermediateHandler(), part.getBlockingWriteTimeoutExpiry()));
        }
        parts.add(part);
        catchingUp = true;
        try {
            return transform(parts);
        } finally {
            catchingUp = false;
        }
    }


    /** A deflater with the buffer it compresses small messages into, which the copies that leave spare. */
    private static final class Compressor {

        final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);

        ByteBuffer spare;

        /** Whether the rest of this message goes out in stored blocks (see storeIfIncompressible). */
        private boolean storing;

        /**
         * Switches the rest of a long message that is not compressing to stored blocks (level 0), which cost a copy,
         * where zlib would go on spending about 20 ms per megabyte finding nothing to refer back to (random,
         * encrypted or already compressed data: 205 ms for 10 MB at the default level, 246 ms at level 1, 1 ms
         * stored). Judged from what this message has done once {@link #STORE_AFTER} bytes of it have been read:
         * less than a fifth saved. zlib holds back at most one block of output (16 Ki literals), so data that
         * compresses at all shows well under that by then. Only for a compressor that starts every message
         * afresh: its counts are then the message's own, and the reset after the message restores the level.
         * @return whether it switched; zlib applies the level in the next call, which must then have no input
         */
        boolean storeIfIncompressible() {
            if (storing || !deflater.needsInput() || deflater.getBytesRead() < STORE_AFTER
                    || deflater.getBytesWritten() * 5 <= deflater.getBytesRead() * 4) {
                return false;
            }
            deflater.setLevel(Deflater.NO_COMPRESSION);
            storing = true;
            STORED_MESSAGES.incrementAndGet();
            return true;
        }

        void reset() {
            deflater.reset();
            if (storing) {
                // applied now, by a call without input on the fresh stream (no output), so that it cannot fall
                // on the next message's first part, whose sync flush zlib would then not make
                deflater.setLevel(Deflater.DEFAULT_COMPRESSION);
                deflater.deflate(NO_OUTPUT, 0, NO_OUTPUT.length, Deflater.NO_FLUSH);
                storing = false;
            }
        }

        private static final byte[] NO_OUTPUT = new byte[16];
    }


    /** How much of a message is compressed before {@link Compressor#storeIfIncompressible} judges it. */
    static final int STORE_AFTER = 128 * 1024;

    private static final AtomicLong STORED_MESSAGES = new AtomicLong();

    /** Messages whose rest went out in stored blocks, since the class was loaded (wsdeck's metrics read it). */
    public static long storedMessages() {
        return STORED_MESSAGES.get();
    }


    /** An inflater with the buffer it reads compressed input from: zlib keeps a reference to that input. */
    private record Decompressor(Inflater inflater, ByteBuffer readBuffer) {
    }


    /** Whether this side's decompressor starts each message afresh, so it is lent per message. */
    private boolean lendsDecompressor() {
        return isServer ? !clientContextTakeover : !serverContextTakeover;
    }


    /** Whether this side's compressor starts each message afresh, so it is lent per message. */
    private boolean lendsCompressor() {
        return isServer ? !serverContextTakeover : !clientContextTakeover;
    }


    /** What this session holds, else one from the pool if it may be lent, else a new one, now held. */
    private <T> T take(AtomicReference<T> held, Pool<T> pool, boolean lent) throws IOException {
        T object = held.get();
        if (object == null) {
            object = lent ? pool.take() : null;
            if (object == null) {
                object = pool.make.get();
            }
            held.set(object);
            if (closed && held.compareAndSet(object, null)) {
                // close() ran meanwhile and did not see it
                pool.end(object);
                throw new IOException(sm.getString("perMessageDeflate.alreadyClosed"));
            }
        }
        return object;
    }


    /** At the end of a message: what this session holds, reset and back in the pool. */
    private <T> void handBack(AtomicReference<T> held, Pool<T> pool) throws IOException {
        T object = held.getAndSet(null);
        if (object != null) {
            try {
                pool.giveBack(object);
            } catch (IllegalStateException | NullPointerException e) {
                // As of Java 25, the JRE throws an ISE rather than an NPE
                throw new IOException(sm.getString("perMessageDeflate.alreadyClosed"), e);
            }
        }
    }


    /** A bounded set of idle zlib objects of one kind; what does not fit is ended at once. */
    private static final class Pool<T> {

        private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();

        private final AtomicInteger size = new AtomicInteger();

        private final Supplier<T> make;

        private final Consumer<T> reset;

        private final Consumer<T> end;

        Pool(Supplier<T> make, Consumer<T> reset, Consumer<T> end) {
            this.make = make;
            this.reset = reset;
            this.end = end;
        }

        T take() {
            T taken = idle.poll();
            if (taken != null) {
                size.decrementAndGet();
            }
            return taken;
        }

        void giveBack(T object) {
            reset.accept(object);
            if (size.incrementAndGet() <= POOL_CAPACITY) {
                idle.offer(object);
            } else {
                size.decrementAndGet();
                end.accept(object);
            }
        }

        void end(T object) {
            if (object != null) {
                end.accept(object);
            }
        }
    }
}
