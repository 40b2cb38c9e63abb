/**
 * Conv2D gradients for the wasm backend, written as forward convolutions.
 *
 * tfjs-backend-wasm has no Conv2DBackpropFilter kernel at all, and its Conv2DBackpropInput runs
 * near 4 GFLOP/s while its forward Conv2D (XNNPACK) runs near 35. Both gradients of a stride-1
 * convolution are themselves stride-1 convolutions, so we register kernels that rearrange the
 * operands with cheap transposes and call the fast forward kernel:
 *
 *   dx = conv(dy, rot180(W) with in/out channels swapped), padded by (k - 1 - pad)
 *   dW = conv(x with batch and channels swapped, dy as the filter), padded by pad, transposed back
 *
 * Both are registered as kernels (not only as the Conv2D gradient) because tfjs-layers' fused
 * conv2d calls the backprop ops directly from its own custom gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

const BACKEND = 'wasm';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

interface BackpropAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Explicit4 = [[number, number], [number, number], [number, number], [number, number]];

let installed = false;
let stockBackpropInput: tf.KernelConfig | undefined;

function runKernel(
  name: string,
  inputs: Record<string, TensorInfo>,
  attrs: object,
  backend: KernelBackend,
): TensorInfo {
  const kernel = tf.getKernel(name, BACKEND);
  if (!kernel) throw new Error(`wasm kernel ${name} is missing`);
  return kernel.kernelFunc({ inputs, attrs: attrs as NamedAttrMap, backend }) as TensorInfo;
}

function stridesAreOne(strides: number | [number, number]): boolean {
  return typeof strides === 'number' ? strides === 1 : strides[0] === 1 && strides[1] === 1;
}

function forwardConv(x: TensorInfo, filter: TensorInfo, pad: Explicit4, backend: KernelBackend): TensorInfo {
  return runKernel(
    'Conv2D',
    { x, filter },
    { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined },
    backend,
  );
}

/** Disposes intermediate results made inside a kernel (they never reach the engine). */
function disposeAll(backend: KernelBackend, infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

function padInfo(xShape: number[], filterShape: number[], attrs: BackpropAttrs) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  ).padInfo;
}

function backpropInput({
  inputs,
  attrs,
  backend,
}: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  attrs: BackpropAttrs & { inputShape: number[] };
  backend: KernelBackend;
}): TensorInfo {
  const { dy, filter } = inputs;
  if (!stridesAreOne(attrs.strides) || attrs.dataFormat !== 'NHWC') {
    // Strided convolutions keep the stock (slow but correct) kernel.
    return stockBackpropInput!.kernelFunc({ inputs, attrs: attrs as unknown as NamedAttrMap, backend }) as TensorInfo;
  }
  const [kh, kw] = filter.shape;
  const pad = padInfo(attrs.inputShape, filter.shape, attrs);
  const [, h, w] = attrs.inputShape;
  const [, ho, wo] = dy.shape;
  const top = kh - 1 - pad.top;
  const left = kw - 1 - pad.left;
  const explicit: Explicit4 = [
    [0, 0],
    [top, h - ho + kh - 1 - top],
    [left, w - wo + kw - 1 - left],
    [0, 0],
  ];
  const flipped = runKernel('Reverse', { x: filter }, { dims: [0, 1] }, backend);
  const swapped = runKernel('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }, backend);
  const dx = forwardConv(dy, swapped, explicit, backend);
  disposeAll(backend, [flipped, swapped]);
  return dx;
}

function backpropFilter({
  inputs,
  attrs,
  backend,
}: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  attrs: BackpropAttrs & { filterShape: number[] };
  backend: KernelBackend;
}): TensorInfo {
  const { x, dy } = inputs;
  if (!stridesAreOne(attrs.strides) || attrs.dataFormat !== 'NHWC') {
    throw new Error('Conv2DBackpropFilter on wasm supports stride 1 and NHWC only');
  }
  const pad = padInfo(x.shape, attrs.filterShape, attrs);
  // x [B,H,W,Cin] -> [Cin,H,W,B]: the batch becomes the channels being summed over.
  const xT = runKernel('Transpose', { x }, { perm: [3, 1, 2, 0] }, backend);
  // dy [B,Ho,Wo,Cout] -> [Ho,Wo,B,Cout]: a filter as large as the output map.
  const dyT = runKernel('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }, backend);
  const explicit: Explicit4 = [
    [0, 0],
    [pad.top, pad.bottom],
    [pad.left, pad.right],
    [0, 0],
  ];
  const conv = forwardConv(xT, dyT, explicit, backend); // [Cin, kh, kw, Cout]
  const dW = runKernel('Transpose', { x: conv }, { perm: [1, 2, 0, 3] }, backend);
  disposeAll(backend, [xT, dyT, conv]);
  return dW;
}

interface WasmHeapBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

/**
 * MaxPoolGrad for the 2x2, stride-2, unpadded pooling our models use: one pass in JavaScript
 * over the heap is several times faster than the stock wasm kernel. Like TensorFlow, the whole
 * gradient of a window goes to its first maximum.
 */
function maxPoolGrad({
  inputs,
  attrs,
  backend,
}: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  attrs: { filterSize: number | [number, number]; strides: number | [number, number]; pad: Pad };
  backend: WasmHeapBackend;
}): TensorInfo {
  const { dy, input, output } = inputs;
  const [batch, height, width, channels] = input.shape;
  const isTwoByTwo = (v: number | [number, number]) => (typeof v === 'number' ? v === 2 : v[0] === 2 && v[1] === 2);
  if (!isTwoByTwo(attrs.filterSize) || !isTwoByTwo(attrs.strides) || height % 2 || width % 2) {
    return stockMaxPoolGrad!.kernelFunc({ inputs, attrs: attrs as unknown as NamedAttrMap, backend }) as TensorInfo;
  }
  const dx = backend.makeOutput(input.shape, 'float32');
  const x = backend.typedArrayFromHeap(input);
  const y = backend.typedArrayFromHeap(output);
  const g = backend.typedArrayFromHeap(dy);
  const out = backend.typedArrayFromHeap(dx);
  out.fill(0);
  const outH = height / 2;
  const outW = width / 2;
  const rowStride = width * channels;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        const topLeft = ((b * height + 2 * i) * width + 2 * j) * channels;
        for (let c = 0; c < channels; c++, o++) {
          const max = y[o];
          const p = topLeft + c;
          const at =
            x[p] === max
              ? p
              : x[p + channels] === max
                ? p + channels
                : x[p + rowStride] === max
                  ? p + rowStride
                  : p + rowStride + channels;
          out[at] = g[o];
        }
      }
    }
  }
  return dx;
}

