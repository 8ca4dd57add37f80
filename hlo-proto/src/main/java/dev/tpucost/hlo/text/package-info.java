/**
 * HLO text: {@link dev.tpucost.hlo.text.HloTextParser}, a hand-written recursive-descent parser for what
 * real dumps contain (module header and its attributes, the FileNames/StackFrames tables, optional
 * {@code %}, shapes with the full layout mini-language, operand shape prefixes, comments anywhere,
 * instructions wrapped over lines, every attribute form), and {@link dev.tpucost.hlo.text.HloTextPrinter},
 * whose output the parser reads back to the same IR.
 */
package dev.tpucost.hlo.text;
