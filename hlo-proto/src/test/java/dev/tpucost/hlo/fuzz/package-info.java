/** Fuzz targets (Jazzer) and the readers' contract on arbitrary input, with seeded mutants of the real samples. */
package dev.tpucost.hlo.fuzz;
