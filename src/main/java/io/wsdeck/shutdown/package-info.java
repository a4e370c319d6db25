/** Stopping with sessions open: every client is told (1001) and given time to answer before the server stops. */
package io.wsdeck.shutdown;
