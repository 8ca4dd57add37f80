/**
 * Chip descriptions: {@link dev.tpucost.api.chip.ChipSpec} with presets {@code v2}, {@code v3},
 * {@code v4}, {@code v5e}, and JSON chip files ({@link dev.tpucost.api.chip.ChipFiles}) so a user can
 * describe another chip, optionally as overrides of a preset ({@code "base": "v4"}).
 */
package dev.tpucost.api.chip;
