/**
 * The learned cost model: featurizer, GraphSAGE in SameDiff for training, and a plain-Java forward pass
 * for inference. Filled in by the cost-model-gnn issue.
 */
package dev.tpucost.gnn;
