/**
 * The load client: non-blocking sockets on the JDK's selector (epoll on Linux), with its own handshake and frame
 * codec, fast enough to keep a server busy from a single thread.
 */
package io.wsdeck.bench.client;
