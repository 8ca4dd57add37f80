/** JMH results as a markdown table headed by the machine ({@link dev.tpucost.benchmarks.report.JmhTable}). */
package dev.tpucost.benchmarks.report;
