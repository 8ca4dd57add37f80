/**
 * The accuracy harness's report layer: an {@link dev.tpucost.corpus.evaluation.Evaluator.Report} as JSON
 * ({@link dev.tpucost.benchmarks.report.ReportJson}) and as one self-contained HTML page with charts
 * ({@link dev.tpucost.benchmarks.report.HtmlReport}).
 */
package dev.tpucost.benchmarks.report;
