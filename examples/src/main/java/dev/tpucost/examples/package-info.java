/** Using tpucost from Java, as an embedder does; the README's example. */
package dev.tpucost.examples;
