/**
 * The benchmark: wsdeck's packaged jar against raw embedded Tomcat and Node ws, measured one server at a time by
 * the same client on loopback, and printed as one table with ratios ({@link io.wsdeck.bench.Benchmark}).
 */
package io.wsdeck.bench;
