/** Benchmarks of HLO loading: text parsing and protobuf reading, in MB of input per second. */
package dev.tpucost.benchmarks.hlo;
