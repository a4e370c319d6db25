/** Result lines (JSON, one per measurement) and the summary table with medians and ratios. */
package io.wsdeck.bench.report;
