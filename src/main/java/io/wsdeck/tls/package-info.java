/**
 * wss: a second Tomcat connector with TLS beside the plain one, serving the same application, with the operator's
 * certificate from a Spring SSL bundle or, for development, a self-signed one made and kept on first start.
 */
package io.wsdeck.tls;
