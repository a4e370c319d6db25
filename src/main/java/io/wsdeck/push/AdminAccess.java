package io.wsdeck.push;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.wsdeck.access.BearerToken;
import io.wsdeck.config.WsdeckProperties;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Who may call the admin API. Without a token only this machine may (the API can write to every client); with
 * {@code wsdeck.admin.token} set, any caller that presents it as a bearer token may.
 */
@Component
public class AdminAccess {

	private final BearerToken token;

	public AdminAccess(WsdeckProperties properties) {
		this.token = properties.admin().hasToken() ? new BearerToken(properties.admin().token()) : null;
	}

	/** @return {@code null} when allowed, else the status to refuse with */
	public HttpStatus refusal(String remoteAddress, String authorization) {
		if (this.token == null) {
			return isLoopback(remoteAddress) ? null : HttpStatus.FORBIDDEN;
		}
		return this.token.matches(BearerToken.fromAuthorization(authorization)) ? null : HttpStatus.UNAUTHORIZED;
	}

	static boolean isLoopback(String address) {
		if (address == null || address.isEmpty() || !isLiteral(address)) {
			return false;
		}
		try {
			return InetAddress.getByName(address).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	/** Only IP literals: a host name here would cost a DNS lookup and could be made to resolve to 127.0.0.1. */
	private static boolean isLiteral(String address) {
		return address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%');
	}

}
