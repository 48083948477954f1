import * as tf from '@tensorflow/tfjs-core';
import { layers, sequential, type Sequential } from '@tensorflow/tfjs-layers';
import type { DetectorJSON, DetectorLoader } from './detector';
import { ReconstructionDetector, type ReconstructionParams } from './reconstruction';
import type { WeightInitializer } from './tf-backend';
import { LSTM_DEFAULTS as DEFAULTS } from './defaults';

export interface LstmAutoencoderParams extends ReconstructionParams {
  /**
   * rows per window: 1 treats each row as a one-step sequence, as the original system
   * did; T > 1 reads each row with its T−1 predecessors (see reconstruction.ts)
   */
  timesteps: number;
}

// tfjs hands a one-output op's gradient a tensor, not a list, so the stock Unpack
// gradient fails for a one-step sequence (timesteps 1): wrap it again before stacking.
tf.registerGradient({
  kernelName: tf.Unpack,
  gradFunc: (dy, _saved, attrs) => {
    const { axis } = attrs as unknown as tf.UnpackAttrs;
    return { value: () => tf.stack(Array.isArray(dy) ? dy : [dy], axis) };
  },
});

export const LSTM_DEFAULTS: Readonly<LstmAutoencoderParams> = { ...DEFAULTS, hidden_layers: [...DEFAULTS.hidden_layers] };

/**
 * Sequence autoencoder: stacked LSTMs encode a window to the bottleneck vector,
 * RepeatVector(T) feeds it to LSTMs of the mirrored widths, and a TimeDistributed
 * linear Dense(d) reconstructs every step.
 */
export class LstmAutoencoder extends ReconstructionDetector<LstmAutoencoderParams> {
  readonly kind = 'lstm';

  constructor(params: Partial<LstmAutoencoderParams> = {}) {
    const p = { ...LSTM_DEFAULTS, ...params };
    if (!Number.isInteger(p.timesteps) || p.timesteps < 1) throw new Error(`timesteps must be a positive integer, got ${p.timesteps}`);
    super(p);
  }

  static async fromJSON(json: DetectorJSON, files: Record<string, Uint8Array>): Promise<LstmAutoencoder> {
    return new LstmAutoencoder(json.params as Partial<LstmAutoencoderParams>).restore(json, files);
  }

  protected build(inputDim: number, nextInit: () => WeightInitializer): Sequential {
    const { hidden_layers, activation, dropout, timesteps } = this.params;
    const model = sequential({ name: 'lstm_autoencoder' });
    const lstm = (name: string, units: number, returnSequences: boolean, first = false) => {
      model.add(
        layers.lstm({
          name,
          units,
          activation,
          // Keras' default; tfjs defaults to hardSigmoid
          recurrentActivation: 'sigmoid',
          returnSequences,
          kernelInitializer: nextInit(),
          // Keras uses orthogonal here, but tfjs' orthogonal initialiser needs the chained
          // tensor methods that only the umbrella @tensorflow/tfjs package registers
          recurrentInitializer: nextInit(),
          ...(first && { inputShape: [timesteps, inputDim] }),
        }),
      );
      if (dropout > 0) model.add(layers.dropout({ name: `${name}_dropout`, rate: dropout }));
    };
    hidden_layers.forEach((units, i) => lstm(i === hidden_layers.length - 1 ? 'bottleneck' : `encoder_${i + 1}`, units, i < hidden_layers.length - 1, i === 0));
    model.add(layers.repeatVector({ name: 'repeat', n: timesteps }));
    [...hidden_layers].reverse().forEach((units, i) => lstm(`decoder_${i + 1}`, units, true));
    model.add(layers.timeDistributed({ name: 'reconstruction', layer: layers.dense({ units: inputDim, kernelInitializer: nextInit() }) }));
    return model;
  }
}

export const loadLstmAutoencoder: DetectorLoader = (json, files) => LstmAutoencoder.fromJSON(json, files);
