package io.wsdeck.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** A shared secret presented as {@code Authorization: Bearer <token>} (or, for browsers, a query parameter). */
public final class BearerToken {

	private static final String BEARER = "Bearer ";

	private final byte[] token;

	public BearerToken(String token) {
		this.token = token.getBytes(StandardCharsets.UTF_8);
	}

	/** The token in an {@code Authorization} header value, or {@code null} if it carries no bearer token. */
	public static String fromAuthorization(String authorization) {
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return authorization.substring(BEARER.length()).trim();
		}
		return null;
	}

	/** Constant-time: the time taken must not tell an attacker how much of the token matched. */
	public boolean matches(String presented) {
		return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), this.token);
	}

}
