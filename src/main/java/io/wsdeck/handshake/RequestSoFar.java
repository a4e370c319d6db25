package io.wsdeck.handshake;

import java.util.ArrayList;
import java.util.List;

import org.apache.coyote.Request;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;

/**
 * How far an unfinished HTTP request got, read off Tomcat's request as its parser left it: the parts of the request
 * line it finished, and the names of the headers it began. For the line that {@link IncompleteRequestProcessor} logs
 * and the {@code 408} it answers. What the client sent is made {@linkplain ClientText#printable printable} first.
 * @param method the method, or {@code null} if the request line stopped before it ended
 * @param target the path and query, or {@code null} if the request line stopped before them
 * @param protocol the protocol ({@code HTTP/1.1}), or {@code null} if the request line did not end
 * @param headerNames the names of the headers begun, in order
 */
record RequestSoFar(String method, String target, String protocol, List<String> headerNames) {

	/** Header names listed; more are counted. */
	static final int MAX_NAMES_LISTED = 12;

	static RequestSoFar of(Request request) {
		String target = null;
		if (!request.requestURI().isNull()) {
			String query = request.queryString().isNull() ? "" : "?" + request.queryString();
			target = ClientText.printable(request.requestURI() + query);
		}
		MimeHeaders headers = request.getMimeHeaders();
		List<String> names = new ArrayList<>();
		for (int i = 0; i < headers.size(); i++) {
			names.add(text(headers.getName(i)));
		}
		return new RequestSoFar(text(request.method()), target, text(request.protocol()), List.copyOf(names));
	}

	/** For the log line, after "…: ". */
	String summary() {
		if (this.protocol == null) {
			return "the request line did not end" + soFar();
		}
		return "the headers of " + requestLine() + " did not end: " + headersSoFar() + ", then no empty line";
	}

	/** For the 408's body: what was missing and what ends it. */
	String explanation() {
		if (this.protocol == null) {
			return "The request line never ended" + soFar()
					+ ": it ends with CRLF (\\r\\n), and the headers after it with an empty line (\\r\\n\\r\\n).";
		}
		return "The headers of " + requestLine() + " never ended: " + headersSoFar()
				+ ", and no empty line after them. The last header is followed by an empty line: CRLF CRLF"
				+ " (\\r\\n\\r\\n).";
	}

	private String soFar() {
		return (this.method == null) ? "" : " (" + requestLine() + " so far)";
	}

	private String requestLine() {
		StringBuilder line = new StringBuilder(this.method);
		if (this.target != null) {
			line.append(' ').append(this.target);
		}
		if (this.protocol != null) {
			line.append(' ').append(this.protocol);
		}
		return line.toString();
	}

	private String headersSoFar() {
		int count = this.headerNames.size();
		if (count == 0) {
			return "no header so far";
		}
		String listed = String.join(", ", this.headerNames.subList(0, Math.min(count, MAX_NAMES_LISTED)));
		return count + (count == 1 ? " header" : " headers") + " so far (" + listed
				+ (count > MAX_NAMES_LISTED ? ", …" : "") + ")";
	}

	private static String text(MessageBytes bytes) {
		return bytes.isNull() ? null : ClientText.printable(bytes.toString());
	}

}
