import * as tf from '@tensorflow/tfjs';

/** Anything that maps a batch of faces to class probabilities: a LayersModel, or its fused form. */
export interface Predictor {
  predict(x: tf.Tensor): tf.Tensor | tf.Tensor[];
}

type Activation = 'relu' | 'linear' | 'softmax';

/** A convolution or dense layer being assembled, its weights as plain arrays until folded. */
interface Affine {
  kind: 'conv' | 'dense';
  shape: number[];
  kernel: Float32Array;
  bias: Float32Array;
  activation: Activation;
  strides: [number, number];
  padding: 'same' | 'valid';
}

/** Layer config fields read here (tf.js types configs loosely). */
interface LayerConfig {
  activation?: string;
  strides?: number | [number, number];
  padding?: string;
  poolSize?: number | [number, number];
  epsilon?: number;
  dataFormat?: string;
  dilationRate?: number | [number, number];
  center?: boolean;
  scale?: boolean;
}

const pair = (value: number | [number, number] | undefined, fallback: number): [number, number] =>
  value === undefined ? [fallback, fallback] : typeof value === 'number' ? [value, value] : value;

const isActivation = (value: string): value is Activation => ['relu', 'linear', 'softmax'].includes(value);

/**
 * The inference form of a trained sequential model: batch norm folded into the convolution or
 * dense layer before it and the ReLU after it fused in, so each block runs as one FusedConv2D or
 * FusedMatMul kernel; dropout dropped. Same outputs as model.predict up to float rounding, with a
 * fraction of the kernel launches, which is most of the time at batch 1 on wasm. Undefined for a
 * model with layers it does not handle, which then runs as it is.
 */
export function fuseForInference(model: tf.LayersModel): (Predictor & { dispose(): void }) | undefined {
  const affines: Affine[] = [];
  const plan: (Affine | ((x: tf.Tensor) => tf.Tensor))[] = [];
  let pending: Affine | undefined;
  const flush = () => {
    if (pending) plan.push(pending);
    pending = undefined;
  };

  for (const layer of model.layers) {
    const config = layer.getConfig() as LayerConfig;
    const activation = config.activation ?? 'linear';
    if (!isActivation(activation)) return undefined;
    const weights = layer.getWeights();
    switch (layer.getClassName()) {
      case 'Conv2D':
      case 'Dense': {
        const conv = layer.getClassName() === 'Conv2D';
        if (conv && (config.dataFormat === 'channels_first' || pair(config.dilationRate, 1).some((d) => d !== 1)))
          return undefined;
        flush();
        const outputs = weights[0].shape[weights[0].shape.length - 1];
        pending = {
          kind: conv ? 'conv' : 'dense',
          shape: weights[0].shape,
          kernel: Float32Array.from(weights[0].dataSync()),
          bias: weights[1] ? Float32Array.from(weights[1].dataSync()) : new Float32Array(outputs),
          activation,
          strides: pair(config.strides, 1),
          padding: config.padding === 'same' ? 'same' : 'valid',
        };
        affines.push(pending);
        break;
      }
      case 'BatchNormalization': {
        // Folds only into a linear conv/dense right before it.
        if (!pending || pending.activation !== 'linear' || config.center === false || config.scale === false)
          return undefined;
        const [gamma, beta, mean, variance] = weights.map((w) => w.dataSync());
        const epsilon = config.epsilon ?? 1e-3;
        const outputs = pending.bias.length;
        const scale = Float32Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + epsilon));
        for (let i = 0; i < pending.kernel.length; i++) pending.kernel[i] *= scale[i % outputs];
        for (let c = 0; c < outputs; c++) pending.bias[c] = (pending.bias[c] - mean[c]) * scale[c] + beta[c];
        break;
      }
      case 'Activation':
        if (pending && pending.activation === 'linear') pending.activation = activation;
        else {
          flush();
          if (activation === 'relu') plan.push((x) => tf.relu(x));
          if (activation === 'softmax') plan.push((x) => tf.softmax(x));
        }
        break;
      case 'MaxPooling2D': {
        flush();
        const pool = pair(config.poolSize, 2);
        const strides = pair(config.strides ?? config.poolSize, 2);
        const padding = config.padding === 'same' ? 'same' : 'valid';
        plan.push((x) => tf.maxPool(x as tf.Tensor4D, pool, strides, padding));
        break;
      }
      case 'Flatten':
        flush();
        plan.push((x) => tf.reshape(x, [x.shape[0], -1]));
        break;
      case 'Dropout':
      case 'InputLayer':
        break;
      default:
        return undefined;
    }
  }
  flush();

  const tensors: tf.Tensor[] = [];
  const steps = plan.map((step) => {
    if (typeof step === 'function') return step;
    const kernel = tf.tensor(step.kernel, step.shape);
    const bias = tf.tensor1d(step.bias);
    tensors.push(kernel, bias);
    const fused = step.activation === 'relu' ? 'relu' : 'linear';
    return (x: tf.Tensor): tf.Tensor => {
      const y =
        step.kind === 'conv'
          ? tf.fused.conv2d({
              x: x as tf.Tensor4D,
              filter: kernel as tf.Tensor4D,
              strides: step.strides,
              pad: step.padding,
              bias,
              activation: fused,
            })
          : tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, activation: fused });
      return step.activation === 'softmax' ? tf.softmax(y) : y;
    };
  });
  return {
    predict: (x) => tf.tidy(() => steps.reduce((y, step) => step(y), x)),
    dispose: () => tensors.forEach((tensor) => tensor.dispose()),
  };
}
