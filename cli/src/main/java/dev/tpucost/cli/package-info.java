/**
 * The {@code tpucost} command: {@link dev.tpucost.cli.TpuCost} and one class per sub-command. Output is a
 * table for people or JSON ({@code --format json}) for programs; exit code 0 on success, 1 when an input
 * cannot be used (the message names it), 2 on usage errors.
 */
package dev.tpucost.cli;
