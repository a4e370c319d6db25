package io.wsdeck.protocol;

import java.net.URISyntaxException;
import java.nio.file.Path;

import org.apache.catalina.util.ServerInfo;
import org.apache.coyote.http11.Http11OutputBuffer;
import org.apache.tomcat.util.net.SecureNioChannel;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.apache.tomcat.websocket.PerMessageDeflate;
import org.apache.tomcat.websocket.WsFrameBase;
import org.apache.tomcat.websocket.WsRemoteEndpointImplBase;
import org.apache.tomcat.websocket.server.WsFrameServer;
import org.apache.tomcat.websocket.server.WsHttpUpgradeHandler;
import org.apache.tomcat.websocket.server.WsRemoteEndpointImplServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * wsdeck ships its own copies of nine Tomcat classes, with changes marked {@code wsdeck:}: the frame parser
 * ({@code WsFrameBase}: close reason of invalid UTF-8 -> 1007, invalid close codes refused with a reason that names
 * them, RSV1 refused on continuation frames, input and message buffers lent per thread), the server's reader
 * ({@code WsFrameServer}: each read a batch for the writer), the writer ({@code WsRemoteEndpointImplBase}: no
 * buffers held per session, the replies to one read written together), permessage-deflate
 * ({@code PerMessageDeflate}: zlib objects taken on first use and lent per message), three that send a
 * handshake's {@code 101} in the same write as the session's first frame ({@code Http11OutputBuffer},
 * {@code WsHttpUpgradeHandler}, {@code WsRemoteEndpointImplServer}), the TLS channel ({@code SecureNioChannel}:
 * the records read before a client's half-close are decrypted before its end of stream is reported, network buffers
 * lent per thread) and the socket's buffers ({@code SocketBufferHandler}: the read buffer lent per thread, and the
 * only one TLS grows). The wire and memory tests show the behaviour; these show the copies are the classes in use and
 * still match the Tomcat they were taken from.
 */
class TomcatFramePatchTest {

	/** The Tomcat release the copies were made from. */
	private static final String COPIED_FROM = "11.0.22";

	@ParameterizedTest
	@ValueSource(classes = { WsFrameBase.class, WsFrameServer.class, WsRemoteEndpointImplBase.class,
			PerMessageDeflate.class, WsHttpUpgradeHandler.class, WsRemoteEndpointImplServer.class,
			Http11OutputBuffer.class, SecureNioChannel.class, SocketBufferHandler.class })
	void theCopiesAreTheClassesInUse(Class<?> copied) throws URISyntaxException {
		Path loadedFrom = Path.of(copied.getProtectionDomain().getCodeSource().getLocation().toURI());

		assertThat(loadedFrom.getFileName().toString()).as("where %s was loaded from", copied.getSimpleName())
			.doesNotStartWith("tomcat-embed");
	}

	@Test
	void tomcatIsTheReleaseTheCopyWasTakenFrom() {
		assertThat(ServerInfo.getServerNumber())
			.as("""
					Tomcat's version changed: copy its WsFrameBase.java, WsRemoteEndpointImplBase.java, \
					PerMessageDeflate.java, server/WsFrameServer.java, server/WsHttpUpgradeHandler.java and \
					server/WsRemoteEndpointImplServer.java from the new tomcat-embed-websocket sources jar over \
					src/main/java/org/apache/tomcat/websocket, and coyote/http11/Http11OutputBuffer.java, \
					tomcat/util/net/SecureNioChannel.java and tomcat/util/net/SocketBufferHandler.java from the \
					tomcat-embed-core sources jar over \
					src/main/java/org/apache/coyote/http11 and src/main/java/org/apache/tomcat/util/net, carry the \
					changes marked 'wsdeck:' across (or drop those the new Tomcat makes itself), then update \
					COPIED_FROM""")
			.startsWith(COPIED_FROM + ".");
	}

}
