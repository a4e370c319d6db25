package io.wsdeck.protocol;

import java.nio.ByteBuffer;

import org.apache.tomcat.util.net.SocketBufferHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * wsdeck's copy of Tomcat's SocketBufferHandler lends a connection's read buffer per thread (see IdleReadBufferTest
 * for sessions on a server). Here one thread plays the reading worker: it hands buffers back and takes them again, as
 * a Tomcat worker does between the sessions it reads.
 */
class SocketReadBufferSparesTest {

	private static final int WS_BYTES = 4096;

	private static final int WSS_BYTES = 16_704;

	@Test
	void aThreadReadingWsAndWssConnectionsInTurnKeepsASpareOfEachSize() {
		SocketBufferHandler ws = new SocketBufferHandler(WS_BYTES, 1024, false);
		SocketBufferHandler wss = new SocketBufferHandler(WS_BYTES, 1024, false);
		wss.expand(WSS_BYTES); // as TLS does at its handshake
		ByteBuffer wsBuffer = ws.getReadBuffer();
		ByteBuffer wssBuffer = wss.getReadBuffer();
		ws.releaseReadBuffer();
		wss.releaseReadBuffer();

		for (int turn = 0; turn < 3; turn++) {
			SocketBufferHandler anotherWs = new SocketBufferHandler(WS_BYTES, 1024, false);
			assertThat(anotherWs.getReadBuffer()).as("ws read buffer, turn %d", turn).isSameAs(wsBuffer);
			anotherWs.releaseReadBuffer();
			assertThat(wss.getReadBuffer()).as("wss read buffer, turn %d", turn).isSameAs(wssBuffer);
			wss.releaseReadBuffer();
		}
	}

	@Test
	void aBufferWithBytesWaitingInItStaysWithItsConnection() {
		SocketBufferHandler handler = new SocketBufferHandler(WS_BYTES, 1024, false);
		handler.configureReadBufferForWrite();
		handler.getReadBuffer().put(new byte[] { 1, 2, 3 });

		handler.releaseReadBuffer();

		handler.configureReadBufferForRead();
		assertThat(handler.getReadBuffer().remaining()).isEqualTo(3);
		assertThat(handler.getReadBuffer().get()).isEqualTo((byte) 1);
	}

	@Test
	void aTakenBufferIsEmptyInTheModeTheHandlerIsIn() {
		SocketBufferHandler first = new SocketBufferHandler(WS_BYTES, 1024, false);
		first.configureReadBufferForWrite();
		first.getReadBuffer().put(new byte[] { 9, 9 });
		first.configureReadBufferForRead();
		first.getReadBuffer().get(new byte[2]);
		first.releaseReadBuffer();

		SocketBufferHandler reading = new SocketBufferHandler(WS_BYTES, 1024, false);
		reading.configureReadBufferForRead();
		assertThat(reading.isReadBufferEmpty()).isTrue();
		assertThat(reading.getReadBuffer().remaining()).isZero();
		SocketBufferHandler writing = new SocketBufferHandler(WS_BYTES, 1024, false);
		assertThat(writing.getReadBuffer().position()).isZero();
		assertThat(writing.getReadBuffer().remaining()).isEqualTo(WS_BYTES);
	}

}
