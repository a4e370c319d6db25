package io.wsdeck.protocol;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * {@link CompressedEchoTest} against a server whose compressors keep their windows between messages
 * ({@code wsdeck.compression.context-takeover=true}): each session keeps its zlib objects, and every message's
 * stream continues the one before.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsdeck.compression.context-takeover=true")
class CompressedEchoWithContextTakeoverTest extends CompressedEchoTest {

}
