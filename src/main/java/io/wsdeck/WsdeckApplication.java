package io.wsdeck;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** wsdeck: a WebSocket echo-and-push server that shows every protocol behaviour. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WsdeckApplication {

	public static void main(String[] args) {
		SpringApplication.run(WsdeckApplication.class, args);
	}

}
