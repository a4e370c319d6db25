package io.wsdeck.tls;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocket;

import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawFrame.Close;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import io.wsdeck.support.TrustingClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that shuts down its sending side right after its upgrade request, and then reads. The request is
 * complete, and a half-close leaves the other direction open (TCP: RFC 9293 3.6; TLS 1.3's close_notify: RFC 8446
 * 6.1), so it is answered: the 101 and the greeting arrive, and then, the client's end of stream having come without
 * a close frame (1006, RFC 6455 7.1.5), the server closes the connection. Over wss that half-close is a TLS
 * close_notify, a TCP FIN, or both.
 * <p>
 * Tomcat's TLS channel lost the request whenever the FIN came in before the request had been decrypted: the read
 * that finished the TLS handshake had taken the request's record off the socket along with the client's Finished,
 * and the next read saw the FIN and reported the end of the stream, with the request still undecrypted in its
 * buffer. The server closed the connection without an answer. Each try here sends the client's Finished, its
 * request and its half-close together, as a client does on a network that delivers them in one packet, so that every
 * try meets the case that used to lose about half of them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "wsdeck.tls.self-signed=true", "wsdeck.tls.port=0" })
class HalfCloseTest {

	private static final int TRIES = 20;

	/** Whatever a try still waits for (the 101, the greeting, the end of the stream) comes within this. */
	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	static Path directory;

	@DynamicPropertySource
	static void keepTheCertificateInATemporaryDirectory(DynamicPropertyRegistry registry) {
		registry.add("wsdeck.tls.directory", () -> directory.toString());
	}

	@Autowired
	WssConnector wss;

	@LocalServerPort
	int port;

	/** How a wss client shuts down its sending side. */
	enum HalfClose {

		/** A TLS close_notify; the TCP connection stays open both ways. */
		CLOSE_NOTIFY(true, false),

		/** A TCP FIN without a close_notify. */
		FIN(false, true),

		/** A close_notify and then the FIN. */
		CLOSE_NOTIFY_AND_FIN(true, true);

		final boolean closeNotify;

		final boolean fin;

		HalfClose(boolean closeNotify, boolean fin) {
			this.closeNotify = closeNotify;
			this.fin = fin;
		}

	}

	@ParameterizedTest
	@EnumSource(HalfClose.class)
	void aWssClientThatHalfClosesAfterItsUpgradeRequestGetsThe101AndTheGreeting(HalfClose halfClose) throws IOException {
		for (int i = 1; i <= TRIES; i++) {
			try (HalfClosedTls connection = overTlsHalfClosed("/ws", halfClose)) {
				connection.ws().expectUpgraded().expectText("world");
				connection.ws().readUntilEndOfStream(WAIT);
			}
			catch (IOException | AssertionError ex) {
				throw new AssertionError("try " + i + " of " + TRIES + " (" + halfClose + "): " + ex, ex);
			}
		}
	}

	/** Without a greeting the 101 leaves on its own, once the session has opened, and still before the close. */
	@ParameterizedTest
	@EnumSource(HalfClose.class)
	void aWssClientOfAnEndpointWithoutAGreetingGetsThe101(HalfClose halfClose) throws IOException {
		for (int i = 1; i <= TRIES; i++) {
			try (HalfClosedTls connection = overTlsHalfClosed("/ws/echo", halfClose)) {
				connection.ws().expectUpgraded();
				connection.ws().readUntilEndOfStream(WAIT);
			}
			catch (IOException | AssertionError ex) {
				throw new AssertionError("try " + i + " of " + TRIES + " (" + halfClose + "): " + ex, ex);
			}
		}
	}

	/**
	 * The close line says what happened, however the client half-closed: it left without a close frame, 1006 by the
	 * client, no reason; and the close frame the server sends it (1002, Tomcat's stand-in for the 1006 that may not
	 * be sent) has no reason either. A close_notify alone used to give both Tomcat's "Unable to unwrap data, invalid
	 * status [CLOSED]", which reads as a TLS failure of the server's.
	 */
	@ParameterizedTest
	@EnumSource(HalfClose.class)
	@ExtendWith(OutputCaptureExtension.class)
	void theSessionIsLoggedAsTheClientsWhoLeftWithoutACloseFrame(HalfClose halfClose, CapturedOutput output)
			throws IOException {
		List<RawFrame> afterTheGreeting;
		int clientPort;
		try (HalfClosedTls connection = overTlsHalfClosed("/ws", halfClose)) {
			connection.ws().expectUpgraded().expectText("world");
			afterTheGreeting = connection.ws().readUntilEndOfStream(WAIT);
			clientPort = connection.tcp().getLocalPort();
		}

		assertThat(afterTheGreeting).allSatisfy((frame) -> assertThat(frame.close()).isEqualTo(new Close(1002, "")));
		await().atMost(WAIT).untilAsserted(() -> {
			Matcher opened = Pattern.compile("Opened session (\\S+) on mixed from /127\\.0\\.0\\.1:" + clientPort + ",")
				.matcher(output.getOut());
			assertThat(opened.find()).as("the session's open line").isTrue();
			assertThat(output.getOut()).containsPattern(
					"WARN .* Closed session " + Pattern.quote(opened.group(1)) + " on mixed: 1006 \"\" by client after");
		});
	}