/**
 * BatchMatMul with a transposed operand is several times slower on wasm than without: dense-layer
 * gradients ask for exactly that, so transpose explicitly (cheap) and multiply plainly.
 */
function batchMatMul({
  inputs,
  attrs,
  backend,
}: {
  inputs: { a: TensorInfo; b: TensorInfo };
  attrs: { transposeA: boolean; transposeB: boolean };
  backend: KernelBackend;
}): TensorInfo {
  const stock = stockBatchMatMul!;
  if (!attrs.transposeA && !attrs.transposeB) return stock.kernelFunc({ inputs, attrs, backend }) as TensorInfo;
  const swapLast = (info: TensorInfo) => {
    const perm = info.shape.map((_, i) => i);
    const n = perm.length;
    [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
    return runKernel('Transpose', { x: info }, { perm }, backend);
  };
  const a = attrs.transposeA ? swapLast(inputs.a) : inputs.a;
  const b = attrs.transposeB ? swapLast(inputs.b) : inputs.b;
  const result = stock.kernelFunc({ inputs: { a, b }, attrs: { transposeA: false, transposeB: false }, backend });
  disposeAll(
    backend,
    [a, b].filter((info, i) => info !== (i === 0 ? inputs.a : inputs.b)),
  );
  return result as TensorInfo;
}

/**
 * Column sums of `values` seen as `rows` x `columns`. Eight rows are added before each total is
 * read and written again: about six times faster than one row at a time, and as exact (JavaScript
 * adds in float64 either way).
 */
function columnSums(values: Float32Array, rows: number, columns: number): Float64Array {
  const totals = new Float64Array(columns);
  let row = 0;
  for (; row + 8 <= rows; row += 8) {
    const base = row * columns;
    for (let j = 0; j < columns; j++) {
      const k = base + j;
      totals[j] +=
        values[k] +
        values[k + columns] +
        (values[k + 2 * columns] + values[k + 3 * columns]) +
        (values[k + 4 * columns] + values[k + 5 * columns] + (values[k + 6 * columns] + values[k + 7 * columns]));
    }
  }
  for (; row < rows; row++) {
    const base = row * columns;
    for (let j = 0; j < columns; j++) totals[j] += values[base + j];
  }
  return totals;
}

/**
 * Sum and Mean over leading axes (a bias gradient sums over batch, height and width; batch norm
 * averages over them): the stock wasm kernels transpose first and run near 0.1 GFLOP/s, column
 * sums over the heap run about fifty times faster. Other reductions keep the stock kernels.
 */
function reduceLeadingAxes(kernel: 'Sum' | 'Mean') {
  return ({
    inputs,
    attrs,
    backend,
  }: {
    inputs: { x: TensorInfo };
    attrs: { axis: number | number[]; keepDims: boolean };
    backend: WasmHeapBackend;
  }): TensorInfo => {
    const { x } = inputs;
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.every((axis, i) => axis === i);
    if (x.dtype !== 'float32' || !leading) {
      const stock = kernel === 'Sum' ? stockSum! : stockMean!;
      return stock.kernelFunc({ inputs, attrs: attrs as unknown as NamedAttrMap, backend }) as TensorInfo;
    }
    const reduced = axes.length;
    const outer = x.shape.slice(0, reduced).reduce((a, b) => a * b, 1);
    const inner = x.shape.slice(reduced).reduce((a, b) => a * b, 1);
    const outShape = attrs.keepDims ? x.shape.map((d, i) => (i < reduced ? 1 : d)) : x.shape.slice(reduced);
    const out = backend.makeOutput(outShape, 'float32');
    // Views of the heap only after makeOutput, which may grow (and so move) it.
    const totals = columnSums(backend.typedArrayFromHeap(x), outer, inner);
    const scale = kernel === 'Mean' ? 1 / outer : 1;
    const result = backend.typedArrayFromHeap(out);
    for (let j = 0; j < inner; j++) result[j] = totals[j] * scale;
    return out;
  };
}

let stockSum: tf.KernelConfig | undefined;
let stockMean: tf.KernelConfig | undefined;
let stockMaxPoolGrad: tf.KernelConfig | undefined;
let stockBatchMatMul: tf.KernelConfig | undefined;

function replaceKernel(kernelName: string, kernelFunc: unknown): tf.KernelConfig | undefined {
  const stock = tf.getKernel(kernelName, BACKEND);
  if (stock) tf.unregisterKernel(kernelName, BACKEND);
  tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc: kernelFunc as tf.KernelFunc });
  return stock;
}

