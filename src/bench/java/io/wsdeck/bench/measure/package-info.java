/**
 * The measurements (echo, large, churn, idle) and what they read from {@code /proc}: each runs against one
 * started server and returns one result line.
 */
package io.wsdeck.bench.measure;
