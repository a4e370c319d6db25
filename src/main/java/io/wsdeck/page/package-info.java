/** The browser page at {@code /} that exercises the whole client WebSocket API against this server. */
package io.wsdeck.page;