	@Test
	void aWsClientThatHalfClosesAfterItsUpgradeRequestGetsThe101AndTheGreeting() throws IOException {
		for (int i = 1; i <= TRIES; i++) {
			RawUpgradeRequest request = RawUpgradeRequest.to("/ws");
			Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port);
			try (RawWebSocket ws = RawWebSocket.connector().answered(socket, halfClosed(socket, request))) {
				ws.expectUpgraded().expectText("world");
				ws.readUntilEndOfStream(WAIT);
			}
			catch (IOException | AssertionError ex) {
				throw new AssertionError("try " + i + " of " + TRIES + ": " + ex, ex);
			}
		}
	}

	private RawUpgradeRequest halfClosed(Socket socket, RawUpgradeRequest request) throws IOException {
		try {
			socket.getOutputStream().write(request.toBytes("127.0.0.1:" + this.port));
			socket.shutdownOutput();
			return request;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Connects over TLS, writes the upgrade request and half-closes, the client's Finished, the request and the
	 * half-close in one write; the client returned reads the answer.
	 */
	private HalfClosedTls overTlsHalfClosed(String target, HalfClose halfClose) throws IOException {
		int tlsPort = this.wss.localPort();
		RawUpgradeRequest request = RawUpgradeRequest.to(target);
		HoldingSocket tcp = new HoldingSocket(tlsPort);
		try {
			tcp.setSoTimeout(Math.toIntExact(WAIT.toMillis()));
			// Layered without autoClose, so that its shutdownOutput() sends the close_notify alone
			SSLSocket tls = (SSLSocket) TrustingClients.sslContext(certificate())
				.getSocketFactory()
				.createSocket(tcp, "127.0.0.1", tlsPort, false);
			tls.startHandshake();
			tls.getOutputStream().write(request.toBytes("127.0.0.1:" + tlsPort));
			if (halfClose.closeNotify) {
				tls.shutdownOutput();
				assertThat(tcp.isOutputShutdown()).as("TCP's sending side after the close_notify alone").isFalse();
			}
			tcp.release();
			if (halfClose.fin) {
				tcp.shutdownOutput();
			}
			return new HalfClosedTls(RawWebSocket.connector().timeout(WAIT).answered(tls, request), tcp);
		}
		catch (IOException | RuntimeException | Error ex) {
			tcp.close();
			throw ex;
		}
	}

	private static Path certificate() {
		return new SelfSignedCertificateStore(directory).certificateFile();
	}

	/** The client over TLS, and its TCP connection: closing a TLS socket layered without autoClose leaves it open. */
	private record HalfClosedTls(RawWebSocket ws, Socket tcp) implements AutoCloseable {

		@Override
		public void close() throws IOException {
			this.ws.close();
			this.tcp.close();
		}

	}

	/**
	 * A TCP connection to loopback that holds back what the client writes once the server has answered its hello
	 * (the client's Finished, and then whatever follows it), until {@link #release()} writes all of it at once.
	 */
	static final class HoldingSocket extends Socket {

		private final ByteArrayOutputStream held = new ByteArrayOutputStream();

		private boolean answered;

		private boolean released;

		HoldingSocket(int port) throws IOException {
			super(InetAddress.getLoopbackAddress(), port);
			setTcpNoDelay(true);
		}

		@Override
		public InputStream getInputStream() throws IOException {
			return new FilterInputStream(super.getInputStream()) {

				@Override
				public int read() throws IOException {
					int b = super.read();
					answered(b >= 0);
					return b;
				}

				@Override
				public int read(byte[] b, int off, int len) throws IOException {
					int n = super.read(b, off, len);
					answered(n > 0);
					return n;
				}

			};
		}

		@Override
		public OutputStream getOutputStream() throws IOException {
			OutputStream out = super.getOutputStream();
			return new OutputStream() {

				@Override
				public void write(int b) throws IOException {
					write(new byte[] { (byte) b }, 0, 1);
				}

				@Override
				public void write(byte[] b, int off, int len) throws IOException {
					synchronized (HoldingSocket.this) {
						if (HoldingSocket.this.answered && !HoldingSocket.this.released) {
							HoldingSocket.this.held.write(b, off, len);
							return;
						}
					}
					out.write(b, off, len);
				}

			};
		}

		private synchronized void answered(boolean readSomething) {
			this.answered |= readSomething;
		}

		synchronized void release() throws IOException {
			this.released = true;
			super.getOutputStream().write(this.held.toByteArray());
		}

	}

}
