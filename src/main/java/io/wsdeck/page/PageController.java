package io.wsdeck.page;

import java.util.LinkedHashMap;
import java.util.Map;

import io.wsdeck.config.WsdeckProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * Serves the test page at {@code /}, as the tutorial's {@code app.get('/')} serves {@code index.html}, and the
 * module that tells the page where this server's endpoints are ({@code wsdeck.endpoints.*} may move them) and the
 * limits it enforces (the tick range and the message size may be configured too).
 */
@Controller
class PageController {

	private final String endpointsModule;

	PageController(WsdeckProperties properties, JsonMapper json) {
		Map<String, String> endpoints = properties.endpoints().paths();
		Map<String, Long> limits = new LinkedHashMap<>();
		limits.put("minTickMs", properties.push().minTick().toMillis());
		limits.put("maxTickMs", properties.push().maxTick().toMillis());
		limits.put("maxMessageBytes", properties.limits().maxMessageSize().toBytes());
		this.endpointsModule = "// wsdeck.endpoints.* of the server that served this page\nexport const ENDPOINTS = "
				+ json.writeValueAsString(endpoints) + ";\n"
				+ "// wsdeck.push.min-tick, max-tick and wsdeck.limits.max-message-size, so the page checks what this "
				+ "server checks\nexport const LIMITS = " + json.writeValueAsString(limits) + ";\n";
	}

	@GetMapping("/")
	String index() {
		return "forward:/index.html";
	}

	/** An ES module rather than a fetch: the page's own modules import it, so it is there before any of them runs. */
	@GetMapping(path = "/js/endpoints.js", produces = "text/javascript")
	@ResponseBody
	String endpoints() {
		return this.endpointsModule;
	}

}
