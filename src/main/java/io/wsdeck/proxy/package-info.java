/** Serving behind a reverse proxy: the client's address and scheme taken from the proxy's forwarded headers. */
package io.wsdeck.proxy;
