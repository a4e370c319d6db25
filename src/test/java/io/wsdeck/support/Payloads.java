package io.wsdeck.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Large test payloads, reproducible from a seed, and their digests for comparing round trips. */
public final class Payloads {

	/** The size the tutorial sends: {@code new ArrayBuffer(10000000)}. */
	public static final int TUTORIAL_SIZE = 10_000_000;

	private Payloads() {
	}

	public static byte[] randomBytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	/** Text of exactly {@code size} UTF-8 bytes, mixing one-, two- and three-byte characters. */
	public static String randomText(int size, long seed) {
		Random random = new Random(seed);
		StringBuilder text = new StringBuilder(size);
		int bytes = 0;
		while (bytes < size) {
			int left = size - bytes;
			int pick = random.nextInt(10);
			if (pick == 0 && left >= 3) {
				text.append('\u20ac'); // euro sign, three bytes
				bytes += 3;
			}
			else if (pick == 1 && left >= 2) {
				text.append('\u00e9'); // e acute, two bytes
				bytes += 2;
			}
			else {
				text.append((char) ('a' + random.nextInt(26)));
				bytes += 1;
			}
		}
		return text.toString();
	}

	public static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static String sha256(String text) {
		return sha256(text.getBytes(StandardCharsets.UTF_8));
	}

}
