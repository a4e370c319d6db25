package io.wsdeck.push;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Who may broadcast: MockMvc lets a request claim any remote address. The context runs on a real port because
 * the WebSocket container only exists in a running Tomcat.
 */
class BroadcastAccessTest {

	static MockHttpServletRequestBuilder broadcastFrom(String remoteAddress) {
		return post("/api/broadcast").contentType(MediaType.TEXT_PLAIN).content("hello").with(request -> {
			request.setRemoteAddr(remoteAddress);
			return request;
		});
	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
	@AutoConfigureMockMvc
	class WithoutToken {

		@Autowired
		MockMvc mvc;

		@Test
		void allowsIpv4AndIpv6Loopback() throws Exception {
			this.mvc.perform(broadcastFrom("127.0.0.1")).andExpect(status().isOk()).andExpect(jsonPath("$.reached").value(0));
			this.mvc.perform(broadcastFrom("0:0:0:0:0:0:0:1")).andExpect(status().isOk());
		}

		@Test
		void refusesNonLoopbackCallerWith403() throws Exception {
			this.mvc.perform(broadcastFrom("192.0.2.10"))
				.andExpect(status().isForbidden())
				.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("loopback")));
		}

		@Test
		void refusesHostNamesThatMerelyResolveToLoopback() throws Exception {
			this.mvc.perform(broadcastFrom("localhost.example")).andExpect(status().isForbidden());
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsdeck.admin.token=s3cret")
	@AutoConfigureMockMvc
	class WithToken {

		@Autowired
		MockMvc mvc;

		@Test
		void refusesMissingTokenWith401EvenFromLoopback() throws Exception {
			this.mvc.perform(broadcastFrom("127.0.0.1"))
				.andExpect(status().isUnauthorized())
				.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, org.hamcrest.Matchers.startsWith("Bearer")));
		}

		@Test
		void refusesWrongTokenWith401() throws Exception {
			this.mvc.perform(broadcastFrom("192.0.2.10").header(HttpHeaders.AUTHORIZATION, "Bearer s3cre"))
				.andExpect(status().isUnauthorized());
		}

		@Test
		void acceptsMatchingTokenFromAnyAddress() throws Exception {
			this.mvc.perform(broadcastFrom("192.0.2.10").header(HttpHeaders.AUTHORIZATION, "Bearer s3cret"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.reached").value(0));
		}

	}

}
