package io.wsdeck.proxy;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import org.apache.catalina.valves.RemoteIpValve;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteIpValveWhenForwardedTest {

	/**
	 * Every setting Tomcat's valve has, including any a later Tomcat adds, reaches the replacement: a setting left
	 * behind would silently change how forwarded requests are read.
	 */
	@Test
	void takesEverySettingOfTheValveItReplaces() throws Exception {
		RemoteIpValve configured = new RemoteIpValve();
		List<PropertyDescriptor> settings = settingsOf(configured);
		int distinct = 1;
		for (PropertyDescriptor setting : settings) {
			setting.getWriteMethod().invoke(configured, differentValue(setting, configured, distinct++));
		}

		RemoteIpValveWhenForwarded replacement = new RemoteIpValveWhenForwarded(configured);

		assertThat(settings).hasSizeGreaterThanOrEqualTo(14);
		for (PropertyDescriptor setting : settings) {
			Method read = setting.getReadMethod();
			assertThat(read.invoke(replacement)).as(setting.getName()).isEqualTo(read.invoke(configured));
		}
	}

	/** The properties with a getter and a setter that Tomcat's valve declares, and the async flag it inherits. */
	private static List<PropertyDescriptor> settingsOf(RemoteIpValve valve) throws Exception {
		return Arrays.stream(Introspector.getBeanInfo(RemoteIpValve.class).getPropertyDescriptors())
			.filter((property) -> property.getReadMethod() != null && property.getWriteMethod() != null)
			.filter((property) -> property.getWriteMethod().getDeclaringClass() == RemoteIpValve.class
					|| (property.getWriteMethod().getDeclaringClass() == ValveBase.class
							&& property.getName().equals("asyncSupported")))
			.toList();
	}

	private static Object differentValue(PropertyDescriptor setting, RemoteIpValve valve, int distinct)
			throws Exception {
		Class<?> type = setting.getPropertyType();
		if (type == boolean.class) {
			return !(Boolean) setting.getReadMethod().invoke(valve);
		}
		if (type == int.class) {
			return 40000 + distinct;
		}
		if (type == String.class) {
			return "X-Setting-" + distinct;
		}
		throw new AssertionError("a setting of a type this test does not know: " + setting.getName() + " " + type);
	}

}
