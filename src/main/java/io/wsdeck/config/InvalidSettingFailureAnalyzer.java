package io.wsdeck.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link InvalidSettingException} as Spring Boot reports a property that failed to bind: the property,
 * what is wrong and what to do, with no stack trace (registered in {@code META-INF/spring.factories}).
 */
class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingException cause) {
		String description = "Invalid setting " + cause.property() + ":\n\n    " + cause.getMessage()
				+ ((cause.getCause() != null) ? "\n    (" + cause.getCause() + ")" : "");
		return new FailureAnalysis(description, cause.action(), cause);
	}

}
