/**
 * Tile configurations in the units of XLA's TPU autotuner ({@link dev.tpucost.api.tile.TileConfig}), as
 * XLA:TPU uses them: the one padding rule of TPU memory ({@link dev.tpucost.api.tile.NativeTiling}); what
 * a configuration tiles ({@link dev.tpucost.api.tile.TilingGeometry}: the iteration space, the weight);
 * which bounds are possible ({@code TileValidity}); what one configuration touches
 * ({@link dev.tpucost.api.tile.TileFootprint}, by footprint propagation); the closed-form quantities the
 * analytical model and the default share ({@link dev.tpucost.api.tile.TileProfile},
 * {@link dev.tpucost.api.tile.TileQuantities}); enumeration and the default choice; all behind
 * {@link dev.tpucost.api.tile.TileSpace}. {@link dev.tpucost.api.tile.WindowConfig} reads the compiler's
 * own choice from an XLA:TPU dump.
 */
package dev.tpucost.api.tile;
