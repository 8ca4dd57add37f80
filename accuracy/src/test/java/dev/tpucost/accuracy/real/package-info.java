/** Tests on real data from {@code ../shared}: XLA modules by others and measured TPU v3 tile configurations. */
package dev.tpucost.accuracy.real;
