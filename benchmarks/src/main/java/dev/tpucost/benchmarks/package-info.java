/** JMH benchmarks of tpucost and the kernels they run on; one sub-package per thing measured. */
package dev.tpucost.benchmarks;
