/**
 * The servers under test (wsdeck's jar, the raw Tomcat peer, the Node ws peer) and the child processes they run
 * in, each stopped by its PID.
 */
package io.wsdeck.bench.server;
