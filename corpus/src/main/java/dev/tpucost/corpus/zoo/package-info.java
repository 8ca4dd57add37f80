/**
 * The program zoo: {@link dev.tpucost.corpus.zoo.Graph}, a shape-inferring builder of HLO computations
 * with TPU tiled layouts, and one generator per model family (MLP, ResNet block, MobileNet block,
 * Transformer layer, LSTM cell, DLRM-style embedding, a while-loop RNN, Adam), each with seeded random
 * hyper-parameters and, where the family has one, a backward pass.
 */
package dev.tpucost.corpus.zoo;
