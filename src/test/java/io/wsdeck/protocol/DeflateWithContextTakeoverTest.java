package io.wsdeck.protocol;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The wire tests of {@link DeflateTest} again against a server whose compressors keep their windows between
 * messages ({@code wsdeck.compression.context-takeover=true}), where each side refers back into earlier messages.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "wsdeck.compression.context-takeover=true", WireTest.NO_HEARTBEAT })
class DeflateWithContextTakeoverTest extends DeflateTest {

}
