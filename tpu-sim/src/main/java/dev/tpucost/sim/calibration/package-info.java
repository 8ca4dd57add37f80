/** Fitting the simulator's per-chip constants ({@link dev.tpucost.sim.SimCalibration}) to measured runtimes. */
package dev.tpucost.sim.calibration;