/**
 * The stock batch-norm gradient broadcasts with Tile, which is slow on wasm (a third of a
 * training step of the default model). The same formulas with broadcasting arithmetic instead.
 */
const batchNormGradient: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved;
    const dyTensor = dy as tf.Tensor;
    const scaleValue = scale ?? tf.scalar(1);
    const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: tf.Tensor) => (reductionAxes.length > 0 ? tf.sum(t, reductionAxes) : t);
    const xMinusMean = tf.sub(x, mean);
    const dyTimesScale = tf.mul(dyTensor, scaleValue);
    const inverseStd = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const minusHalfInverseCube = tf.mul(tf.mul(tf.mul(inverseStd, inverseStd), inverseStd), tf.scalar(-0.5));
    return {
      x: () => tf.mul(dyTensor, tf.mul(inverseStd, scaleValue)),
      mean: () => tf.reshape(reduce(tf.mul(tf.neg(inverseStd), dyTimesScale)), mean.shape),
      variance: () => tf.reshape(reduce(tf.mul(tf.mul(minusHalfInverseCube, xMinusMean), dyTimesScale)), mean.shape),
      scale: () => tf.reshape(reduce(tf.mul(dyTensor, tf.mul(xMinusMean, inverseStd))), mean.shape),
      offset: () => tf.reshape(reduce(dyTensor), mean.shape),
    };
  },
};

/** Registers the fast kernels on the wasm backend; safe to call more than once. */
export function installFastConvGradients(): void {
  if (installed) return;
  stockMaxPoolGrad = replaceKernel('MaxPoolGrad', maxPoolGrad);
  stockSum = replaceKernel('Sum', reduceLeadingAxes('Sum'));
  stockMean = replaceKernel('Mean', reduceLeadingAxes('Mean'));
  stockBatchMatMul = replaceKernel('BatchMatMul', batchMatMul);
  tf.registerGradient(batchNormGradient);
  stockBackpropInput = tf.getKernel('Conv2DBackpropInput', BACKEND);
  if (stockBackpropInput) tf.unregisterKernel('Conv2DBackpropInput', BACKEND);
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: BACKEND,
    kernelFunc: backpropInput as unknown as tf.KernelFunc,
  });
  if (tf.getKernel('Conv2DBackpropFilter', BACKEND)) tf.unregisterKernel('Conv2DBackpropFilter', BACKEND);
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: BACKEND,
    kernelFunc: backpropFilter as unknown as tf.KernelFunc,
  });
  installed = true;
}
