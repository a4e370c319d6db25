package io.wsdeck.lab;

import java.io.IOException;

/**
 * One lab command, parsed from a text message. It runs in its turn, after the answers to every message that
 * arrived before it (see {@link Outbox}).
 */
@FunctionalInterface
interface Command {

	void run(LabSession lab) throws IOException;

}
