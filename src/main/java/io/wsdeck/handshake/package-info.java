/**
 * The HTTP side of the upgrade: every refused handshake gets the precise status and a body that says why, and so do
 * the requests Tomcat refuses before any handler runs and those that stop arriving half-way.
 */
package io.wsdeck.handshake;
