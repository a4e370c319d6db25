package io.wsdeck.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import org.springframework.util.unit.DataSize;

/**
 * Bounds of a {@link DataSize} setting, written as in {@code application.yml} ({@code 1KB}). On the setting itself,
 * so that a value out of bounds stops startup with a report naming that property and its value; a check method on
 * the record named the check instead, with the value {@code false}.
 */
@Documented
@Constraint(validatedBy = DataSizeRange.Check.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface DataSizeRange {

	/** The smallest size allowed. */
	String min();

	/** The largest size allowed. */
	String max();

	/** Whether {@link #max} itself is allowed. */
	boolean maxAllowed() default true;

	String message() default "";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** The validator; a {@code null} size is left to {@code @NotNull}. */
	class Check implements ConstraintValidator<DataSizeRange, DataSize> {

		private DataSize min;

		private DataSize max;

		private boolean maxAllowed;

		private String rule;

		@Override
		public void initialize(DataSizeRange range) {
			this.min = DataSize.parse(range.min());
			this.max = DataSize.parse(range.max());
			this.maxAllowed = range.maxAllowed();
			this.rule = !range.message().isEmpty() ? range.message()
					: range.maxAllowed() ? "must be between " + range.min() + " and " + range.max()
							: "must be at least " + range.min() + " and below " + range.max();
		}

		@Override
		public boolean isValid(DataSize size, ConstraintValidatorContext context) {
			if (size == null) {
				return true;
			}
			int againstMax = size.compareTo(this.max);
			if (size.compareTo(this.min) >= 0 && (againstMax < 0 || (againstMax == 0 && this.maxAllowed))) {
				return true;
			}
			context.disableDefaultConstraintViolation();
			context.buildConstraintViolationWithTemplate(this.rule).addConstraintViolation();
			return false;
		}

	}

}
