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
package org.apache.tomcat.util.net;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

import org.apache.tomcat.util.buf.ByteBufferUtils;

/**
 * wsdeck: this is Tomcat 11.0.22's SocketBufferHandler with two changes, marked {@code wsdeck:} below.
 * <p>
 * {@link #expand(int)}, which only TLS calls (to fit a TLS record's plaintext, about 16.5 KiB), grows the read buffer
 * only. Tomcat grew the write buffer too, from the 1 KiB wsdeck sets to 16.5 KiB that every wss connection then held
 * for its whole life. Nothing needs it larger: WebSocket frames go to the TLS channel straight from Tomcat's frame
 * buffer, and what does pass through it (HTTP responses, the {@code 101}) is encrypted in records of the buffer's
 * size, as plain HTTP is written in writes of that size.
 * <p>
 * And the read buffer is lent per thread to a WebSocket connection: {@link #releaseReadBuffer()}, called when a
 * session is opened and after each of its reads, hands an empty one back to the reading thread, and the next use
 * takes one again (the thread's, or a new one). An idle session held it for its whole life: 4 KiB for {@code ws://},
 * the one buffer every idle connection still had, and 16.5 KiB over TLS. Kept as Tomcat has it with direct buffers
 * ({@code socket.directBuffer}), which {@link #free()} releases with the connection.
 * <p>
 * See org.apache.tomcat.websocket.WsFrameBase for why and how classes are shadowed.
 */
public class SocketBufferHandler {

