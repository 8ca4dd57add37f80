/**
 * Evaluation of cost models against a dataset's simulated runtimes: ranking and error metrics
 * ({@link dev.tpucost.corpus.evaluation.Metrics}) and the evaluator that runs every model on exactly the
 * same samples of a split ({@link dev.tpucost.corpus.evaluation.Evaluator}).
 */
package dev.tpucost.corpus.evaluation;
