/**
 * The lab endpoint: text commands that make the server misbehave on purpose (close codes, fragmentation, pings,
 * delayed echoes, floods, dropped connections), so a client developer can provoke what their client must survive.
 */
package io.wsdeck.lab;
