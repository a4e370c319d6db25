package io.wsdeck.metrics;

/**
 * Close codes as metric tags. A client may close with any code from 3000 to 4999 (RFC 6455 section 7.4.2); giving
 * each its own tag would let clients grow the number of time series at will, so those ranges share one tag each.
 */
final class CloseCodes {

	private CloseCodes() {
	}

	static String tag(int code) {
		if (code >= 1000 && code <= 1015) {
			return Integer.toString(code);
		}
		if (code >= 3000 && code <= 3999) {
			return "3xxx";
		}
		if (code >= 4000 && code <= 4999) {
			return "4xxx";
		}
		return "other";
	}

}
