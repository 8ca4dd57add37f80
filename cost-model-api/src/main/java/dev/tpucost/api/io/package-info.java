/** Writing files so that a reader never sees half of one: {@link dev.tpucost.api.io.AtomicFiles}. */
package dev.tpucost.api.io;
