/**
 * The accuracy harness's report layer: an {@link dev.tpucost.corpus.evaluation.Evaluator.Report} as JSON
 * ({@link dev.tpucost.accuracy.report.ReportJson}) and as one self-contained HTML page with charts
 * ({@link dev.tpucost.accuracy.report.HtmlReport}).
 */
package dev.tpucost.accuracy.report;
