package io.wsdeck.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.tomcat.websocket.PerMessageDeflate;

import org.springframework.stereotype.Component;

/**
 * What permessage-deflate was spared, read from wsdeck's copy of Tomcat's {@code PerMessageDeflate}: broadcasts
 * sent as a copy of the bytes compressed for another session, and long messages whose rest went out in stored blocks
 * because they were not compressing. Counted by that class for the whole JVM, as its compressors are shared.
 */
@Component
class CompressionMeters implements MeterBinder {

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("wsdeck.compression.shared", this, meters -> PerMessageDeflate.sharedCompressions())
			.description("Broadcasts sent compressed as a copy of another session's compressed bytes")
			.register(registry);
		FunctionCounter.builder("wsdeck.compression.stored", this, meters -> PerMessageDeflate.storedMessages())
			.description("Long messages sent on in stored (uncompressed) deflate blocks, as they were not compressing")
			.register(registry);
	}

}
