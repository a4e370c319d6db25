/**
 * Micrometer meters for sessions, traffic, closes and refused handshakes; the health contribution; and the small
 * JSON feed behind the page's live dashboard.
 */
package io.wsdeck.metrics;
