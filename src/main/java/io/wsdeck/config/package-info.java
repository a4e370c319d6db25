/** wsdeck's configuration tree and the one place that maps endpoints to URLs. */
package io.wsdeck.config;
