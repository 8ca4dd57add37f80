package dev.tpucost.corpus.zoo;

import static dev.tpucost.corpus.zoo.Dims.floatType;
import static dev.tpucost.corpus.zoo.Dims.pick;

import dev.tpucost.api.hlo.ComparisonDirection;
import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Window;
import dev.tpucost.api.hlo.WindowDimension;
import dev.tpucost.api.shape.ElementType;
import java.util.List;
import java.util.Random;

/**
 * A 3-D convolution layer (video and volumetric models) as XLA writes its training step: forward
 * ({@code b012f_012io->b012f}) with bias and ReLU, then the input gradient (the same kernel reversed,
 * {@code b012f_012oi->b012f}), the weight gradient (the activations convolved with the output gradient,
 * the whole spatial extent as the window, {@code f012b_i012o->012bf}) and the bias gradient (a reduction
 * over batch and the three spatial dimensions). 5-D tensors throughout.
 */
final class Conv3d implements Family {
  @Override
  public String name() {
    return "conv3d";
  }

  @Override
  public HloModule generate(String programName, Random r) {
    Program p = new Program(programName);
    Graph g = p.graph("main");
    ElementType t = floatType(r);
    long n = pick(r, 1, 2, 4, 8);
    long d = pick(r, 4, 8, 16);
    long hw = pick(r, 16, 28, 32, 56);
    long cin = pick(r, 8, 16, 32, 64);
    long cout = pick(r, 32, 64, 128);
    long k = pick(r, 1, 3, 3);
    long pad = (k - 1) / 2;
    Instruction x = g.param(t, n, d, hw, hw, cin);
    Instruction w = g.param(t, k, k, k, cin, cout);
    Instruction bias = g.param(t, cout);
    WindowDimension wd = WindowDimension.of(k, 1, pad, pad);
    Window window = Window.of(wd, wd, wd);
    ConvolutionDimensionNumbers forward = ConvolutionDimensionNumbers.nhwc(3);
    Instruction y = g.relu(g.biasAdd(g.convolution(x, w, forward, window, t), bias));
    // Backward: ReLU gradient, then the three gradients.
    Instruction dy = g.param(t, y.shape().dims());
    Instruction dPre = g.select(g.compare(y, Layers.scalar(g, y, "0"), ComparisonDirection.GT), dy, Layers.scalar(g, dy, "0"));
    WindowDimension rev = new WindowDimension(k, 1, pad, pad, 1, 1, true);
    ConvolutionDimensionNumbers inputGrad = new ConvolutionDimensionNumbers(
        0, 4, List.of(1L, 2L, 3L), 4, 3, List.of(0L, 1L, 2L), 0, 4, List.of(1L, 2L, 3L));
    Instruction dx = g.convolution(dPre, w, inputGrad, Window.of(rev, rev, rev), t);
    ConvolutionDimensionNumbers weightGrad = new ConvolutionDimensionNumbers(
        4, 0, List.of(1L, 2L, 3L), 0, 4, List.of(1L, 2L, 3L), 3, 4, List.of(0L, 1L, 2L));
    Window whole = Window.of(WindowDimension.of(d, 1, pad, pad), WindowDimension.of(hw, 1, pad, pad),
        WindowDimension.of(hw, 1, pad, pad));
    Instruction dw = g.convolution(x, dPre, weightGrad, whole, ElementType.F32);
    Instruction db = g.reduce(g.convert(dPre, ElementType.F32), "add", 0, 1, 2, 3);
    g.tuple(y, dx, dw, db);
    return p.module(g);
  }
}
