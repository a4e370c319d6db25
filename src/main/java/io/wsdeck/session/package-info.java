/**
 * Open sessions: the registry, the per-session outbound lane that keeps pushes out of a streamed echo, the
 * inbound size limit, and the open/close log.
 */
package io.wsdeck.session;
