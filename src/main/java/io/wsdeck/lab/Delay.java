package io.wsdeck.lab;

import java.io.IOException;
import java.time.Duration;

/** {@code delay MS}: later echoes wait this long; {@link LabSession#accept} applies it as it arrives. */
record Delay(Duration delay) implements Command {

	@Override
	public void run(LabSession lab) throws IOException {
		lab.reply("ok: delay " + this.delay.toMillis() + " ms");
	}

}
