package io.wsdeck.lab;

/**
 * {@code fail}: the lab's handler throws while it handles this message, on the thread that read it, as an
 * application bug would. The failure takes the way of any handler's on any endpoint (wsdeck's session handler logs
 * it at WARN with its stack trace and closes only this session with 1011 {@code internal error: LabFailure}), so a
 * client can see what a server error looks like. It happens at once, ahead of answers still waiting their turn.
 */
enum Fail implements Command {

	INSTANCE;

	/** Thrown by {@link LabHandler} as soon as the command is read; never queued. */
	@Override
	public void run(LabSession lab) {
		throw new LabFailure();
	}

	/** The exception the handler fails with; its simple name is the close reason's. */
	static final class LabFailure extends RuntimeException {

		LabFailure() {
			super("the lab's fail command: a handler failure on purpose");
		}

	}

}
