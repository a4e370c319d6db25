package io.wsdeck.config;

import org.apache.tomcat.websocket.BackgroundProcess;
import org.apache.tomcat.websocket.BackgroundProcessManager;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps Tomcat's "WebSocket background processing" thread for the life of the server.
 * <p>
 * Tomcat starts that thread when its first WebSocket session opens and halts it when the last one closes; a halted
 * thread sleeps out its second before it ends, and the next session starts a new one. Under handshake churn the
 * number of open sessions touches zero again and again: the benchmark's 16 workers made Tomcat start about 190
 * threads a second, one per four handshakes, each a clone, a stack mapping and a JVM thread set up and torn down.
 * Registering one idle process of our own keeps the set of background processes from ever being empty, so the one
 * thread lives on and wakes once a second, as it would with a session open.
 */
@Component
class BackgroundThreadKeeper implements SmartLifecycle {

	private final BackgroundProcess placeholder = new Placeholder();

	private volatile boolean running;

	@Override
	public void start() {
		BackgroundProcessManager.getInstance().register(this.placeholder);
		this.running = true;
	}

	@Override
	public void stop() {
		BackgroundProcessManager.getInstance().unregister(this.placeholder);
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Has nothing to do in the background: its registration is its purpose. */
	private static final class Placeholder implements BackgroundProcess {

		@Override
		public void backgroundProcess() {
		}

		@Override
		public void setProcessPeriod(int period) {
		}

		@Override
		public int getProcessPeriod() {
			return 1;
		}

	}

}
