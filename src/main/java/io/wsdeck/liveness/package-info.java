/** Dead-peer detection: heartbeat pings, missed pongs, and the idle timeout. */
package io.wsdeck.liveness;
