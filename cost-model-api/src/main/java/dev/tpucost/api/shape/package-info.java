/**
 * Element types, layouts (with XLA's tiling mini-language) and array/tuple shapes, plus their HLO text
 * form ({@link dev.tpucost.api.shape.ShapeParser}).
 */
package dev.tpucost.api.shape;