    // wsdeck: the read buffer lent per thread (see the class description). NO_BYTES, with no room, stands for
    // "none held" and reads as empty; the first call that may put bytes in it or read its capacity takes one.
    // Declared before EMPTY, which is built while the class initialises.
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);

    // Two per thread, as a thread reads both ws:// connections and wss ones, whose buffers differ in size.
    private static final ThreadLocal<ByteBuffer[]> SPARE_READ_BUFFERS = ThreadLocal.withInitial(() -> new ByteBuffer[2]);

    static SocketBufferHandler EMPTY = new SocketBufferHandler(0, 0, false) {
        @Override
        public void expand(int newSize) {
        }

        /*
         * Http2AsyncParser$FrameCompletionHandler will return incomplete frame(s) to the buffer. If the previous frame
         * (or concurrent write to a stream) triggered a connection close this call would fail with a
         * BufferOverflowException as data can't be returned to a buffer of zero length. Override the method and make it
         * a NO-OP to avoid triggering the exception.
         */
        @Override
        public void unReadReadBuffer(ByteBuffer returnedData) {
        }
    };

    private volatile boolean readBufferConfiguredForWrite = true;
    private volatile ByteBuffer readBuffer;

    /** wsdeck: the read buffer's size, which a borrowed one has. */
    private int readBufferSize;

    private volatile boolean writeBufferConfiguredForWrite = true;
    private volatile ByteBuffer writeBuffer;

    private final boolean direct;

    public SocketBufferHandler(int readBufferSize, int writeBufferSize, boolean direct) {
        this.direct = direct;
        this.readBufferSize = readBufferSize;
        if (direct) {
            readBuffer = ByteBuffer.allocateDirect(readBufferSize);
            writeBuffer = ByteBuffer.allocateDirect(writeBufferSize);
        } else {
            // wsdeck: taken on first use (see the class description)
            readBuffer = (readBufferSize == 0) ? ByteBuffer.allocate(0) : NO_BYTES;
            writeBuffer = ByteBuffer.allocate(writeBufferSize);
        }
    }


    /** wsdeck: the read buffer, taken from the thread's spare (or new) if none is held. */
    private ByteBuffer heldReadBuffer() {
        ByteBuffer buffer = readBuffer;
        if (buffer != NO_BYTES) {
            return buffer;
        }
        buffer = takeSpare(SPARE_READ_BUFFERS.get(), readBufferSize);
        // empty, in the mode the handler is in
        if (readBufferConfiguredForWrite) {
            buffer.clear();
        } else {
            buffer.position(0).limit(0);
        }
        readBuffer = buffer;
        return buffer;
    }


    /**
     * wsdeck: hands the read buffer back to the calling thread if nothing waits in it. For the thread that reads the
     * connection, between its reads, or after the read that closed it. Buffers without room (those of EMPTY, which a
     * closed connection is given) are never handed out.
     */
    public void releaseReadBuffer() {
        ByteBuffer buffer = readBuffer;
        if (buffer.capacity() == 0 || direct || !isReadBufferEmpty()) {
            return;
        }
        readBuffer = NO_BYTES;
        readBufferConfiguredForWrite = true;
        keepSpare(SPARE_READ_BUFFERS.get(), buffer);
    }


    /**
     * wsdeck: keeps {@code buffer} among {@code spares}, one of each size at most (a thread reads one connection at a
     * time): in an empty place, else in place of the last (a third size is rare: a TLS engine asking for more room).
     */
    private static void keepSpare(ByteBuffer[] spares, ByteBuffer buffer) {
        int empty = -1;
        for (int i = 0; i < spares.length; i++) {
            if (spares[i] == null) {
                empty = (empty < 0) ? i : empty;
            } else if (spares[i].capacity() == buffer.capacity()) {
                return;
            }
        }
        spares[(empty < 0) ? spares.length - 1 : empty] = buffer;
    }


    /** wsdeck: a spare of exactly {@code size} bytes out of {@code spares}, else a new buffer. */
    private static ByteBuffer takeSpare(ByteBuffer[] spares, int size) {
        for (int i = 0; i < spares.length; i++) {
            ByteBuffer spare = spares[i];
            if (spare != null && spare.capacity() == size) {
                spares[i] = null;
                return spare;
            }
        }
        return ByteBuffer.allocate(size);
    }


    public void configureReadBufferForWrite() {
        setReadBufferConfiguredForWrite(true);
    }


    public void configureReadBufferForRead() {
        setReadBufferConfiguredForWrite(false);
    }


    private void setReadBufferConfiguredForWrite(boolean readBufferConFiguredForWrite) {
        // NO-OP if buffer is already in correct state
        if (this.readBufferConfiguredForWrite != readBufferConFiguredForWrite) {
            if (readBufferConFiguredForWrite) {
                // Switching to write
                int remaining = readBuffer.remaining();
                if (remaining == 0) {
                    readBuffer.clear();
                } else {
                    readBuffer.compact();
                }
            } else {
                // Switching to read
                readBuffer.flip();
            }
            this.readBufferConfiguredForWrite = readBufferConFiguredForWrite;
        }
    }


    public ByteBuffer getReadBuffer() {
        return heldReadBuffer(); // wsdeck: see the class description
    }


    public boolean isReadBufferEmpty() {
        if (readBufferConfiguredForWrite) {
            return readBuffer.position() == 0;
        } else {
            return readBuffer.remaining() == 0;
        }
    }


    public void unReadReadBuffer(ByteBuffer returnedData) {
        heldReadBuffer(); // wsdeck: see the class description
        if (isReadBufferEmpty()) {
            configureReadBufferForWrite();
            readBuffer.put(returnedData);
        } else {
            int bytesReturned = returnedData.remaining();
            if (readBufferConfiguredForWrite) {
                // Writes always start at position zero
                if ((readBuffer.position() + bytesReturned) > readBuffer.capacity()) {
                    throw new BufferOverflowException();
                } else {
                    // Move the bytes up to make space for the returned data
                    for (int i = 0; i < readBuffer.position(); i++) {
                        readBuffer.put(i + bytesReturned, readBuffer.get(i));
                    }
                    // Insert the bytes returned
                    for (int i = 0; i < bytesReturned; i++) {
                        readBuffer.put(i, returnedData.get());
                    }
                    // Update the position
                    readBuffer.position(readBuffer.position() + bytesReturned);
                }
            } else {
                // Reads will start at zero but may have progressed
                int shiftRequired = bytesReturned - readBuffer.position();
                if (shiftRequired > 0) {
                    if ((readBuffer.capacity() - readBuffer.limit()) < shiftRequired) {
                        throw new BufferOverflowException();
                    }
                    // Move the bytes up to make space for the returned data
                    int oldLimit = readBuffer.limit();
                    readBuffer.limit(oldLimit + shiftRequired);
                    for (int i = readBuffer.position(); i < oldLimit; i++) {
                        readBuffer.put(i + shiftRequired, readBuffer.get(i));
                    }
                } else {
                    shiftRequired = 0;
                }
                // Insert the returned bytes
                int insertOffset = readBuffer.position() + shiftRequired - bytesReturned;
                for (int i = insertOffset; i < bytesReturned + insertOffset; i++) {
                    readBuffer.put(i, returnedData.get());
                }
                readBuffer.position(insertOffset);
            }
        }
    }


    public void configureWriteBufferForWrite() {
        setWriteBufferConfiguredForWrite(true);
    }


    public void configureWriteBufferForRead() {
        setWriteBufferConfiguredForWrite(false);
    }


    private void setWriteBufferConfiguredForWrite(boolean writeBufferConfiguredForWrite) {
        // NO-OP if buffer is already in correct state
        if (this.writeBufferConfiguredForWrite != writeBufferConfiguredForWrite) {
            if (writeBufferConfiguredForWrite) {
                // Switching to write
                int remaining = writeBuffer.remaining();
                if (remaining == 0) {
                    writeBuffer.clear();
                } else {
                    writeBuffer.compact();
                    writeBuffer.position(remaining);
                    writeBuffer.limit(writeBuffer.capacity());
                }
            } else {
                // Switching to read
                writeBuffer.flip();
            }
            this.writeBufferConfiguredForWrite = writeBufferConfiguredForWrite;
        }
    }


    public boolean isWriteBufferWritable() {
        if (writeBufferConfiguredForWrite) {
            return writeBuffer.hasRemaining();
        } else {
            return writeBuffer.remaining() == 0;
        }
    }


    public ByteBuffer getWriteBuffer() {
        return writeBuffer;
    }


    public boolean isWriteBufferEmpty() {
        if (writeBufferConfiguredForWrite) {
            return writeBuffer.position() == 0;
        } else {
            return writeBuffer.remaining() == 0;
        }
    }


    public void reset() {
        readBuffer.clear();
        readBufferConfiguredForWrite = true;
        writeBuffer.clear();
        writeBufferConfiguredForWrite = true;
    }


    public void expand(int newSize) {
        configureReadBufferForWrite();
        readBuffer = ByteBufferUtils.expand(heldReadBuffer(), newSize); // wsdeck: heldReadBuffer(), see above
        readBufferSize = Math.max(readBufferSize, readBuffer.capacity()); // wsdeck: what later ones must have
        // wsdeck: not the write buffer (see the class description)
    }

    public void free() {
        if (direct) {
            ByteBufferUtils.cleanDirectBuffer(readBuffer);
            ByteBufferUtils.cleanDirectBuffer(writeBuffer);
        }
    }

}
