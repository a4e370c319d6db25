package io.wsdeck.support;

import java.nio.ByteBuffer;
import java.util.List;

import org.apache.coyote.Processor;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SecureNioChannel;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * The buffers Tomcat's channels hold for the open WebSocket connections of one connector, read off the live objects
 * without touching them: the accessors Tomcat offers would take a lent buffer back to look at it. Field names are
 * those of wsdeck's copies of SocketBufferHandler and SecureNioChannel (Tomcat 11.0.22's).
 */
public final class ConnectionBuffers {

	private ConnectionBuffers() {
	}

	/** The channels of the upgraded (WebSocket) connections on {@code port}, waiting for their next read. */
	public static List<NioChannel> webSocketChannels(WebServerApplicationContext context, int port) {
		return TomcatEndpoints.onPort(context, port)
			.getConnections()
			.stream()
			.filter((wrapper) -> wrapper.getCurrentProcessor() instanceof Processor processor && processor.isUpgrade())
			.map((wrapper) -> wrapper.getSocket())
			.toList();
	}

	/** Bytes of socket read buffer the connection holds: 0 while it is lent out. */
	public static int readBufferBytes(NioChannel channel) {
		return capacity(channel.getBufHandler(), "readBuffer");
	}

	/** Bytes of TLS network buffers (records in and out) the connection holds: 0 while both are lent out. */
	public static int networkBufferBytes(SecureNioChannel channel) {
		return capacity(channel, "netInBuffer") + capacity(channel, "netOutBuffer");
	}

	private static int capacity(Object holder, String field) {
		return ((ByteBuffer) ReflectionTestUtils.getField(holder, field)).capacity();
	}

}
