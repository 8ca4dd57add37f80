/**
 * Training: {@link dev.tpucost.gnn.training.Trainer} fits the network on a dataset split's training part
 * with Adam, a ranking and/or regression loss, early stopping on the validation part and resumable,
 * fully seeded checkpoints.
 */
package dev.tpucost.gnn.training;
