package io.wsdeck.lab;

import java.io.IOException;

/** A text answer: help, an acknowledgement, or an error that leaves the session open. */
record Reply(String text) implements Command {

	static Reply error(String problem) {
		return new Reply("error: " + problem);
	}

	@Override
	public void run(LabSession lab) throws IOException {
		lab.reply(this.text);
	}

}
