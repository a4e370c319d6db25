package io.wsdeck.page;

import io.wsdeck.support.Browser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * wsdeck on a random port, and the test page freshly loaded from it in Chromium before each test. JUnit runs the
 * subclasses one after another, and {@link Browser} starts a Chromium before each class and quits it after.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class PageInChromium {

	@RegisterExtension
	static final Browser browser = new Browser();

	@LocalServerPort
	int port;

	DeckPage page;

	@BeforeEach
	void openPage() {
		this.page = DeckPage.open(browser, this.port);
	}

}
