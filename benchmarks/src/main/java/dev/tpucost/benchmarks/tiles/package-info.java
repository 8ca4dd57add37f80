/** Benchmarks of the tile API: the default-tile search a cost model runs for a kernel it is given no tile for. */
package dev.tpucost.benchmarks.tiles;
