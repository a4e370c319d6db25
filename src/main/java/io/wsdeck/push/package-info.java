/** Server-initiated messages: periodic ticks a client asks for with {@code ?tick=MS}, and HTTP broadcasts. */
package io.wsdeck.push;
