/** Fuzz targets (Jazzer) for the API module's readers: the tile notation and chip files. */
package dev.tpucost.api.fuzz;
