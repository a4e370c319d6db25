package io.wsdeck.config;

/**
 * A setting that cannot work, found once the settings are bound: a check across settings that belong to different
 * owners (wsdeck's and Tomcat's), or something a setting names (an SSL bundle, a directory). Startup stops with
 * {@link InvalidSettingFailureAnalyzer}'s report, which names the property and says what to do, instead of a stack
 * trace to read for the one line that matters.
 */
public class InvalidSettingException extends IllegalStateException {

	private final String property;

	private final String action;

	/**
	 * @param property the property to change, as an operator writes it ({@code wsdeck.tls.bundle})
	 * @param problem what is wrong, naming the property and the value
	 * @param action what to do about it
	 */
	public InvalidSettingException(String property, String problem, String action) {
		this(property, problem, action, null);
	}

	public InvalidSettingException(String property, String problem, String action, Throwable cause) {
		super(problem, cause);
		this.property = property;
		this.action = action;
	}

	public String property() {
		return this.property;
	}

	public String action() {
		return this.action;
	}

}
