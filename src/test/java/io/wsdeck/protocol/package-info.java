/**
 * RFC 6455 sections 5-7 and RFC 7692 pinned on the wire: framing, control frames, UTF-8, the close handshake,
 * fragmentation, the size limit and permessage-deflate, each sent byte for byte through the raw client.
 */
package io.wsdeck.protocol;
