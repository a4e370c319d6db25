/** Who may open a session and how many: the handshake token and the session quotas. */
package io.wsdeck.access;
