/** The matrix unit: weight-stationary systolic passes for the dots and convolutions of one grid step. */
package dev.tpucost.sim.mxu;
