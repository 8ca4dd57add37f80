/**
 * The network: a GraphSAGE encoder (opcode embedding plus projected node features, then layers that
 * concatenate a node's state with the mean of its operands' and of its users' states, with residuals),
 * mean and scaled-sum pooling into a kernel embedding, and an MLP head that joins the embedding with a
 * config's features late and outputs a standardised log runtime. {@link dev.tpucost.gnn.net.Forward} runs
 * it in plain Java for inference; {@link dev.tpucost.gnn.net.SameDiffNet} builds the same function in
 * SameDiff for training.
 */
package dev.tpucost.gnn.net;
