package io.wsdeck.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * Checks across the settings of one record ({@link Checked#conflicts}), each conflict blamed on the setting to change:
 * the startup report then names that property and its value. An {@code @AssertTrue} method named the check instead
 * ({@code wsdeck.push.ordered}), with the value {@code false}.
 */
@Documented
@Constraint(validatedBy = SettingsAgree.Check.class)
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface SettingsAgree {

	String message() default "";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** A record whose settings must agree with each other. */
	interface Checked {

		/** What disagrees; empty when the settings agree. */
		List<Conflict> conflicts();

	}

	/**
	 * @param setting the record component to blame, or a path to one below it ({@code outbound.sendBufferLimit})
	 * @param problem what is wrong, naming the other settings involved
	 */
	record Conflict(String setting, String problem) {
	}

	/** The validator. */
	class Check implements ConstraintValidator<SettingsAgree, Checked> {

		@Override
		public boolean isValid(Checked settings, ConstraintValidatorContext context) {
			List<Conflict> conflicts = (settings != null) ? settings.conflicts() : List.of();
			if (conflicts.isEmpty()) {
				return true;
			}
			context.disableDefaultConstraintViolation();
			for (Conflict conflict : conflicts) {
				var violation = context.buildConstraintViolationWithTemplate(literal(conflict.problem()));
				String[] path = conflict.setting().split("\\.");
				var node = violation.addPropertyNode(path[0]);
				for (int i = 1; i < path.length; i++) {
					node = node.addPropertyNode(path[i]);
				}
				node.addConstraintViolation();
			}
			return false;
		}

		/** The text as it is: a message template reads braces, dollar signs and backslashes. */
		private static String literal(String text) {
			return text.replaceAll("([\\\\{}$])", "\\\\$1");
		}

	}

}
