package io.wsdeck.page;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** Serves the test page at {@code /}, as the tutorial's {@code app.get('/')} serves {@code index.html}. */
@Controller
class PageController {

	@GetMapping("/")
	String index() {
		return "forward:/index.html";
	}

}
