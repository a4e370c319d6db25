/** The HTTP side of the upgrade: every refused handshake gets the precise status and a body that says why. */
package io.wsdeck.handshake;
