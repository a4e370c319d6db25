package io.wsdeck.support;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tutorial's exchange on the mixed endpoint, for tests that prove a whole path (TLS, a proxy) carries it:
 * the greeting, then a 10,000,000-byte binary message and a 10,000,000-byte text message echoed intact.
 */
public final class TutorialRoundTrip {

	private TutorialRoundTrip() {
	}

	/** @param client just connected to the mixed endpoint, its greeting not yet taken */
	public static void assertEchoedIntact(WsClient client, long seed) {
		byte[] bytes = Payloads.randomBytes(Payloads.TUTORIAL_SIZE, seed);
		String text = Payloads.randomText(Payloads.TUTORIAL_SIZE, seed + 1);
		assertThat(client.nextText()).isEqualTo("world");
		client.sendBinary(bytes).sendText(text);
		assertThat(Payloads.sha256(client.nextBinary())).as("binary echo").isEqualTo(Payloads.sha256(bytes));
		assertThat(Payloads.sha256(client.nextText())).as("text echo").isEqualTo(Payloads.sha256(text));
	}

}
