/** The echo endpoints: a text handler, a binary handler, and the mixed endpoint that dispatches to both. */
package io.wsdeck.echo;
