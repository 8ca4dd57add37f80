/** Features of kernels (per node) and of tile configs (per kernel and config), and their normalisation. */
package dev.tpucost.gnn.features;
