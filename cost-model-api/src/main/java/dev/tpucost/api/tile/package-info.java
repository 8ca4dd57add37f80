/**
 * Tile configurations in the units of XLA's TPU autotuner ({@link dev.tpucost.api.tile.TileConfig}), the
 * native-tile geometry of TPU memory ({@link dev.tpucost.api.tile.NativeTiling}), and the space of valid
 * configurations of a kernel on a chip with its default choice and per-step footprint
 * ({@link dev.tpucost.api.tile.TileSpace}, {@link dev.tpucost.api.tile.TileFootprint}).
 */
package dev.tpucost.api.tile;
