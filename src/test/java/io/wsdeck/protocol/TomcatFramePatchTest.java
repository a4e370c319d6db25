package io.wsdeck.protocol;

import java.net.URISyntaxException;
import java.nio.file.Path;

import org.apache.catalina.util.ServerInfo;
import org.apache.tomcat.websocket.WsFrameBase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * wsdeck ships its own copy of Tomcat's frame parser, {@code org.apache.tomcat.websocket.WsFrameBase}, with three
 * changes marked {@code wsdeck:} (close reason of invalid UTF-8 -> 1007, invalid close codes refused with a reason
 * that names them, RSV1 refused on continuation frames). The wire tests show the behaviour; these show the copy is
 * the class in use and still matches the Tomcat it was taken from.
 */
class TomcatFramePatchTest {

	/** The Tomcat release whose WsFrameBase.java the copy was made from. */
	private static final String COPIED_FROM = "11.0.22";

	@Test
	void theCopyIsTheFrameParserInUse() throws URISyntaxException {
		Path loadedFrom = Path.of(WsFrameBase.class.getProtectionDomain().getCodeSource().getLocation().toURI());

		assertThat(loadedFrom.getFileName().toString()).as("where WsFrameBase was loaded from")
			.doesNotStartWith("tomcat-embed-websocket");
	}

	@Test
	void tomcatIsTheReleaseTheCopyWasTakenFrom() {
		assertThat(ServerInfo.getServerNumber())
			.as("""
					Tomcat's version changed: copy its org/apache/tomcat/websocket/WsFrameBase.java from the new \
					tomcat-embed-websocket sources jar over src/main/java, carry the changes marked 'wsdeck:' \
					across (or drop those the new Tomcat makes itself), then update COPIED_FROM""")
			.startsWith(COPIED_FROM + ".");
	}

}
