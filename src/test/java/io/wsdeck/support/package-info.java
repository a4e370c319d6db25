/**
 * Test support: {@link io.wsdeck.support.RawWebSocket}, a WebSocket client on a plain socket for tests that check
 * the handshake and frames byte for byte.
 */
package io.wsdeck.support;
